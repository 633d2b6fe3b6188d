"""Session rules applied on every signed-in request: idle and absolute expiry, two factors for the roles
that require them (MFA_ROLES), and no copy of a signed-in response kept in any cache. Log-in itself is
allauth's; this makes sure no other path skips a step."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import security
from .clients import client_address

EXPIRED_MESSAGES = {
    "idle": "You were signed out after a period without activity. Sign in again to continue.",
    "absolute": "Your session reached its time limit. Sign in again to continue.",
}


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            response = self._expire(request, user) or self._require_mfa(request, user)
            if response is not None:
                return response
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            # a signed-in page or download is nobody else's: no browser or proxy keeps a copy (ASVS 8.2.1)
            response["Cache-Control"] = "private, no-store"
        return response

    def _expire(self, request, user):
        why = security.session_expiry(request.session)
        if why is None:
            return None
        record(user, user, AuditEvent.Action.SECURITY, to_state="session_expired", reason=why,
               ip_address=client_address(request))  # fmt: skip
        logout(request)
        messages.info(request, EXPIRED_MESSAGES[why])
        return _redirect(request, reverse("account_login"), next_url=request.get_full_path())

    def _require_mfa(self, request, user):
        if not security.mfa_required(user) or _account_page(request) or security.signed_in_with_mfa(request):
            return None
        if not security.has_totp(user):
            messages.warning(
                request,
                "Your role requires two-factor authentication. Set up an authenticator app to continue.",
            )
            return _redirect(request, reverse("mfa_activate_totp"))
        # Signed in by a path that skipped the second factor: that session is not trusted.
        record(user, user, AuditEvent.Action.SECURITY, to_state="session_without_mfa_ended",
               ip_address=client_address(request))  # fmt: skip
        logout(request)
        messages.warning(request, "Sign in again with your authenticator code to continue.")
        return _redirect(request, reverse("account_login"), next_url=request.get_full_path())


def _account_page(request) -> bool:
    """allauth's own pages (MFA set-up, re-authentication, log-out, password) stay reachable."""
    return request.path.startswith(reverse("account_login").removesuffix("login/"))


def _redirect(request, url: str, next_url: str | None = None):
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
