"""Field protection in downloads: CSV and xlsx exports (page and API) and vCards."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

EXPORT = reverse("customers:export")
PHONE = "13812348000"
TAX_ID = "91310000MA1FL4XQ7N"


def add_rule(org, field: str, role: str, mode: str) -> None:
    field_rule_create(actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode)


@pytest.fixture
def customer(org):
    customer = CustomerFactory(
        owner=org["manager1"],
        phone=PHONE,
        email="zhangwei@example.com",
        tax_id=TAX_ID,
        bank_account="6222021234567894",
    )
    ContactFactory(
        customer=customer,
        is_primary=True,
        name="王芳",
        mobile="13912345678",
        office_phone="021-51234567",
        email="wangfang@example.com",
    )
    return customer


@pytest.fixture
def rules(org):
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.email", "account_manager", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    add_rule(org, "contact.mobile", "account_manager", "masked")
    add_rule(org, "contact.email", "account_manager", "hidden")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.getvalue()


def _csv(response) -> list[dict]:
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"), newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _xlsx(response) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _export_rows(client, file_format: str) -> list[dict]:
    response = client.get(EXPORT, {"format": file_format})
    assert response.status_code == 200
    return _csv(response) if file_format == "csv" else _xlsx(response)


def _values(row: dict) -> set:
    return {str(value) for value in row.values() if value is not None}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_masks_masked_columns_and_drops_hidden_ones(
    org, customer, rules, login, file_format
):
    (row,) = _export_rows(login("manager1"), file_format)
    values = _values(row)
    assert "138****8000" in values and "z***@example.com" in values
    assert PHONE not in values and "zhangwei@example.com" not in values
    assert TAX_ID not in values and not any(value.endswith("XQ7N") for value in values)
    assert len(row) == len(_export_rows(login("supervisor"), file_format)[0]) - 1
    assert "6222021234567894" in values, "unprotected fields stay as stored"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_unchanged_for_roles_without_rules(org, customer, rules, login, file_format):
    (row,) = _export_rows(login("supervisor"), file_format)
    values = _values(row)
    assert {PHONE, "zhangwei@example.com", TAX_ID} <= values


def test_export_of_selected_rows_is_masked_too(org, customer, rules, login):
    client = login("manager1")
    response = client.post(EXPORT, {"format": "csv", "ids": str(customer.pk)})
    assert response.status_code == 200
    (row,) = _csv(response)
    assert "138****8000" in _values(row) and PHONE not in _values(row)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_api_export_follows_the_same_rules(org, customer, rules, file_format):
    client = APIClient()
    client.force_authenticate(org["manager1"])
    response = client.get("/api/customers/export/", {"format": file_format})
    assert response.status_code == 200
    rows = _csv(response) if file_format == "csv" else _xlsx(response)
    values = _values(rows[0])
    assert "138****8000" in values and PHONE not in values and TAX_ID not in values


# --- vCards -----------------------------------------------------------------------------------


def test_vcard_masks_the_mobile_and_leaves_out_a_hidden_email(org, customer, rules, login):
    url = reverse("customers:contacts_vcard_export", args=[customer.pk])
    text = login("manager1").get(url).content.decode()
    assert "王芳" in text and "139****5678" in text
    assert "13912345678" not in text and "139 1234 5678" not in text
    assert "EMAIL" not in text and "wangfang" not in text
    assert "+86 21 5123 4567" in text, "an unprotected number stays"
    full = login("supervisor").get(url).content.decode()
    assert "+86 139 1234 5678" in full and "wangfang@example.com" in full


def test_vcard_through_the_api_is_masked_too(org, customer, rules):
    client = APIClient()
    client.force_authenticate(org["manager1"])
    response = client.get(f"/api/customers/{customer.pk}/contacts.vcf", {"version": "4.0"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "139****5678" in text and "139 1234 5678" not in text and "wangfang" not in text
