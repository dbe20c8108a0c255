"""Customer import pages and API: upload, mapping, dry run report, commit, scope, errors."""

import io
import json

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


# -- API -------------------------------------------------------------------------------------


def test_api_dry_run_then_commit(org, api):
    client = api("manager1")
    response = client.post("/api/customers/import/", {"file": upload(FILE)}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "validated" and body["new_rows"] == 1 and body["errors"] == 1
    assert body["mapping"] == {"Name": "name", "Telephone": "phone", "Level": "level"}
    (finding,) = body["report"]
    assert (finding["row"], finding["column"], finding["kind"]) == (3, "Telephone", "error")
    assert not Customer.objects.exists()

    assert client.get(f"/api/customers/import/{body['id']}/").json()["state"] == "validated"
    response = client.post(f"/api/customers/import/{body['id']}/commit/")
    assert response.status_code == 200 and response.json()["created"] == 1
    assert Customer.objects.get().owner == org["manager1"]
    # A second commit of the same job is refused in the error shape, naming the state.
    response = client.post(f"/api/customers/import/{body['id']}/commit/")
    assert response.status_code == 400 and "state" in response.json()["error"]["fields"]


def test_api_import_without_dry_run_and_again_adds_nothing(org, api):
    client = api("manager1")
    for expected in (1, 0):
        response = client.post(
            "/api/customers/import/", {"file": upload(FILE), "dry_run": "false"}, format="multipart"
        )
        assert response.status_code == 201
        assert (response.json()["state"], response.json()["created"]) == ("done", expected)
    assert Customer.objects.count() == 1


def test_api_mapping_is_checked_and_used(org, api):
    client = api("manager1")
    bad = client.post(
        "/api/customers/import/",
        {"file": upload(FILE), "mapping": json.dumps({"Name": "phone"})},
        format="multipart",
    )
    assert bad.status_code == 400 and "mapping" in bad.json()["error"]["fields"]
    not_json = client.post(
        "/api/customers/import/", {"file": upload(FILE), "mapping": "{"}, format="multipart"
    )
    assert not_json.status_code == 400 and "mapping" in not_json.json()["error"]["fields"]
    good = client.post(
        "/api/customers/import/",
        {"file": upload(FILE), "mapping": json.dumps({"Name": "name"})},
        format="multipart",
    )
    assert good.status_code == 201 and good.json()["new_rows"] == 2


def test_api_errors(org, api):
    client = api("manager1")
    missing = client.post("/api/customers/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    unreadable = client.post(
        "/api/customers/import/", {"file": upload(b"PK\x03\x04junk", "a.xlsx")}, format="multipart"
    )
    assert unreadable.status_code == 400 and "file" in unreadable.json()["error"]["fields"]
    assert (
        api("exec")
        .post("/api/customers/import/", {"file": upload(FILE)}, format="multipart")
        .status_code
        == 403
    )

    job_id = client.post(
        "/api/customers/import/", {"file": upload(FILE)}, format="multipart"
    ).json()["id"]
    assert api("manager2").get(f"/api/customers/import/{job_id}/").status_code == 404
    assert api("manager2").post(f"/api/customers/import/{job_id}/commit/").status_code == 404
    assert api("admin").get(f"/api/customers/import/{job_id}/").status_code == 200
    assert client.get("/api/customers/import/not-a-uuid/").status_code == 404
    assert client.get("/api/customers/import/12/").status_code == 404
