"""HTML to PDF with WeasyPrint, reading nothing but our own stored files.

A template names an image by :func:`storage_url` (``guanxi-storage:company/logo-….png``); the
fetcher hands WeasyPrint that file from the private ``documents`` storage and refuses every
other address (http, file, data…), so a document's text can never make the server fetch a
remote or local resource. Fonts come from the system (fontconfig): the Noto CJK faces the setup
installs print Chinese.
"""

import mimetypes
from typing import Any
from urllib.parse import quote, unquote

from django.core.files.storage import storages
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_CONTENT_TYPE = "application/pdf"
STORAGE_SCHEME = "guanxi-storage"
# Printed letterhead images are small; a larger stored file is refused, not rendered.
MAX_EMBEDDED_BYTES = 4 * 1024 * 1024


class RefusedResource(ValueError):
    """A document asked for something other than one of our stored files."""


def storage_url(name: str) -> str:
    """The address under which a template embeds the stored file ``name``."""
    return f"{STORAGE_SCHEME}:{quote(name)}"


class StorageFetcher(URLFetcher):
    """Serves ``guanxi-storage:`` names from the documents storage; refuses anything else."""

    def __init__(self, storage_alias: str = "documents", **kwargs: Any) -> None:
        super().__init__(allowed_protocols=[STORAGE_SCHEME], allow_redirects=False, **kwargs)
        self.storage = storages[storage_alias]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme, _colon, rest = url.partition(":")
        if scheme.lower() != STORAGE_SCHEME or not rest:
            raise RefusedResource(f"Only stored files can be embedded, not {url[:80]!r}")
        name = unquote(rest)
        if name.startswith("/") or ".." in name.split("/"):
            raise RefusedResource("A stored file's name has no parent or absolute parts")
        if self.storage.size(name) > MAX_EMBEDDED_BYTES:
            raise RefusedResource("The stored image is too large to embed")
        with self.storage.open(name, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (a rendered template with its own ``<style>``)."""
    document = HTML(string=html, base_url=f"{STORAGE_SCHEME}:", url_fetcher=StorageFetcher())
    pdf = document.write_pdf()
    assert pdf is not None  # without a target, write_pdf returns the bytes
    return pdf
