"""The company profile 公司信息: administrators only, images checked, versions, the PDF fetcher."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guanxi.core.exceptions import ConflictError
from guanxi.core.models import CompanyProfile
from guanxi.core.pdf import StorageFetcher, html_to_pdf, storage_url
from guanxi.core.selectors.company import company_profile_get
from guanxi.core.services.company import MAX_IMAGE_BYTES, company_profile_update
from tests.sales.fixtures.printing import pdf_image_count, png


def _update(actor, version=0, **kwargs):
    kwargs.setdefault("fields", {"name": "关系贸易"})
    return company_profile_update(actor=actor, expected_version=version, **kwargs)


def test_an_empty_profile_until_an_administrator_saves_one(org):
    assert company_profile_get().name == "" and not CompanyProfile.objects.exists()
    profile = _update(org["admin"], fields={"name": " 关系贸易 ", "bank_account": "6225 0001"})
    assert profile.version == 1 and company_profile_get().name == "关系贸易"
    _update(org["admin"], version=1, fields={"phone": "021-1234"})
    saved = company_profile_get()
    assert (saved.version, saved.name, saved.phone) == (2, "关系贸易", "021-1234")
    assert saved.history.count() == 2


def test_only_administrators_edit_it(org):
    for username in ("manager1", "supervisor", "exec"):
        with pytest.raises(PermissionDenied):
            _update(org[username])
    assert not CompanyProfile.objects.exists()


def test_a_stale_version_is_a_conflict(org):
    _update(org["admin"])
    _update(org["admin"], version=1, fields={"name": "新名字"})
    with pytest.raises(ConflictError):
        _update(org["admin"], version=1, fields={"name": "旧名字"})
    with pytest.raises(ConflictError):
        _update(org["admin"], version=0, fields={"name": "旧名字"})
    assert company_profile_get().name == "新名字"


def test_images_are_stored_replaced_and_removed(org):
    profile = _update(org["admin"], images={"logo": png(), "seal": png("seal.png")})
    assert profile.logo.name.startswith("company/logo-") and profile.logo.name.endswith(".png")
    storage = storages["documents"]
    assert storage.exists(profile.seal.name)
    profile = _update(org["admin"], version=1, clear=("seal",))
    assert not company_profile_get().seal and company_profile_get().logo


def _jpeg_named_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(buffer, format="JPEG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
        SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
        SimpleUploadedFile("logo.png", b""),
        SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (MAX_IMAGE_BYTES + 1)),
    ],
    ids=["svg", "html-named-png", "broken-png", "empty", "too-large"],
)
def test_anything_but_a_small_real_image_is_refused(org, upload):
    with pytest.raises(ValidationError) as refused:
        _update(org["admin"], images={"logo": upload})
    assert "logo" in refused.value.message_dict
    assert not CompanyProfile.objects.exists()


def test_a_jpeg_is_kept_as_a_jpeg_whatever_its_name(org):
    profile = _update(org["admin"], images={"seal": _jpeg_named_png()})
    assert profile.seal.name.endswith(".jpg")


def test_a_picture_too_large_to_decode_safely_is_refused(org):
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("huge.png", buffer.getvalue())
    with pytest.raises(ValidationError) as refused:
        _update(org["admin"], images={"logo": upload})
    assert "logo" in refused.value.message_dict


def test_the_pdf_embeds_stored_files_and_nothing_else(org, tmp_path):
    profile = _update(org["admin"], images={"logo": png()})
    secret = tmp_path / "secret.png"
    Image.new("RGB", (5, 5)).save(secret)
    html = (
        f'<img src="{storage_url(profile.logo.name)}">'
        f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
        '<img src="guanxi-storage:../../etc/passwd">'
    )
    # Only the stored logo makes it into the document.
    assert pdf_image_count(html_to_pdf(html)) == 1
    fetcher = StorageFetcher()
    for url in (f"file://{secret}", "http://127.0.0.1:9/x.png", "data:image/png;base64,AA=="):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(storage_url(profile.logo.name)).read().startswith(b"\x89PNG")
