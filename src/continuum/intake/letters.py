"""Authorization letters: PDF only, checked by content, size-limited, kept between form attempts."""

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_LETTER_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_letter(upload: UploadedFile) -> None:
    if upload.size == 0:
        raise ValidationError("The file %(name)s is empty.", params={"name": upload.name})
    if upload.size > MAX_LETTER_BYTES:
        raise too_large(upload.name)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError(
            "The file %(name)s is not a PDF (its content is not a PDF document, whatever its name).",
            params={"name": upload.name},
        )


def too_large(name: str) -> ValidationError:
    return ValidationError(
        "The file %(name)s is larger than the limit; the limit is 10 MB. Nothing of it was kept.",
        params={"name": name},
    )


def _pending_path(token) -> Path:
    return Path(settings.MEDIA_ROOT) / "intake" / "pending" / f"{token}.pdf"


PENDING_SESSION_KEY = "intake_pending_letter"
PENDING_MAX_AGE_SECONDS = 24 * 60 * 60


def keep_pending(token, upload: UploadedFile, session) -> None:
    """Hold a valid letter while the rest of the form is corrected, so it need not be chosen again.

    One browser session holds one pending letter at a time (a new one replaces the last), and letters left
    behind by abandoned forms are removed after a day: failed posts cannot pile files up on disk."""
    previous = session.get(PENDING_SESSION_KEY)
    if previous and previous != str(token):
        discard_pending(previous)
    path = _pending_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    session[PENDING_SESSION_KEY] = str(token)
    purge_stale(path.parent)


def purge_stale(folder: Path, now: float | None = None) -> int:
    cutoff = (now or time.time()) - PENDING_MAX_AGE_SECONDS
    removed = 0
    for stale in folder.glob("*.pdf"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
            removed += 1
    return removed


def pending_letter(token) -> Path | None:
    path = _pending_path(token)
    return path if path.exists() else None


def discard_pending(token) -> None:
    _pending_path(token).unlink(missing_ok=True)
