"""API reads and downloads of personal data write the sensitive-access log; export is a right."""

import pytest
from django.contrib.auth.models import Group

from guanxi.core.models import AccessLogEntry
from guanxi.customers.services.documents import document_create
from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.documents import pdf


def entries(kind: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(kind=kind).order_by("id"))


def test_api_export_is_logged_with_its_row_count_and_filters(customers, api, org):
    response = api("exec").get(
        "/api/customers/export/", {"format": "csv", "in_pool": "true", "search": ""}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [entry] = entries(AccessLogEntry.Kind.EXPORTED)
    assert entry.user == org["exec"]
    assert entry.details["row_count"] == 1
    assert entry.details["filters"] == {"in_pool": "true", "sort": entry.details["filters"]["sort"]}


def test_api_export_is_refused_without_the_export_right(customers, api):
    client = api("assistant")
    assert client.get("/api/customers/export/", {"format": "csv"}).status_code == 403
    vcards = f"/api/customers/{customers['manager1'].pk}/contacts.vcf"
    assert client.get(vcards).status_code == 403
    assert not AccessLogEntry.objects.exists()


@pytest.mark.usefixtures("document_store")
def test_api_document_download_is_logged(customers, api, org):
    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    version = document.versions.get()
    response = api("manager1").get(f"/api/documents/{document.pk}/versions/{version.pk}/download/")
    assert response.status_code == 200
    [entry] = entries(AccessLogEntry.Kind.DOWNLOADED_DOCUMENT)
    assert entry.target_id == document.pk and entry.details["file_name"] == "合同.pdf"


@pytest.fixture
def phone_rule(org):
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )


def test_api_read_of_a_protected_field_in_full_is_logged_once(org, api, phone_rule):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert api("supervisor").get(f"/api/customers/{customer.pk}/").status_code == 200
    [entry] = entries(AccessLogEntry.Kind.VIEWED_PROTECTED)
    assert entry.target_id == customer.pk
    assert entry.details["fields"] == ["customers.customer.phone"]


def test_api_read_of_the_masked_field_is_not_logged(org, api, phone_rule):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert api("manager1").get(f"/api/customers/{customer.pk}/").json()["phone"] != "13812348000"
    assert not AccessLogEntry.objects.exists()


def test_api_list_is_one_entry_for_all_its_rows(org, api, phone_rule):
    for _number in range(3):
        CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert api("supervisor").get("/api/customers/").status_code == 200
    [entry] = entries(AccessLogEntry.Kind.VIEWED_PROTECTED)
    assert entry.details["record_count"] == 3
