"""Rows of an uploaded CSV or xlsx file, streamed: the whole file is never held in memory.

CSV: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312, what Chinese Excel
writes); comma, semicolon or tab separated. xlsx: the first worksheet through openpyxl's
read-only mode. Row numbers are the ones a spreadsheet shows (the header is row 1).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 200_000
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
        with _open_xlsx(binary) as table:
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


@contextmanager
def _open_xlsx(binary):
    try:
        book = load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _unreadable(_("The file is not a readable xlsx workbook.")) from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = _headers(next(rows, ()))
        yield Table(headers=headers, rows=_numbered(rows))
    finally:
        book.close()


def estimate_rows(binary, name: str) -> int:
    """Data rows of the file, counted cheaply (lines of a CSV, the sheet's extent in xlsx)."""
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if is_xlsx(name, head):
        try:
            book = load_workbook(binary, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise _unreadable(_("The file is not a readable xlsx workbook.")) from error
        try:
            extent = book.worksheets[0].max_row or 0
        finally:
            book.close()
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
