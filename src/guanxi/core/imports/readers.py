"""Rows of an uploaded CSV or xlsx file, streamed: the whole file is never held in memory.

CSV: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312, what Chinese Excel
writes); comma, semicolon or tab separated. xlsx: the first worksheet through openpyxl's
read-only mode. Row numbers are the ones a spreadsheet shows (the header is row 1).
"""

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 200_000
# Importers that write a batch at once (Importer.write_batch) take migrations of a whole
# history: a million interactions, about 150 MB of CSV.
MAX_BULK_IMPORT_BYTES = 300 * 1024 * 1024
MAX_BULK_IMPORT_ROWS = 1_000_000
_SAMPLE_BYTES = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


def _unreadable(message: str) -> ValidationError:
    return ValidationError({"file": message})


def is_xlsx(name: str, head: bytes) -> bool:
    lower = (name or "").lower()
    if lower.endswith(".xls"):
        raise _unreadable(_("Old .xls files cannot be read: save the file as .xlsx or CSV."))
    return lower.endswith((".xlsx", ".xlsm")) or head.startswith(_ZIP_MAGIC)


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig, utf-8 or gb18030: the first that decodes the sample."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            # Not final: the sample may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _unreadable(_("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8 or xlsx."))


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed (13800138000, not 13800138000.0)."""
    if isinstance(value, str):  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value).strip()


@dataclass
class Table:
    """An opened file: its header texts and an iterator of (row number, cell texts)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]] = field(repr=False)


def _numbered(rows, first: int = 2) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(rows, start=first):
        texts = [cell_text(cell) for cell in cells]
        if any(texts):  # blank lines are not rows
            yield number, texts


def _headers(cells) -> list[str]:
    headers = [cell_text(cell) for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise _unreadable(_("The first row must hold the column headers."))
    return headers


@contextmanager
def open_table(binary, name: str):
    """Open ``binary`` (a seekable binary file) as a :class:`Table`; closes what it opened."""
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if is_xlsx(name, head):
        with _open_xlsx(binary, name) as table:
            yield table
        return
    encoding = detect_encoding(head)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        first_line = head.decode(encoding, errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
        reader = csv.reader(text, delimiter=_delimiter(first_line))
        try:
            headers = _headers(next(reader, []))
        except UnicodeDecodeError as error:
            raise _unreadable(
                _("The file could not be decoded as %(encoding)s.") % {"encoding": encoding}
            ) from error
        yield Table(headers=headers, rows=_guard_decoding(_numbered(reader), encoding))
    finally:
        text.detach()  # the caller owns ``binary``


def _guard_decoding(rows, encoding: str):
    try:
        yield from rows
    except UnicodeDecodeError as error:
        raise _unreadable(
            _("The file is not valid %(encoding)s text past its beginning; save it again.")
            % {"encoding": encoding}
        ) from error
    except csv.Error as error:
        raise _unreadable(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def _unsafe_xml(name: str) -> ValidationError:
    return _unreadable(
        _(
            "“%(name)s” declares a DOCTYPE or XML entities, which are refused for safety; "
            "open it in Excel and save it again as an xlsx workbook."
        )
        % {"name": name}
    )


def _not_xlsx(name: str) -> ValidationError:
    return _unreadable(_("“%(name)s” is not a readable xlsx workbook.") % {"name": name})


# What a damaged or hostile workbook raises while its parts are read, worksheets lazily:
# zip and deflate errors, XML syntax errors (SyntaxError subclasses), missing parts.
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,
    KeyError,
    OSError,
    EOFError,
    ValueError,
)


@contextmanager
def _xlsx_errors(name: str):
    """Worksheets are parsed as they are read: what goes wrong there names the file too."""
    try:
        yield
    except _BROKEN_XLSX as error:
        raise (_unsafe_xml(name) if _refused_xml(error) else _not_xlsx(name)) from error


def _refused_xml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl re-raises its error as a plain one)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DefusedXmlException):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


@contextmanager
def _first_sheet(binary, name: str):
    """The first worksheet of the xlsx ``binary`` (read-only), closed afterwards.

    With defusedxml installed openpyxl refuses entity declarations (billion laughs, external
    entities) in the workbook's XML; that, a workbook without any worksheet and a damaged
    file are each a ValidationError on ``file`` naming the file, never a crash.
    """
    with _xlsx_errors(name):
        book = load_workbook(binary, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise _unreadable(
                _("“%(name)s” has no worksheet; put the rows on the first sheet.") % {"name": name}
            )
        yield book.worksheets[0]
    finally:
        book.close()


def _guarded_rows(rows, name: str):
    with _xlsx_errors(name):
        yield from rows


@contextmanager
def _open_xlsx(binary, name: str):
    with _first_sheet(binary, name) as sheet:
        rows = _guarded_rows(sheet.iter_rows(values_only=True), name)
        headers = _headers(next(rows, ()))
        yield Table(headers=headers, rows=_numbered(rows))


def estimate_rows(binary, name: str) -> int:
    """Data rows of the file, counted cheaply (lines of a CSV, the sheet's extent in xlsx)."""
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if is_xlsx(name, head):
        try:
            with _first_sheet(binary, name) as sheet, _xlsx_errors(name):
                extent = sheet.max_row or 0
        finally:
            binary.seek(0)
        return max(extent - 1, 0)
    lines = 0
    last = b"\n"
    while chunk := binary.read(_SAMPLE_BYTES):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    binary.seek(0)
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)
