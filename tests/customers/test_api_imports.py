"""The customer import API (/api/customers/import/, the import framework's shape): dry run,
commit, idempotency, the mapping, the report download, errors and the OpenAPI schema."""

import io
import json

import pytest
from openpyxl import load_workbook

from guanxi.customers.models import Customer
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("import_storage")

FILE = csv_bytes(
    [
        ["Name", "Telephone", "Level", "Notes"],
        ["Acme Trading Co., Ltd.", "021-6888 1234", "大客户", "Met at the Canton fair"],
        ["Bad Phone Ltd", "no phone", "", ""],
    ]
)


def test_api_dry_run_then_commit_and_the_report(org, api):
    client = api("manager1")
    response = client.post("/api/customers/import/", {"file": upload(FILE)}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["entity"] == "customers"
    assert body["state"] == "validated" and body["created"] == 1 and body["errors"] == 1
    assert body["mapping"] == {
        "Name": "name",
        "Telephone": "phone",
        "Level": "level",
        "Notes": "notes",
    }
    (finding,) = body["report"]
    assert (finding["row"], finding["column"], finding["level"]) == (3, "Telephone", "error")
    assert not Customer.objects.exists()

    report = client.get(f"/api/customers/import/{body['id']}/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)][1:] == ["Bad Phone Ltd"]

    assert client.get(f"/api/customers/import/{body['id']}/").json()["state"] == "validated"
    response = client.post(f"/api/customers/import/{body['id']}/commit/")
    assert response.status_code == 200 and response.json()["created"] == 1
    customer = Customer.objects.get()
    assert customer.owner == org["manager1"] and customer.notes == "Met at the Canton fair"
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
    assert good.status_code == 201 and good.json()["created"] == 2


def test_api_errors(org, api):
    client = api("manager1")
    missing = client.post("/api/customers/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    unreadable = client.post(
        "/api/customers/import/", {"file": upload(b"PK\x03\x04junk", "a.xlsx")}, format="multipart"
    )
    assert unreadable.status_code == 400 and "file" in unreadable.json()["error"]["fields"]
    refused = api("exec").post("/api/customers/import/", {"file": upload(FILE)}, format="multipart")
    assert refused.status_code == 403

    job_id = client.post(
        "/api/customers/import/", {"file": upload(FILE)}, format="multipart"
    ).json()["id"]
    assert api("manager2").get(f"/api/customers/import/{job_id}/").status_code == 404
    assert api("manager2").post(f"/api/customers/import/{job_id}/commit/").status_code == 404
    assert api("manager2").get(f"/api/customers/import/{job_id}/report.xlsx").status_code == 404
    assert api("admin").get(f"/api/customers/import/{job_id}/").status_code == 200
    assert client.get("/api/customers/import/not-a-uuid/").status_code == 404
    assert client.get("/api/customers/import/12/").status_code == 404


def test_the_openapi_schema_documents_the_customer_import(openapi_schema):
    paths = openapi_schema["paths"]
    assert "post" in paths["/api/customers/import/"]
    assert "get" in paths["/api/customers/import/{id}/"]
    assert "post" in paths["/api/customers/import/{id}/commit/"]
    assert "get" in paths["/api/customers/import/{id}/report.xlsx"]
    assert "notes" in paths["/api/customers/import/"]["post"]["description"]
