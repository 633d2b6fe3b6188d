"""Log-in security rules: who must use two factors, how a session ages, whose failures count (django-axes)."""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

from .roles import PROGRAM_ROLES, PROVIDER_ROLES

# Everyone who works inside other agencies' cases signs in with a second factor: program staff and
# administrators, and provider staff and their SMEs. Agency users are asked, not required.
MFA_ROLES = PROGRAM_ROLES | PROVIDER_ROLES

LOGIN_AT = "continuum_login_at"
LAST_SEEN = "continuum_last_seen"
# Writing the session on every request would cost a query each; a minute's precision is enough.
LAST_SEEN_PRECISION = 60


def mfa_required(user) -> bool:
    return user.is_authenticated and user.role in MFA_ROLES


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def signed_in_with_mfa(request) -> bool:
    """True when this session's log-in passed allauth's second-factor stage (or set one up)."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


def session_expiry(session, now: float | None = None) -> str | None:
    """Why the session has ended ("idle" or "absolute"), or None; stamps the activity time when due."""
    now = time.time() if now is None else now
    login_at = session.setdefault(LOGIN_AT, now)
    last_seen = session.get(LAST_SEEN, login_at)
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if now - last_seen >= LAST_SEEN_PRECISION or LAST_SEEN not in session:
        session[LAST_SEEN] = now
    return None


def attempted_email(request, credentials) -> str:
    """The account a log-in attempt names, as axes should count it: allauth passes ``email``; the admin's and
    Django's forms pass ``username``; case differences must not give an attacker fresh attempts."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return str(value or "").strip().lower()[:254]
