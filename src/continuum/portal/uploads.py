"""Uploads as they arrive, for every view that takes files: stopping an oversized one, and spooling large
ones to temporary files that cannot outlive the process; and the sweep of files no record names."""

import datetime
import tempfile
import time
from pathlib import Path, PurePath

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler
from django.db import models


class SizeLimitHandler(FileUploadHandler):
    """Put first among a request's upload handlers: it stops receiving a file as soon as the file passes
    `limit` bytes, so an oversized upload is never written out in full. `refused` names such files."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.refused: list[str] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused.append(PurePath(self.file_name or "file").name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def limit_uploads(request, limit: int) -> SizeLimitHandler:
    """Stop receiving an oversized file while it arrives. Upload handlers can only change before the body is
    read, and the CSRF check reads it: hence Django's documented csrf_exempt outside, csrf_protect inside."""
    handler = SizeLimitHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return handler


class UnnamedTemporaryUploadedFile(UploadedFile):
    """An upload spooled to a temporary file that has no name from the start (O_TMPFILE, or unlinked at once):
    the system frees it with the last process holding it, so a server killed mid-upload leaves no partial file
    behind (Django's named temporary files stay). Storage copies it chunk by chunk."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115  (closed with the upload)
        super().__init__(file, name, content_type, size, charset, content_type_extra)


class UnnamedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's TemporaryFileUploadHandler, writing to an UnnamedTemporaryUploadedFile (FILE_UPLOAD_HANDLERS)."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = UnnamedTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def upload_interrupted(self):
        if hasattr(self, "file"):
            self.file.close()


def orphan_files(older_than: datetime.timedelta) -> list[Path]:
    """Files in MEDIA_ROOT that no file field of any record names, last written more than `older_than` ago:
    what a process killed between writing a file and committing its row leaves behind. The age spares files
    whose transaction is still open, and pending authorization letters (kept a day) until they expire."""
    root = Path(settings.MEDIA_ROOT)
    named: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                named.update(
                    model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                )
    cutoff = time.time() - older_than.total_seconds()
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() not in named and path.stat().st_mtime < cutoff
    )
