"""Authorization letters: PDF only, checked by content, size-limited, kept between form attempts."""

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
        raise ValidationError(
            "The file %(name)s is %(mb).1f MB; the limit is 10 MB.",
            params={"name": upload.name, "mb": upload.size / 1024 / 1024},
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError(
            "The file %(name)s is not a PDF (its content is not a PDF document, whatever its name).",
            params={"name": upload.name},
        )


def _pending_path(token) -> Path:
    return Path(settings.MEDIA_ROOT) / "intake" / "pending" / f"{token}.pdf"


def keep_pending(token, upload: UploadedFile) -> None:
    """Hold a valid letter while the rest of the form is corrected, so it need not be chosen again."""
    path = _pending_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def pending_letter(token) -> Path | None:
    path = _pending_path(token)
    return path if path.exists() else None


def discard_pending(token) -> None:
    _pending_path(token).unlink(missing_ok=True)
