"""The company profile page /settings/company/: administrators edit it, others get 403."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.selectors.company import company_profile_get
from tests.sales.fixtures.printing import png

URL = reverse("core:company_profile")


def _form(version=0, **extra):
    return {
        "version": version,
        "name": "上海关系贸易有限公司",
        "address": "上海市",
        "phone": "",
        "email": "",
        "tax_id": "",
        "bank_name": "招商银行",
        "bank_account": "6225 0001",
        "default_terms": "",
        **extra,
    }


def test_an_administrator_saves_the_profile_with_its_images(login):
    client = login("admin")
    assert client.get(URL).status_code == 200
    response = client.post(URL, {**_form(), "logo": png(), "seal": png("seal.png")})
    assert response.status_code == 302
    profile = company_profile_get()
    assert profile.name == "上海关系贸易有限公司" and profile.logo and profile.seal
    page = client.get(URL).content.decode()
    assert reverse("core:company_image", args=["logo"]) in page
    image = client.get(reverse("core:company_image", args=["seal"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    response = client.post(URL, {**_form(version=1), "remove_seal": "on"})
    assert response.status_code == 302 and not company_profile_get().seal


def test_a_bad_image_or_a_stale_form_is_refused_on_the_form(login):
    client = login("admin")
    fake = SimpleUploadedFile("logo.png", b"<svg onload='x'></svg>")
    response = client.post(URL, {**_form(), "logo": fake})
    assert response.status_code == 200 and "logo" in response.context["form"].errors
    client.post(URL, _form())
    response = client.post(URL, _form(version=0, name="过期"))
    assert response.status_code == 409 and company_profile_get().name != "过期"


def test_only_administrators_reach_the_page(login):
    for username in ("manager1", "supervisor", "exec"):
        assert login(username).get(URL).status_code == 403
        assert login(username).get(reverse("core:company_image", args=["logo"])).status_code == 403
    assert login("admin").get(reverse("core:company_image", args=["other"])).status_code == 404
