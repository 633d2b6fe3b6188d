"""Authorization letters: PDF only, checked by content, size-limited, kept between form attempts."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
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
    """The token is checked to be a UUID before it gets here."""
    return Path(settings.MEDIA_ROOT) / "intake" / "pending" / f"{token}.pdf"


PENDING_SESSION_KEY = "intake_pending_letter"
PENDING_MAX_AGE_SECONDS = 2 * 60 * 60
PENDING_PER_CLIENT = 2
PENDING_TOTAL_BYTES = 200 * 1024 * 1024
NOT_HELD = (
    "The letter was fine but could not be held while the rest of the form is corrected: "
    "attach it again when you send the form."
)


def keep_pending(token, upload: UploadedFile, session, client_key: str) -> bool:
    """Hold a valid letter while the rest of the form is corrected, so it need not be chosen again; returns
    whether it was kept.

    Failed posts must not be able to fill the disk, whatever the client does with its cookies: one browser
    session holds one letter (a new one replaces the last), one client address at most PENDING_PER_CLIENT
    (the oldest goes), the folder at most PENDING_TOTAL_BYTES (past that nothing more is kept and the
    requester attaches the letter again with the corrected form), and letters of abandoned forms are removed
    after two hours."""
    previous = session.get(PENDING_SESSION_KEY)
    if previous and previous != str(token):
        discard_pending(previous)
    folder = _pending_path(token).parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    purge_stale(folder)
    held_key = f"intake-pending-letters:{client_key}"
    held = [t for t in cache.get(held_key, []) if t != str(token) and pending_letter(t)]
    while len(held) >= PENDING_PER_CLIENT:
        discard_pending(held.pop(0))
    in_folder = sum(path.stat().st_size for path in folder.glob("*.pdf"))
    if in_folder + upload.size > PENDING_TOTAL_BYTES:
        return False
    path = _pending_path(token)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    session[PENDING_SESSION_KEY] = str(token)
    cache.set(held_key, [*held, str(token)], PENDING_MAX_AGE_SECONDS)
    return True


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
