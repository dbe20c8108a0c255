"""The vCard pages: the import preview and commit, errors, scope, rights and the actions offered."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.customers.models import Contact
from tests.customers.fixtures.exports import grant_export_right
from tests.customers.fixtures.vcard import fixture

pytestmark = pytest.mark.usefixtures("english_throughout")


# Each real-world fixture and the contacts it must create: {name: {field: value}}.


# --- pages --------------------------------------------------------------------------------


def _import_url(customer):
    return reverse("customers:contacts_vcard_import", args=[customer.pk])


def test_import_page_previews_then_commits(login, empty_customer):
    client = login("manager1")
    assert client.get(_import_url(empty_customer)).status_code == 200
    upload = SimpleUploadedFile(
        "contacts.vcf", fixture("ios-export.vcf"), content_type="application/octet-stream"
    )
    preview = client.post(_import_url(empty_customer), {"file": upload, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert page.count('data-testid="vcard-row"') == 2
    assert "欧阳娜娜" in page and 'data-testid="vcard-commit-form"' in page
    assert not Contact.objects.filter(customer=empty_customer).exists()
    content = preview.context["content"]
    assert base64.b64decode(content) == fixture("ios-export.vcf")
    done = client.post(_import_url(empty_customer), {"content": content, "action": "import"})
    assert done.status_code == 302 and done["Location"] == empty_customer.get_absolute_url()
    assert Contact.objects.filter(customer=empty_customer).count() == 2


def test_import_page_shows_card_errors_and_offers_no_commit(login, empty_customer):
    client = login("manager1")
    upload = SimpleUploadedFile("bad.vcf", fixture("invalid-cards.vcf"))
    page = client.post(_import_url(empty_customer), {"file": upload, "action": "preview"})
    text = page.content.decode()
    assert text.count('data-status="error"') == 2
    assert "The card has no name" in text
    assert 'data-testid="vcard-commit-form"' not in text
    content = page.context["content"]
    refused = client.post(_import_url(empty_customer), {"content": content, "action": "import"})
    assert "Nothing was imported" in refused.content.decode()
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_import_page_refuses_a_file_that_is_not_a_vcard_whatever_its_type(login, empty_customer):
    upload = SimpleUploadedFile("x.vcf", b"\x89PNG\r\n\x1a\n\x00", content_type="text/vcard")
    page = login("manager1").post(_import_url(empty_customer), {"file": upload})
    assert "This is not a vCard file" in page.content.decode()


@pytest.mark.parametrize("data", [{"action": "preview"}, {}])
def test_import_page_without_a_file_names_the_field(login, empty_customer, data):
    page = login("manager1").post(_import_url(empty_customer), data)
    assert page.context["form"].errors["file"] == ["Choose a vCard file (.vcf) to import."]


def test_import_page_in_chinese(org, login, empty_customer):
    org["manager1"].language = "zh-hans"
    org["manager1"].save(update_fields=["language"])
    response = login("manager1").get(_import_url(empty_customer))
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("username", ["manager2", "supervisor2", "assistant"])
def test_pages_answer_404_outside_scope(login, customers, username, org):
    # The assistant supports manager1 only.
    customer = customers["manager2" if username == "assistant" else "manager1"]
    grant_export_right(org[username])  # assistants may not export by default
    client = login(username)
    export = reverse("customers:contacts_vcard_export", args=[customer.pk])
    assert client.get(export).status_code == 404
    assert client.get(_import_url(customer)).status_code == 404


def test_executive_may_export_but_not_import(login, customers):
    client = login("exec")
    customer = customers["manager1"]
    export = reverse("customers:contacts_vcard_export", args=[customer.pk])
    assert client.get(export).status_code == 200
    assert client.get(_import_url(customer)).status_code == 403
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    assert client.post(_import_url(customer), {"file": upload}).status_code == 403


def test_signed_out_visitor_is_sent_to_login(client, customers):
    response = client.get(reverse("customers:contacts_vcard_export", args=[customers["pool"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_actions_partial_links_by_right(login, customers, rf, org):
    from django.template.loader import render_to_string

    for username, can_import in (("manager1", True), ("exec", False)):
        request = rf.get("/")
        request.user = org[username]
        html = render_to_string(
            "customers/partials/_vcard_actions.html",
            {"customer": customers["manager1"]},
            request=request,
        )
        assert 'data-testid="vcard-export"' in html
        assert ('data-testid="vcard-import"' in html) is can_import


def test_customer_page_offers_the_vcard_actions_by_right(login, customers):
    customer = customers["manager1"]
    manager_page = login("manager1").get(f"/customers/{customer.pk}/").content.decode()
    exec_page = login("exec").get(f"/customers/{customer.pk}/").content.decode()
    import_url = f"/customers/{customer.pk}/contacts/import/"
    assert f"/customers/{customer.pk}/contacts.vcf" in manager_page
    assert import_url in manager_page
    assert f"/customers/{customer.pk}/contacts.vcf" in exec_page
    assert import_url not in exec_page
