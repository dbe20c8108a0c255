"""Customer import pages: upload, mapping, dry run report, commit, progress, scope, errors."""

import io

import pytest
from django.urls import reverse

from guanxi.customers.models import Customer, ImportJob
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("import_storage")

FILE = csv_bytes(
    [
        ["Name", "Telephone", "Level"],
        ["Acme Trading Co., Ltd.", "021-6888 1234", "大客户"],
        ["Bad Phone Ltd", "no phone", ""],
    ]
)


# -- pages -----------------------------------------------------------------------------------


def test_upload_map_check_and_import_through_the_pages(org, login, english):
    client = login("manager1")
    assert (
        client.get(reverse("customers:list")).content.count(b'data-testid="customer-import"') == 1
    )

    response = client.post(reverse("customers:import"), {"file": upload(FILE)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "customers:import_detail", args=[job.pk]
    )
    page = client.get(response.url).content.decode()
    # The mapping is guessed from the English headers and can be changed before the check.
    assert '<option value="phone" selected>' in page and 'data-testid="import-mapping-form"' in page

    mapping = {"column_0": "name", "column_1": "", "column_2": "level"}  # ignore the phones
    response = client.post(reverse("customers:import_check", args=[job.pk]), mapping)
    assert response.status_code == 302
    page = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert "Import 2 customers" in page and not Customer.objects.exists()

    client.post(reverse("customers:import_check", args=[job.pk]), {**mapping, "column_1": "phone"})
    page = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert 'data-kind="error" data-row="3"' in page and "Telephone" in page
    assert "Import 1 customer" in page

    response = client.post(reverse("customers:import_commit", args=[job.pk]))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-new">1<' in page
    assert list(Customer.objects.values_list("name", flat=True)) == ["Acme Trading Co., Ltd."]


def test_a_mapping_without_the_name_is_refused_on_the_form(org, login, english):
    client = login("manager1")
    client.post(reverse("customers:import"), {"file": upload(FILE)})
    job = ImportJob.objects.get()
    response = client.post(
        reverse("customers:import_check", args=[job.pk]), {"column_0": "", "column_1": "phone"}
    )
    assert response.status_code == 400
    assert b"Choose the column that holds" in response.content


def test_a_bad_file_is_refused_on_the_upload_form(org, login, english):
    response = login("manager1").post(
        reverse("customers:import"), {"file": upload(b"\x00\x01PK", "x.xls")}
    )
    assert response.status_code == 400 and b".xlsx or CSV" in response.content


def test_running_jobs_show_a_polling_progress_bar(org, login, english):
    client = login("manager1")
    client.post(reverse("customers:import"), {"file": upload(FILE)})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.IMPORTING, total_rows=200, processed_rows=50
    )
    page = client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    progress = client.get(reverse("customers:import_progress", args=[job.pk]))
    assert "HX-Refresh" not in progress and b"50 of 200 rows" in progress.content
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE)
    assert client.get(reverse("customers:import_progress", args=[job.pk]))["HX-Refresh"] == "true"


def test_jobs_of_others_are_not_found_and_executives_cannot_import(org, login):
    login("manager1").post(reverse("customers:import"), {"file": upload(FILE)})
    job = ImportJob.objects.get()
    detail = reverse("customers:import_detail", args=[job.pk])
    assert login("manager2").get(detail).status_code == 404
    assert login("supervisor").get(detail).status_code == 404
    assert login("admin").get(detail).status_code == 200
    assert login("exec").get(reverse("customers:import")).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_file_has_every_column_and_maps_itself(org, login, fmt):
    from guanxi.customers.importing.mapping import FIELD_NAMES, guess_mapping
    from guanxi.customers.importing.readers import open_table

    response = login("manager1").get(reverse("customers:import_template", args=[fmt]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    with open_table(io.BytesIO(response.content), f"t.{fmt}") as table:
        assert len(table.headers) == len(FIELD_NAMES)
        assert sorted(guess_mapping(table.headers).values()) == sorted(FIELD_NAMES)


def test_the_upload_page_lists_only_my_jobs(org, login, django_assert_max_num_queries):
    for username in ("manager1", "manager2"):
        login(username).post(reverse("customers:import"), {"file": upload(FILE, f"{username}.csv")})
    client = login("manager1")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("customers:import")).content.decode()
    assert "manager1.csv" in page and "manager2.csv" not in page
