"""Data files uploaded against a data request: streamed to disk in chunks with their SHA-256, checked by
content (never by name alone), size-limited while they arrive, kept as numbered versions outside the web root.

A refused file changes nothing: earlier versions, their standard tables and results stay as they were."""

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from continuum.analysis.load import workbook_unpacked_problem
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.sites.models import Site

from .models import DataRequest, DatasetVersion

MAX_DATASET_BYTES = 1024 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet"}
ACCEPTED = "CSV (.csv or .txt), Excel (.xlsx) or Parquet (.parquet)"
ACCEPT_ATTRIBUTE = ",".join(FORMATS)


class DataError(Exception):
    """The site's state or the input does not allow the change; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    file_format: str
    size: int
    sha256: str


def readable_size(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.3g} GB"
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def _fail(name: str, why: str) -> ValidationError:
    return ValidationError("The file %(name)s %(why)s", params={"name": name, "why": why}, code="invalid")


def too_large(name: str) -> ValidationError:
    return _fail(name, f"is larger than the limit of {readable_size(MAX_DATASET_BYTES)}; nothing was kept.")


def check_upload(upload: UploadedFile) -> CheckedFile:
    """What the file is, with its checksum, read in chunks; a ValidationError naming the file says why not."""
    name = PurePath(upload.name or "file").name
    if not upload.size:
        raise _fail(name, "is empty.")
    if upload.size > MAX_DATASET_BYTES:
        raise too_large(name)
    file_format = FORMATS.get(PurePath(name).suffix.lower())
    if file_format is None:
        raise _fail(name, f"is not an accepted kind of data file: upload {ACCEPTED}.")
    digest = hashlib.sha256()
    head = tail = b""
    upload.seek(0)
    try:
        for chunk in upload.chunks(CHUNK_BYTES):
            digest.update(chunk)
            head = head or chunk[:8]
            tail = (tail + chunk)[-8:]
            if file_format == "csv" and b"\x00" in chunk:
                raise _fail(name, "contains binary data (a NUL byte): it is not a CSV text file.")
    finally:
        upload.seek(0)
    if file_format == "parquet" and not (head.startswith(b"PAR1") and tail.endswith(b"PAR1")):
        raise _fail(name, "is named as Parquet but its content is not a Parquet file.")
    if file_format == "excel" and not _is_xlsx(upload, head):
        raise _fail(name, "is named as an Excel workbook (XLSX) but its content is not one.")
    if file_format == "excel":
        problem = workbook_unpacked_problem(upload)
        upload.seek(0)
        if problem:
            raise _fail(name, f"cannot be used: {problem}.")
    return CheckedFile(name=name, file_format=file_format, size=upload.size, sha256=digest.hexdigest())


def _is_xlsx(upload: UploadedFile, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:  # the archive's directory only
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "xl/workbook.xml" in names


def ensure_open(site: Site) -> None:
    if site.status == Site.Status.CLOSED:
        raise DataError("The site is closed; its data can no longer change.")


def add_version(
    data_request: DataRequest,
    actor,
    upload: UploadedFile,
    *,
    checked: CheckedFile | None = None,
    note: str = "",
    upload_key: uuid.UUID | None = None,
) -> DatasetVersion:
    """A new version of the dataset asked for; the request becomes "received". `upload_key` (an API client's
    Idempotency-Key) is unique: a second upload under it fails with IntegrityError and keeps nothing."""
    site = data_request.site
    if not actor.has_perm("datasets.upload_data", site):
        raise PermissionDenied
    ensure_open(site)
    checked = checked or check_upload(upload)
    version = None
    try:
        with transaction.atomic():
            locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
            number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = DatasetVersion(
                data_request=locked, number=number, original_name=checked.name[:255],
                file_format=checked.file_format, size=checked.size, sha256=checked.sha256,
                note=note.strip()[:300], uploaded_by=actor, upload_key=upload_key,
            )  # fmt: skip
            version.raw_file.save(checked.name, upload, save=False)  # copied chunk by chunk
            save_audited(version, actor, reason=f"Uploaded {checked.name}")
            if locked.status != DataRequest.Status.ACCEPTED:
                set_request_status(locked, actor, DataRequest.Status.RECEIVED, f"Version {number} received.")
            record(actor, site, AuditEvent.Action.UPDATED, changes={"dataset": [None, str(version)]})
    except BaseException:
        if version is not None and version.raw_file.name:
            version.raw_file.storage.delete(version.raw_file.name)
        raise
    data_request.refresh_from_db()
    return version


def set_request_status(data_request: DataRequest, actor, status: str, note: str = "") -> None:
    data_request.status = status
    data_request.status_note = note[:500]
    save_audited(data_request, actor, reason=note)


def create_request(site: Site, actor, data_request: DataRequest) -> DataRequest:
    if not actor.has_perm("datasets.request_data", site):
        raise PermissionDenied
    ensure_open(site)
    if (
        data_request.period_start
        and data_request.period_end
        and data_request.period_start > data_request.period_end
    ):
        raise DataError("The period ends before it starts.")
    data_request.site, data_request.created_by = site, actor
    with transaction.atomic():
        save_audited(data_request, actor, reason="Data requested")
        record(actor, site, AuditEvent.Action.UPDATED, changes={"data request": [None, str(data_request)]})
    return data_request


def accept_version(version: DatasetVersion, actor) -> DatasetVersion:
    """The team accepts a validated version: the raw upload (with whatever civilian identifiers it held) is
    deleted; the standard table, its checksum and the upload's checksum stay."""
    site = version.site
    if not actor.has_perm("datasets.accept_data", site):
        raise PermissionDenied
    if version.status != DatasetVersion.Status.VALID:
        raise DataError("Only a validated version can be accepted.")
    raw_name = version.raw_file.name
    with transaction.atomic():
        version.status = DatasetVersion.Status.ACCEPTED
        version.raw_file = ""
        save_audited(version, actor, reason="Accepted; the raw upload was deleted")
        set_request_status(
            version.data_request, actor, DataRequest.Status.ACCEPTED, f"Version {version.number} accepted."
        )
    if raw_name:
        transaction.on_commit(lambda: version.raw_file.storage.delete(raw_name))
    return version


def report_problem(data_request: DataRequest, actor, note: str) -> None:
    if not actor.has_perm("datasets.request_data", data_request.site):
        raise PermissionDenied
    if not note.strip():
        raise DataError("Say what the problem is.")
    set_request_status(data_request, actor, DataRequest.Status.PROBLEM, note.strip())
