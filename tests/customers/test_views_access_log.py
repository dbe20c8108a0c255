"""Pages that show or hand out personal data write the sensitive-access log; export is a right."""

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from guanxi.core.models import AccessLogEntry
from guanxi.core.services.access_log import record_noted_views
from guanxi.customers.services.customers import customer_update
from guanxi.customers.services.documents import document_create
from guanxi.customers.services.field_rules import field_rule_create
from tests.core.fixtures.exports import body
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.documents import pdf

EXPORT = reverse("customers:export")


def entries(kind: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(kind=kind).order_by("id"))


# -- exports ----------------------------------------------------------------------------------


def test_customer_export_is_logged_with_its_row_count_and_filters(customers, login, org):
    client = login("supervisor")
    response = client.get(EXPORT, {"format": "xlsx", "owner": org["manager1"].pk, "q": ""})
    body(response)
    [entry] = entries(AccessLogEntry.Kind.EXPORTED)
    assert entry.user == org["supervisor"]
    assert entry.details["model"] == "customers.customer"
    assert entry.details["format"] == "xlsx"
    assert entry.details["row_count"] == 1
    assert entry.details["filters"]["owner_id"] == org["manager1"].pk
    assert entry.client_address == "127.0.0.1"


def test_export_of_selected_rows_logs_how_many_were_chosen(customers, login, org):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    body(login("supervisor").post(EXPORT, {"format": "csv", "ids": chosen}))
    [entry] = entries(AccessLogEntry.Kind.EXPORTED)
    assert entry.details["row_count"] == 2
    assert entry.details["filters"]["ids"] == 2


def test_export_is_refused_without_the_export_right(customers, login):
    # Sales assistants read the customers they support but do not take them away.
    client = login("assistant")
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403
    assert client.post(
        EXPORT, {"format": "csv", "ids": [customers["manager1"].pk]}
    ).status_code == (403)
    vcards = reverse("customers:contacts_vcard_export", args=[customers["manager1"].pk])
    assert client.get(vcards).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_list_and_360_page_hide_the_export_buttons_without_the_right(customers, login):
    listing = login("assistant").get(reverse("customers:list")).content.decode()
    assert 'data-testid="customer-export-csv"' not in listing
    assert 'data-testid="bulk-export-csv"' not in listing
    detail = login("assistant").get(customers["manager1"].get_absolute_url()).content.decode()
    assert 'data-testid="vcard-export"' not in detail
    assert (
        'data-testid="customer-export-csv"'
        in login("manager1").get(reverse("customers:list")).content.decode()
    )


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1"])
def test_executives_supervisors_and_managers_export_by_default(customers, login, username):
    assert login(username).get(EXPORT, {"format": "csv"}).status_code == 200


def test_vcard_export_is_logged_for_its_customer(customers, login, org):
    customer = customers["manager1"]
    response = login("manager1").get(reverse("customers:contacts_vcard_export", args=[customer.pk]))
    assert response.status_code == 200
    [entry] = entries(AccessLogEntry.Kind.EXPORTED)
    assert entry.target_id == customer.pk
    assert entry.details["model"] == "customers.contact"
    assert entry.details["row_count"] == 1


# -- document downloads -----------------------------------------------------------------------


@pytest.mark.usefixtures("document_store")
def test_document_download_is_logged_with_the_file_name(customers, login, org):
    document = document_create(
        actor=org["manager1"], customer=customers["manager1"], file=pdf("合同.pdf")
    )
    version = document.versions.get()
    response = login("manager1").get(reverse("customers:document_download", args=[version.pk]))
    assert response.status_code == 200
    [entry] = entries(AccessLogEntry.Kind.DOWNLOADED_DOCUMENT)
    assert entry.user == org["manager1"]
    assert entry.target_id == document.pk
    assert entry.details == {
        "file_name": "合同.pdf",
        "version": 1,
        "customer": document.customer_id,
    }


@pytest.mark.usefixtures("document_store")
def test_a_refused_download_is_not_logged(customers, login, org):
    document = document_create(actor=org["manager2"], customer=customers["manager2"], file=pdf())
    version = document.versions.get()
    url = reverse("customers:document_download", args=[version.pk])
    assert login("manager1").get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()


# -- protected fields shown in full -----------------------------------------------------------


@pytest.fixture
def phone_rule(org):
    """Account managers see customers' phone numbers masked: the field is protected."""
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )


def test_360_page_showing_a_protected_field_in_full_is_logged(org, login, phone_rule):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert login("supervisor").get(customer.get_absolute_url()).status_code == 200
    [entry] = entries(AccessLogEntry.Kind.VIEWED_PROTECTED)
    assert entry.user == org["supervisor"]
    assert entry.target_id == customer.pk
    assert "customers.customer.phone" in entry.details["fields"]
    assert entry.details["path"] == customer.get_absolute_url()


def test_360_page_showing_the_field_masked_is_not_logged(org, login, phone_rule):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert login("manager1").get(customer.get_absolute_url()).status_code == 200
    assert not entries(AccessLogEntry.Kind.VIEWED_PROTECTED)


def test_fields_nobody_protects_are_not_logged(org, login):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert login("supervisor").get(customer.get_absolute_url()).status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_a_list_showing_protected_fields_is_one_entry(org, login, phone_rule):
    for _number in range(3):
        CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert login("supervisor").get(reverse("customers:list")).status_code == 200
    [entry] = entries(AccessLogEntry.Kind.VIEWED_PROTECTED)
    assert entry.target_id is None
    assert entry.details["record_count"] == 3


def test_history_showing_past_protected_values_in_full_is_logged(org, phone_rule):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    customer_update(actor=org["manager1"], customer=customer, phone="13912345678")
    request = RequestFactory().get("/history/")
    request.user = type(org["supervisor"]).objects.get(pk=org["supervisor"].pk)
    template = Template("{% load customer_fields %}{% protected_history c %}")
    template.render(Context({"request": request, "c": customer}))
    entry = record_noted_views(request)
    assert entry is not None
    assert entry.details["fields"] == ["customers.customer.phone"]
    assert entry.target_id == customer.pk
