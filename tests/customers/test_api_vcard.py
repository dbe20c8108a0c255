"""The vCard API: export, import (dry run, commit, idempotent), errors, scope and rights."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from guanxi.customers.models import Contact
from tests.customers.fixtures.vcard import fixture

pytestmark = pytest.mark.usefixtures("english_throughout")


# Each real-world fixture and the contacts it must create: {name: {field: value}}.


# --- API ----------------------------------------------------------------------------------


def _api_export(pk):
    return f"/api/customers/{pk}/contacts.vcf"


def _api_import(pk):
    return f"/api/customers/{pk}/contacts/import-vcard/"


def test_api_export(api, rich_customer):
    response = api("manager1").get(_api_export(rich_customer.pk), {"version": "4.0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().count("VERSION:4.0") == 3


def test_api_export_bad_version_is_a_field_error(api, rich_customer):
    response = api("manager1").get(_api_export(rich_customer.pk), {"version": "9"})
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]


def test_api_import_dry_run_then_commit_then_idempotent(api, empty_customer):
    client = api("manager1")

    def post(dry_run):
        upload = SimpleUploadedFile("c.vcf", fixture("vcard-4.0.vcf"))
        return client.post(
            _api_import(empty_customer.pk), {"file": upload, "dry_run": dry_run}, format="multipart"
        )

    dry = post(True)
    assert dry.status_code == 200
    body = dry.json()
    assert body["committed"] is False and body["new"] == 2
    assert [card["fields"]["name"] for card in body["cards"]] == ["诸葛亮", "黄月英"]
    assert not Contact.objects.filter(customer=empty_customer).exists()
    done = post(False)
    assert done.status_code == 201 and done.json()["created"] == 2
    again = post(False)
    assert again.status_code == 201
    assert again.json()["created"] == 0 and again.json()["duplicates"] == 2
    assert Contact.objects.filter(customer=empty_customer).count() == 2


def test_api_import_with_card_errors_writes_nothing(api, empty_customer):
    upload = SimpleUploadedFile("c.vcf", fixture("invalid-cards.vcf"))
    response = api("manager1").post(
        _api_import(empty_customer.pk), {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["cards"]
    assert any(message.startswith("Card 2:") for message in messages)
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_api_import_bad_file_and_missing_file(api, empty_customer):
    client = api("manager1")
    upload = SimpleUploadedFile("c.vcf", b"hello")
    response = client.post(_api_import(empty_customer.pk), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    missing = client.post(_api_import(empty_customer.pk), {}, format="multipart")
    assert missing.status_code == 400


def test_api_scope_and_rights(api, customers):
    other = customers["manager2"]
    manager = api("manager1")
    assert manager.get(_api_export(other.pk)).status_code == 404
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    response = manager.post(_api_import(other.pk), {"file": upload}, format="multipart")
    assert response.status_code == 404
    executive = api("exec")
    assert executive.get(_api_export(other.pk)).status_code == 200
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    response = executive.post(_api_import(other.pk), {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert APIClient().get(_api_export(other.pk)).status_code == 401


@pytest.mark.parametrize("bad_id", ["-3", "abc", "0", str(2**63)])
def test_api_malformed_id_is_not_found(api, bad_id):
    client = api("manager1")
    assert client.get(_api_export(bad_id)).status_code == 404
    assert client.post(_api_import(bad_id), {}, format="multipart").status_code == 404


def test_api_endpoints_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    assert "/api/customers/{id}/contacts.vcf" in schema["paths"] or any(
        path.endswith("/contacts.vcf") for path in schema["paths"]
    )
    assert any(path.endswith("/contacts/import-vcard/") for path in schema["paths"])
