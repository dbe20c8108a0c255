"""Shared pieces of the interaction/document tests: a private file store and sample files."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.customers.models import DocumentVersion

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def document_store(tmp_path, monkeypatch):
    """Stored files go to a temporary directory, never to the project's data directory."""
    storage = FileSystemStorage(location=tmp_path / "documents")
    monkeypatch.setattr(DocumentVersion._meta.get_field("file"), "storage", storage)
    return storage


def pdf(name: str = "合同.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
