"""Security events (log-in, log-out, failures, lockouts, password and two-factor changes) go to the audit log."""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_reset
from allauth.mfa import signals as mfa
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import security
from .clients import client_address


def _ip(request) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[security.LOGIN_AT] = request.session[security.LAST_SEEN] = time.time()
    record(user, user, AuditEvent.Action.SECURITY, to_state="logged_in", ip_address=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, user, AuditEvent.Action.SECURITY, to_state="logged_out", ip_address=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if credentials.get("second_factor"):
        return  # a wrong code: recorded as mfa_failed by allauth's signal
    # The attempted e-mail is kept as the label; the password never is.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record(
        None,
        None,
        AuditEvent.Action.SECURITY,
        to_state="login_failed",
        actor_label=attempted,
        ip_address=_ip(request),
    )


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    record(user, user, AuditEvent.Action.SECURITY, to_state="password_reset", ip_address=_ip(request))


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    record(user, user, AuditEvent.Action.SECURITY, to_state="password_changed", ip_address=_ip(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(None, None, AuditEvent.Action.SECURITY, to_state="locked_out", actor_label=str(username or "")[:254],
           ip_address=ip_address)  # fmt: skip


def _own(user, request, state: str) -> None:
    """A security event of the user's own account."""
    record(user, user, AuditEvent.Action.SECURITY, to_state=state, ip_address=_ip(request))


@receiver(mfa.authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    _own(user, request, f"mfa_added:{authenticator.type}")
    if authenticator.type == authenticator.Type.TOTP:
        # Proving the new authenticator with a code is a second factor for this session too.
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)


@receiver(mfa.authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    _own(user, request, f"mfa_removed:{authenticator.type}")


@receiver(mfa.authenticator_reset)
def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    _own(user, request, f"mfa_reset:{authenticator.type}")


@receiver(mfa.authentication_failed)
def _mfa_failed(sender, request, user, authenticator=None, **kwargs):
    _own(user, request, "mfa_failed")
