"""How large an import file may be, and refusing a larger one before its body is read.

The browser checks the chosen file's size first (``static/guanxi/import-limits.js``); the
server then refuses a request whose declared length (``Content-Length``) is beyond the limit
without reading its body, and a body sent without a length (chunked) is cut off by
:class:`ImportSizeLimitHandler` as soon as the file passes the limit.
"""

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from guanxi.core.imports.readers import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

# Room for the multipart envelope and the form's other fields around the file itself.
ENVELOPE_BYTES = 64 * 1024
MEGABYTE = 1024 * 1024


def max_megabytes(max_bytes: int = MAX_IMPORT_BYTES) -> int:
    return max_bytes // MEGABYTE


def too_large_message(max_bytes: int = MAX_IMPORT_BYTES) -> str:
    return _("The file is larger than %(size)d MB: split it into several files.") % {
        "size": max_megabytes(max_bytes)
    }


def declared_too_large(meta: Any, max_bytes: int = MAX_IMPORT_BYTES) -> bool:
    """Whether the request declares a body larger than any acceptable import upload."""
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return False
    return length > max_bytes + ENVELOPE_BYTES


class ImportSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once its files pass the import limit; ``exceeded`` tells."""

    def __init__(self, request: Any = None, max_bytes: int = MAX_IMPORT_BYTES) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "declared_too_large",
    "too_large_message",
    "max_megabytes",
    "ImportSizeLimitHandler",
]
