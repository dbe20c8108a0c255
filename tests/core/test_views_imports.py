"""The shared import pages: upload, mapping, check, commit, counts per kind, report download,
templates, rights and other people's jobs — for contacts, interactions and products."""

import io
import re

import pytest
from openpyxl import load_workbook

from guanxi.core.models import ImportJob
from guanxi.customers.models import Interaction
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")


def test_interaction_import_journey(org, login, english):
    CustomerFactory(owner=org["manager1"], code="KH-V-1")
    data = csv_bytes(
        [
            ["Customer", "Date", "Summary", "Recorded by"],
            ["KH-V-1", "2023-03-01", "Kick-off", "manager1"],
            ["KH-V-1", "2999-01-01", "Too early", ""],
            ["KH-V-1", "2023-03-02", "Unknown person", "nobody"],
        ]
    )
    client = login("manager1")
    page = client.get("/customers/interactions/import/")
    assert page.status_code == 200 and "Import interactions" in page.content.decode()
    response = client.post(
        "/customers/interactions/import/", {"file": upload(data), "mode": "valid_rows"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(entity="interactions")
    detail = client.get(response["Location"])
    assert "Summary" in detail.content.decode()  # the mapping form
    mapping = {
        f"column_{i}": field
        for i, field in enumerate(["customer", "occurred_at", "summary", "owner"])
    }
    assert (
        client.post(f"/customers/interactions/import/{job.pk}/check/", mapping).status_code == 302
    )
    page = client.get(f"/customers/interactions/import/{job.pk}/").content.decode()
    kinds = re.findall(r'<tr data-kind="(\w+)">', page)
    assert sorted(kinds) == ["future", "invalid"]
    assert "Date in the future" in page and "Invalid value" in page
    report = client.get(f"/customers/interactions/import/{job.pk}/report.xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert [row[4] for row in rows[1:]] == [3, 4]
    assert "No user “nobody”" in rows[2][-1]
    assert client.post(f"/customers/interactions/import/{job.pk}/commit/").status_code == 302
    assert Interaction.objects.filter(summary="Kick-off").count() == 1
    assert not Interaction.objects.filter(summary="Too early").exists()


def test_templates_head_every_column_and_map_themselves(org, login, english):
    from guanxi.core.imports.mapping import guess_mapping
    from guanxi.sales.importers import ProductImporter

    response = login("supervisor").get("/sales/products/import/template.csv")
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["Product name", "Model"]
    assert header[-2:] == ["External id", "Original creation date"]
    assert len(guess_mapping(header, ProductImporter.field_table())) == len(header)


def test_pages_need_the_right_and_hide_other_peoples_jobs(org, login):
    assert login("manager1").get("/sales/products/import/").status_code == 403
    assert login("exec").get("/customers/contacts/import/").status_code == 403
    client = login("manager1")
    response = client.post(
        "/customers/contacts/import/",
        {"file": upload(csv_bytes([["客户", "姓名"], ["KH", "周"]])), "mode": "valid_rows"},
    )
    job = ImportJob.objects.get(entity="contacts")
    assert response.status_code == 302
    assert login("manager2").get(f"/customers/contacts/import/{job.pk}/").status_code == 404
    # A job is reached only under its own entity's pages.
    assert client.get(f"/customers/interactions/import/{job.pk}/").status_code == 404


def test_a_bad_file_is_a_form_error_not_a_500(org, login):
    response = login("manager1").post(
        "/customers/contacts/import/",
        {"file": upload(b"\x00\xff\xfe garbage", "contacts.xls"), "mode": "valid_rows"},
    )
    assert response.status_code == 400
    assert ".xls" in response.content.decode()


def test_the_upload_page_lists_recent_jobs_in_few_queries(
    org, login, django_assert_max_num_queries
):
    client = login("manager1")
    for _ in range(3):
        client.post(
            "/customers/contacts/import/",
            {"file": upload(csv_bytes([["客户", "姓名"], ["KH", "周"]])), "mode": "valid_rows"},
        )
    with django_assert_max_num_queries(12):
        page = client.get("/customers/contacts/import/")
    assert page.content.decode().count(">customers.csv</a>") == 3


def test_an_imported_record_shows_its_original_creation_date(org, login, english):
    from datetime import datetime

    from django.utils import timezone

    customer = CustomerFactory(owner=org["manager1"], external_ref="CRM-OLD-1")
    customer.created_at = timezone.make_aware(datetime(2016, 8, 9, 10, 0))
    customer.save()
    page = login("manager1").get(f"/customers/{customer.pk}/").content.decode()
    assert "Original creation date" in page and "Aug 9, 2016" in page
    assert "CRM-OLD-1" in page


def test_the_job_page_lists_duplicates_to_choose_for(org, login, english):
    from guanxi.customers.models import Contact

    customer = CustomerFactory(owner=org["manager1"], code="KH-P-1", name="Yunshan")
    wang = Contact.objects.create(customer=customer, name="Wang", title="Engineer")
    Contact.objects.create(customer=customer, name="Li", title="Engineer")
    data = csv_bytes(
        [
            ["Customer", "Contact name", "Job title"],
            ["KH-P-1", "Wang", "Buyer"],
            ["KH-P-1", "Li", "CEO"],
        ]
    )
    client = login("manager1")
    client.post("/customers/contacts/import/", {"file": upload(data), "mode": "valid_rows"})
    job = ImportJob.objects.get(entity="contacts")
    mapping = {"column_0": "customer", "column_1": "name", "column_2": "title"}
    client.post(f"/customers/contacts/import/{job.pk}/check/", mapping)
    page = client.get(f"/customers/contacts/import/{job.pk}/").content.decode()
    assert 'data-testid="import-duplicates"' in page
    assert re.findall(r'data-testid="import-duplicate" data-row="(\d+)"', page) == ["2", "3"]
    assert f'href="{customer.get_absolute_url()}"' in page
    assert "<span>Contact name: Wang</span>" in page  # the cells that make it a duplicate
    # Every choice has a visible label: the rows' selects, the choice for all, the fields.
    for number in (2, 3):
        assert f'<label for="duplicate-row-{number}">Row {number}</label>' in page
    assert "For all duplicate rows" in page and "Fields to update" in page

    url = f"/customers/contacts/import/{job.pk}/duplicates/"
    refused = client.post(url, {"all": "merge", "fields_shown": "1", "fields": ["title"]})
    assert refused.status_code == 400 and "merge" in refused.content.decode()
    # With htmx the refusal comes as 422, which the page swaps in with its message.
    refused = client.post(url, {"all": "merge"}, headers={"HX-Request": "true"})
    assert (
        refused.status_code == 422
        and 'data-testid="import-duplicates-error"' in refused.content.decode()
    )

    chosen = client.post(
        url,
        {"all": "skip", "row_2": "update", "fields_shown": "1", "fields": ["title"]},
        headers={"HX-Request": "true"},
    )
    assert chosen.status_code == 200
    body = chosen.content.decode()
    assert 'id="import-job"' in body and 'data-testid="import-duplicates-saved"' in body
    assert re.search(r'data-testid="import-updated">1<', body)
    assert re.search(r'data-testid="import-unchanged">1<', body)
    assert client.post(f"/customers/contacts/import/{job.pk}/commit/").status_code == 302
    wang.refresh_from_db()
    assert wang.title == "Buyer"
    assert Contact.objects.get(name="Li").title == "Engineer"
