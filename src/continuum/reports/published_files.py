"""A published report's PDF and Word files, rendered once and served from disk.

Rendering a report to PDF takes WeasyPrint a second or more; a public download must not cost that on every
request, or a few anonymous clients can keep every web worker busy. A published version's content does not
change, so its files are kept under REPORT_FILES_DIR, named by the report, its version and a digest of what
they show (the same HTML the PDF is made from, so a renamed agency or a corrected embed gives a new file). A
file lock makes concurrent first requests wait for one render instead of each starting its own."""

import fcntl
import hashlib
import os
from pathlib import Path

from django.conf import settings

from . import document, render_docx, render_pdf

RENDERERS = {"pdf": render_pdf.render_document, "docx": render_docx.render_document}


def _folder() -> Path:
    folder = Path(settings.REPORT_FILES_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def file_for(report, fmt: str) -> bytes:
    """The bytes of a published report's file in `fmt` ("pdf" or "docx"), rendering it only if no file on disk
    matches its current content."""
    doc = document.build(report)
    digest = hashlib.sha256(f"{fmt}\n{render_pdf.html_for(doc)}".encode()).hexdigest()[:32]
    folder = _folder()
    prefix = f"report-{report.pk}-v{report.version}-"
    path = folder / f"{prefix}{digest}.{fmt}"
    if (data := _read(path)) is not None:
        return data
    with open(folder / f"{prefix}{fmt}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (data := _read(path)) is not None:  # another request rendered it while this one waited
            return data
        data = RENDERERS[fmt](doc)
        partial = path.with_suffix(f".{fmt}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)
        for stale in folder.glob(f"{prefix}*.{fmt}"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return data
