"""Customer import pages 客户导入 (the import framework's pages at /customers/import/): upload,
mapping, dry run report, commit, progress, report download, template, scope and errors."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guanxi.core.imports.mapping import guess_mapping
from guanxi.core.imports.readers import open_table
from guanxi.core.models import ImportJob
from guanxi.customers.importers import CustomerImporter
from guanxi.customers.models import Customer
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("import_storage")

FILE = csv_bytes(
    [
        ["Name", "Telephone", "Level"],
        ["Acme Trading Co., Ltd.", "021-6888 1234", "大客户"],
        ["Bad Phone Ltd", "no phone", ""],
    ]
)
UPLOAD = "/customers/import/"


def _detail(job) -> str:
    return reverse("customers:customers_import_detail", args=[job.pk])


def test_upload_map_check_and_import_through_the_pages(org, login, english):
    client = login("manager1")
    listing = client.get(reverse("customers:list")).content.decode()
    assert listing.count('data-testid="customer-import"') == 1 and f'href="{UPLOAD}"' in listing

    response = client.post(UPLOAD, {"file": upload(FILE), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    assert job.entity == "customers"
    assert response.status_code == 302 and response.url == _detail(job)
    page = client.get(response.url).content.decode()
    # The mapping is guessed from the English headers and can be changed before the check.
    assert '<option value="phone" selected>' in page and 'data-testid="import-mapping-form"' in page

    mapping = {"column_0": "name", "column_1": "", "column_2": "level"}  # ignore the phones
    response = client.post(f"{UPLOAD}{job.pk}/check/", mapping)
    assert response.status_code == 302
    page = client.get(_detail(job)).content.decode()
    assert 'data-testid="import-created">2<' in page and not Customer.objects.exists()

    client.post(f"{UPLOAD}{job.pk}/check/", {**mapping, "column_1": "phone"})
    page = client.get(_detail(job)).content.decode()
    assert 'data-kind="invalid" data-row="3"' in page and "Telephone" in page
    assert 'data-testid="import-created">1<' in page

    report = client.get(f"{UPLOAD}{job.pk}/report.xlsx")
    assert report.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert rows[1][:2] == ("Bad Phone Ltd", "no phone") and "Telephone" in rows[1][-1]

    response = client.post(f"{UPLOAD}{job.pk}/commit/")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-created">1<' in page
    assert list(Customer.objects.values_list("name", flat=True)) == ["Acme Trading Co., Ltd."]


def test_a_mapping_without_the_name_is_refused_on_the_form(org, login, english):
    client = login("manager1")
    client.post(UPLOAD, {"file": upload(FILE), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    response = client.post(f"{UPLOAD}{job.pk}/check/", {"column_0": "", "column_1": "phone"})
    assert response.status_code == 400
    assert b"Customer name" in response.content


def test_a_bad_file_is_refused_on_the_upload_form(org, login, english):
    response = login("manager1").post(
        UPLOAD, {"file": upload(b"\x00\x01PK", "x.xls"), "mode": "valid_rows"}
    )
    assert response.status_code == 400 and b"xlsx" in response.content
    assert not ImportJob.objects.exists()


def test_running_jobs_show_a_polling_progress_bar(org, login, english):
    client = login("manager1")
    client.post(UPLOAD, {"file": upload(FILE), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.IMPORTING, total_rows=200, processed_rows=50
    )
    page = client.get(_detail(job)).content.decode()
    assert "hx-trigger" in page
    progress = client.get(f"{UPLOAD}{job.pk}/progress/")
    assert "HX-Refresh" not in progress and b"50" in progress.content
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE)
    assert client.get(f"{UPLOAD}{job.pk}/progress/")["HX-Refresh"] == "true"


def test_jobs_of_others_are_not_found_and_executives_cannot_import(org, login):
    login("manager1").post(UPLOAD, {"file": upload(FILE), "mode": "valid_rows"})
    job = ImportJob.objects.get()
    assert login("manager2").get(_detail(job)).status_code == 404
    assert login("supervisor").get(_detail(job)).status_code == 404
    assert login("admin").get(_detail(job)).status_code == 200
    assert login("exec").get(UPLOAD).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_file_has_every_column_and_maps_itself(org, login, fmt):
    response = login("manager1").get(f"{UPLOAD}template.{fmt}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    names = [column.name for column in CustomerImporter.all_columns()]
    assert "notes" in names and "external_ref" in names
    with open_table(io.BytesIO(response.content), f"t.{fmt}") as table:
        assert len(table.headers) == len(names)
        mapped = guess_mapping(table.headers, CustomerImporter.field_table())
        assert sorted(mapped.values()) == sorted(names)


def test_the_upload_page_lists_only_my_jobs(org, login, django_assert_max_num_queries):
    for username in ("manager1", "manager2"):
        login(username).post(
            UPLOAD, {"file": upload(FILE, f"{username}.csv"), "mode": "valid_rows"}
        )
    client = login("manager1")
    with django_assert_max_num_queries(10):
        page = client.get(UPLOAD).content.decode()
    assert "manager1.csv" in page and "manager2.csv" not in page
