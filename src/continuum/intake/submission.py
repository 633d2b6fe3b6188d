"""Saving a valid submission: one function for the web form and the API, so both screen, audit and confirm
alike, and the same submission token never makes two requests."""

from pathlib import Path

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import notify, ratelimit
from .forms import RequestForm
from .models import Request
from .screening import apply_screening


def submit(
    form: RequestForm, user, client_key: str, letter: Path | UploadedFile | None = None
) -> tuple[Request, bool]:
    """Save the validated form; returns (request, created). A token already used returns its request.
    Raises ratelimit.Limited when an anonymous client has sent its hour's requests (checked under a lock)."""
    token = form.cleaned_data["submission_token"]
    try:
        with transaction.atomic():
            ratelimit.hold(client_key, anonymous=not user.is_authenticated)
            request = form.save(commit=False)
            request.submitted_by = user if user.is_authenticated else None
            request.client_key = client_key
            request.save()
            form.save_m2m()
            if isinstance(letter, Path):  # kept from an earlier attempt of the same form
                with letter.open("rb") as handle:
                    request.authorization_letter.save("authorization.pdf", File(handle), save=True)
            elif letter is not None:  # sent with this post
                request.authorization_letter.save("authorization.pdf", letter, save=True)
            request.authorization = request.initial_authorization()
            request.save(update_fields=["authorization"])
            record(user, request, AuditEvent.Action.CREATED, to_state=request.status,
                   reason=f"Submitted by {request.requester_name} <{request.requester_email}>")  # fmt: skip
            apply_screening(request, user)
            transaction.on_commit(lambda: notify.submitted(request))
            if request.urgency == Request.Urgency.URGENT:
                transaction.on_commit(lambda: notify.urgent(request))
    except IntegrityError:
        existing = Request.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, False
    return request, True
