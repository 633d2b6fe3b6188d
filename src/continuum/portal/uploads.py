"""Stopping an oversized upload while it arrives, for every view that takes files."""

from pathlib import PurePath

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


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
