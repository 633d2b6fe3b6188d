"""Documents exchanged on a site: uploads checked by content (never by name alone), size-limited, streamed to
disk in chunks with their SHA-256, kept as numbered versions, and shown by role.

Accepted: PDF, Word (DOCX) and Excel (XLSX) files, CSV and plain text (UTF-8, no NUL byte), PNG and JPEG."""

import codecs
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet

from continuum.audit.log import save_audited
from continuum.sites.models import Site

from .models import Document, DocumentVersion
from .work import audited_on_site, ensure_open

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    label: str  # with its article, for messages
    content_type: str


PDF = FileType("a PDF", "application/pdf")
DOCX = FileType(
    "a Word document (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileType(
    "an Excel workbook (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
CSV = FileType("a CSV file", "text/csv; charset=utf-8")
TEXT = FileType("a plain text file", "text/plain; charset=utf-8")
PNG = FileType("a PNG image", "image/png")
JPEG = FileType("a JPEG image", "image/jpeg")

BY_EXTENSION = {
    ".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".csv": CSV, ".txt": TEXT, ".png": PNG, ".jpg": JPEG,
    ".jpeg": JPEG,
}  # fmt: skip
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), CSV, plain text (.txt), PNG or JPEG"
ACCEPT_ATTRIBUTE = ",".join(BY_EXTENSION)
OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    file_type: FileType
    size: int
    sha256: str


def _fail(name: str, why: str) -> ValidationError:
    return ValidationError("The file %(name)s %(why)s", params={"name": name, "why": why}, code="invalid")


def readable_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def too_large(name: str) -> ValidationError:
    return _fail(name, f"is larger than the limit of {readable_size(MAX_DOCUMENT_BYTES)}.")


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Check the file by its content and return what it is, with its checksum; raise a ValidationError
    naming the file and saying why it can't be accepted. Reads the file in chunks, never all at once."""
    name = PurePath(upload.name or "file").name
    if not upload.size:
        raise _fail(name, "is empty.")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise too_large(name)
    file_type = BY_EXTENSION.get(PurePath(name).suffix.lower())
    if file_type is None:
        raise _fail(name, f"is not an accepted kind of file: upload a {ACCEPTED} file.")

    digest = hashlib.sha256()
    text = codecs.getincrementaldecoder("utf-8")() if file_type in (CSV, TEXT) else None
    head = b""
    upload.seek(0)
    try:
        for chunk in upload.chunks(CHUNK_BYTES):
            digest.update(chunk)
            head = head or chunk[:16]
            if text is not None:
                if b"\x00" in chunk:
                    raise _fail(name, "contains binary data (a NUL byte); it is not a text file.")
                text.decode(chunk)
        if text is not None:
            text.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _fail(name, "is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel) and try again.") from None
    finally:
        upload.seek(0)
    if not _content_matches(upload, file_type, head):
        raise _fail(name, f"is named as {file_type.label} but its content is not one, whatever its name.")
    return CheckedFile(name=name, file_type=file_type, size=upload.size, sha256=digest.hexdigest())


def _content_matches(upload: UploadedFile, file_type: FileType, head: bytes) -> bool:
    if file_type is PDF:
        return head.startswith(b"%PDF-")
    if file_type is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if file_type is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if file_type in OFFICE_PARTS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:  # reads the archive's directory only, not its members
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, EOFError):
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and OFFICE_PARTS[file_type] in names
    return True  # text: already decoded as UTF-8 without NUL bytes


def _store(
    document: Document,
    actor,
    upload: UploadedFile,
    checked: CheckedFile,
    note: str,
    written: "_RemoveFilesOnFailure",
) -> DocumentVersion:
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=checked.name[:255], size=checked.size,
        content_type=checked.file_type.content_type, sha256=checked.sha256, note=note, uploaded_by=actor,
    )  # fmt: skip
    version.file.save(checked.name, upload, save=False)  # the storage copies it chunk by chunk
    written.versions.append(version)
    return version  # saved by the caller, through the audit log


class _RemoveFilesOnFailure:
    """A file written inside a transaction that then rolls back would be left behind; remove it."""

    def __init__(self):
        self.versions: list[DocumentVersion] = []

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            for version in self.versions:
                version.file.storage.delete(version.file.name)
        return False


def _actor_may_upload(site: Site, actor, backfill: bool) -> None:
    if not actor.has_perm("delivery.upload_document", site):
        raise PermissionDenied
    ensure_open(site, backfill=backfill)


def add_document(
    site: Site,
    actor,
    document: Document,
    upload: UploadedFile,
    *,
    checked: CheckedFile | None = None,
    backfill: bool = False,
) -> DocumentVersion:
    """A new document with its first version. What the agency uploads is always visible to the agency."""
    _actor_may_upload(site, actor, backfill)
    checked = checked or check_upload(upload)
    document.site, document.created_by = site, actor
    if not actor.has_perm("delivery.choose_visibility", site):
        document.visibility = Document.Visibility.TEAM_AND_AGENCY
    with _RemoveFilesOnFailure() as written, transaction.atomic():
        save_audited(document, actor, reason=f"Uploaded {checked.name}")
        version = _store(document, actor, upload, checked, "", written)
        audited_on_site(site, actor, version, "document", reason=f"Uploaded {checked.name}")
    return version


def add_version(
    document: Document,
    actor,
    upload: UploadedFile,
    *,
    note: str = "",
    checked: CheckedFile | None = None,
    backfill: bool = False,
) -> DocumentVersion:
    """A new version of a document; the earlier ones stay downloadable."""
    site = document.site
    _actor_may_upload(site, actor, backfill)
    if not can_see(document, actor):
        raise PermissionDenied
    checked = checked or check_upload(upload)
    with _RemoveFilesOnFailure() as written, transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        version = _store(document, actor, upload, checked, note.strip(), written)
        audited_on_site(site, actor, version, "document", reason=note.strip() or f"Uploaded {checked.name}")
    return version


def visible_documents(site: Site, user) -> QuerySet[Document]:
    """The team sees every document; the agency those shared with it."""
    documents = site.documents.select_related("created_by")
    if user.has_perm("delivery.view_internal", site):
        return documents
    if user.has_perm("delivery.view_delivery", site):
        return documents.filter(visibility=Document.Visibility.TEAM_AND_AGENCY)
    return documents.none()


def can_see(document: Document, user) -> bool:
    site = document.site
    if user.has_perm("delivery.view_internal", site):
        return True
    return document.agency_visible and user.has_perm("delivery.view_delivery", site)
