"""E-mails to the requester. Plain text, sent after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Request


def _send(request: Request, template: str, subject: str) -> None:
    body = render_to_string(template, {"request": request, "site_url": settings.SITE_URL})
    send_mail(subject, body, None, [request.requester_email])


def submitted(request: Request) -> None:
    _send(request, "intake/email/submitted.txt",
          f"Your request for technical assistance {request.tracking_number} was received")  # fmt: skip


def status_changed(request: Request) -> None:
    _send(request, "intake/email/status_changed.txt",
          f"Your request {request.tracking_number} is now {request.get_status_display().lower()}")  # fmt: skip
