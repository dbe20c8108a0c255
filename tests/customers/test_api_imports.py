"""The customer import API: dry run, commit, idempotency, the mapping, errors."""

import json

import pytest

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
