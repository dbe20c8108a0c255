"""Files and fixtures shared by the customer import tests."""

import csv
import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.customers.models import ImportJob


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "customers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def import_storage(tmp_path, monkeypatch):
    """Import files go to a temporary directory instead of the data directory."""
    storage = FileSystemStorage(location=str(tmp_path / "documents"))
    monkeypatch.setattr(ImportJob._meta.get_field("file"), "storage", storage)
    return storage
