"""Security events (log-in, log-out, failures, password changes) go to the audit log."""

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from continuum.audit.log import record
from continuum.audit.models import AuditEvent


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, user, AuditEvent.Action.SECURITY, to_state="logged_in", ip_address=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, user, AuditEvent.Action.SECURITY, to_state="logged_out", ip_address=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
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
