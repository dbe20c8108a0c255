"""Every write on documents 文档 and their versions: upload, new version, delete.

An upload is refused unless its extension is on the allow-list, its first bytes look like that
kind of file (a ".pdf" that starts with ``<html`` is an HTML page in disguise), it is not empty
and not larger than ``settings.GUANXI_DOCUMENT_MAX_MB``. What is kept: the file under a name
made from ids and its hash (never the user's name), its sha256, size and the sanitised original
name, which is only ever sent back in a ``Content-Disposition: attachment`` header.
"""

import hashlib
import mimetypes
import os
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.customers import rules
from guanxi.customers.models import Customer, Document, DocumentVersion, Interaction

DEFAULT_MAX_MB = 20
MAX_NAME_LENGTH = 255
DOCUMENT_EDITABLE_FIELDS = ("title", "category", "description")


class DocumentFields(TypedDict, total=False):
    """The editable fields of a document (``DOCUMENT_EDITABLE_FIELDS``)."""

    title: str
    category: str
    description: str


# Extension → signatures its first bytes may start with (None: plain text, checked otherwise).
# Office Open XML files are zip archives; the old Office formats are OLE compound files.
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "wps": _OLE,
    "et": _OLE,
    "rtf": (b"{\\rtf",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
    "bmp": (b"BM",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "txt": None,
    "csv": None,
    "md": None,
    "zip": _ZIP,
    "rar": (b"Rar!\x1a\x07",),
    "7z": (b"7z\xbc\xaf\x27\x1c",),
    "eml": None,
    "msg": _OLE,
}
# Beginnings that make a browser or a shell treat a file as active content, whatever its name.
_ACTIVE_PREFIXES = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<object",
    b"#!",
    b"mz",  # Windows executables
    b"\x7felf",
)
_SNIFF_BYTES = 512


def max_upload_bytes() -> int:
    return int(getattr(settings, "GUANXI_DOCUMENT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def allowed_extensions() -> list[str]:
    return sorted(ALLOWED_TYPES)


def filename_sanitise(name: str) -> str:
    """The uploaded name as it may be shown and sent back: no path, no control characters.

    Browsers on Windows send ``C:\\dir\\file.pdf``; both separators are cut. The name keeps its
    extension when it has to be shortened.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = name.strip().strip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_NAME_LENGTH - len(ext) - 1
        name = f"{stem[:keep]}.{ext}" if dot and 0 < len(ext) < 16 else name[:MAX_NAME_LENGTH]
    return name


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def _looks_active(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith(_ACTIVE_PREFIXES)


def _matches_signature(extension: str, head: bytes) -> bool:
    signatures = ALLOWED_TYPES[extension]
    if signatures is None:
        # Text: no NUL bytes (binary content named .txt) and nothing a browser would run.
        return b"\x00" not in head and not _looks_active(head)
    if extension == "webp" and head[8:12] != b"WEBP":
        return False
    return head.startswith(signatures)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what is stored about it."""

    file: UploadedFile
    name: str
    extension: str
    size: int
    sha256: str


def upload_check(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """Check one uploaded file (Django ``UploadedFile``); ValidationError on ``field`` if refused.

    Reads the file once in chunks for the hash, so a 20 MB upload never sits in memory whole.
    """
    name = filename_sanitise(getattr(upload, "name", ""))
    extension = _extension(name)
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            {
                field: _("Files of type “%(type)s” cannot be uploaded. Allowed: %(allowed)s.")
                % {"type": extension or "?", "allowed": ", ".join(allowed_extensions())}
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("The file “%(name)s” is empty.") % {"name": name}})
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            {
                field: _("The file “%(name)s” is larger than %(size)d MB.")
                % {"name": name, "size": limit // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    if not _matches_signature(extension, head):
        raise ValidationError(
            {
                field: _("The content of “%(name)s” is not a %(type)s file.")
                % {"name": name, "type": extension.upper()}
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload, name=name, extension=extension, size=size, sha256=digest.hexdigest()
    )


def _store_version(
    *, document: Document, checked: CheckedUpload, number: int, actor: User
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name,
        # What is sent back is always application/octet-stream; this records what it is.
        content_type=mimetypes.guess_type(checked.name)[0] or "application/octet-stream",
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # upload_to builds the stored name from the ids and the hash; the argument is ignored.
    version.file.save(checked.extension, checked.file, save=False)
    try:
        version.full_clean(exclude=["file", "uploaded_by"])
        version.save(force_insert=True)
    except Exception:
        version.file.storage.delete(version.file.name)
        raise
    _delete_file_on_rollback(version.file.storage, version.file.name)
    return version


def _delete_file_on_rollback(storage: Storage, name: str) -> None:
    """Remember a stored file so a rolled-back transaction does not leave it behind.

    Django has no on-rollback hook; the file is removed when the outermost transaction ends
    without committing (see :func:`stored_files_guard`).
    """
    pending = getattr(_guard, "files", None)
    if pending is not None:
        pending.append((storage, name))


# Per thread: web workers may run requests in threads.
_guard = threading.local()


class stored_files_guard:
    """``with stored_files_guard(): ...`` deletes the files stored inside it if it raises."""

    def __enter__(self) -> "stored_files_guard":
        self._outer = getattr(_guard, "files", None)
        _guard.files = [] if self._outer is None else self._outer
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        files = _guard.files
        _guard.files = self._outer
        if exc_type is not None and self._outer is None:
            for storage, name in files:
                storage.delete(name)


def _check_interaction(customer: Customer, interaction: Interaction | None) -> None:
    if interaction is not None and interaction.customer_id != customer.pk:
        raise ValidationError({"interaction": _("The interaction belongs to another customer.")})


def document_create(
    *,
    actor: User,
    customer: Customer,
    file: UploadedFile,
    title: str = "",
    category: str = Document.Category.OTHER,
    description: str = "",
    interaction: Interaction | None = None,
) -> Document:
    """A new document with ``file`` as its version 1; the title defaults to the file name."""
    require(actor, rules.ADD_DOCUMENT)
    checked = upload_check(file)
    _check_interaction(customer, interaction)
    with stored_files_guard(), transaction.atomic():
        return _document_create(
            actor=actor,
            customer=customer,
            checked=checked,
            title=title,
            category=category,
            description=description,
            interaction=interaction,
        )


def _document_create(
    *,
    actor: User,
    customer: Customer,
    checked: CheckedUpload,
    title: str,
    category: str,
    description: str,
    interaction: Interaction | None,
) -> Document:
    document = Document(
        customer=customer,
        interaction=interaction,
        title=(title or "").strip() or checked.name[:200],
        category=category or Document.Category.OTHER,
        description=description or "",
    )
    owner = customer.owner
    record_create(
        instance=document,
        actor=actor,
        on_behalf_of=owner if owner is not None and owner != actor else None,
    )
    _store_version(document=document, checked=checked, number=1, actor=actor)
    return document


def attachments_create(
    *,
    actor: User,
    interaction: Interaction,
    files: Iterable[UploadedFile] | None,
    field: str = "attachments",
) -> list[Document]:
    """Attach ``files`` to ``interaction`` as documents; all are checked before any is stored."""
    files = list(files or [])
    if not files:
        return []
    require(actor, rules.ADD_DOCUMENT)
    checked = [upload_check(upload, field=field) for upload in files]
    # Only ever called inside the interaction's transaction: no savepoint of its own.
    with stored_files_guard(), transaction.atomic(savepoint=False):
        return [
            _document_create(
                actor=actor,
                customer=interaction.customer,
                checked=item,
                title="",
                category=Document.Category.OTHER,
                description="",
                interaction=interaction,
            )
            for item in checked
        ]


def document_add_version(
    *, actor: User, document: Document, file: UploadedFile, expected_version: int | None = None
) -> DocumentVersion:
    """Store ``file`` as the document's next version (2, 3, ...); earlier ones stay."""
    require(actor, rules.CHANGE_DOCUMENT)
    checked = upload_check(file)
    with stored_files_guard(), transaction.atomic():
        # The conditional version bump locks the document row, so two uploads at once get
        # consecutive numbers (or one of them a conflict when a version was expected).
        record_update(
            instance=document,
            actor=actor,
            expected_version=expected_version,
            change_reason=_("New version uploaded"),
        )
        current = document.versions.aggregate(last=Max("number"))["last"] or 0
        return _store_version(document=document, checked=checked, number=current + 1, actor=actor)


def document_update(
    *,
    actor: User,
    document: Document,
    expected_version: int | None = None,
    **fields: Unpack[DocumentFields],
) -> Document:
    """Change a document's title, category or description (files change by new versions)."""
    require(actor, rules.CHANGE_DOCUMENT)
    unknown = set(fields) - set(DOCUMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(document, name, value.strip() if isinstance(value, str) else value)
    record_update(instance=document, actor=actor, expected_version=expected_version)
    return document


def document_delete(
    *, actor: User, document: Document, expected_version: int | None = None
) -> None:
    """Move the document to the recycle bin; its files stay until it is purged."""
    require(actor, rules.DELETE_DOCUMENT)
    record_soft_delete(instance=document, actor=actor, expected_version=expected_version)


def document_version_file_forget(
    sender: type[DocumentVersion], instance: DocumentVersion, **kwargs: Any
) -> None:
    """Remove a version's stored file once its row is deleted for good (recycle-bin purge).

    Connected to post_delete (apps.py), so purging a document or its whole customer leaves no
    file behind; the removal waits for the commit, so a rolled-back purge keeps the file.
    """
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
