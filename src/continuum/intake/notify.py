"""E-mails to the requester. Plain text, sent after the transaction commits."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Request

STATUS_SALT, STATUS_DAYS = "continuum.intake.status", 365


def status_link(request: Request) -> str:
    """The requester's own link to the status page, from any browser: signed with the tracking number and the
    e-mail address it was sent to, good for a year (the lookup by number and address works any time)."""
    token = signing.dumps([request.tracking_number, request.requester_email.lower()], salt=STATUS_SALT)
    path = reverse("intake:status", args=[request.tracking_number])
    return f"{settings.SITE_URL}{path}?{urlencode({'access': token})}"


def link_opens(request: Request, token: str) -> bool:
    try:
        number, email = signing.loads(token, salt=STATUS_SALT, max_age=STATUS_DAYS * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return number == request.tracking_number and email == request.requester_email.lower()


def _send(request: Request, template: str, subject: str) -> None:
    body = render_to_string(
        template, {"request": request, "site_url": settings.SITE_URL, "status_link": status_link(request)}
    )
    send_mail(subject, body, None, [request.requester_email])


def submitted(request: Request) -> None:
    _send(request, "intake/email/submitted.txt",
          f"Your request for technical assistance {request.tracking_number} was received")  # fmt: skip


def urgent(request: Request) -> None:
    """An urgent request reaches every active program staff member at once, not at the next queue review."""
    from continuum.accounts.models import User
    from continuum.accounts.roles import Role

    staff = list(User.objects.filter(role=Role.PROGRAM_STAFF, is_active=True).values_list("email", flat=True))
    if not staff:
        return
    body = render_to_string("intake/email/urgent.txt", {"request": request, "site_url": settings.SITE_URL})
    send_mail(f"URGENT request {request.tracking_number}: {request.agency_name}", body, None, staff)


def status_changed(request: Request) -> None:
    _send(request, "intake/email/status_changed.txt",
          f"Your request {request.tracking_number} is now {request.get_status_display().lower()}")  # fmt: skip


def authorization_asked(request: Request, chiefs: list[str]) -> None:
    """The agency's chief executive is asked to authorize a liaison's request, with the link to do it."""
    if not chiefs:
        return
    body = render_to_string(
        "intake/email/authorization_asked.txt",
        {"request": request, "link": f"{settings.SITE_URL}{request.get_absolute_url()}"},
    )
    send_mail(f"Please authorize request {request.tracking_number} for your agency", body, None, chiefs)


def authorization_decided(request: Request) -> None:
    _send(request, "intake/email/authorization_decided.txt",
          f"Your request {request.tracking_number}: {request.get_authorization_display().lower()}")  # fmt: skip
