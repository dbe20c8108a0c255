"""The import API of every registered entity: upload and check, follow, commit, report, rights,
scope of jobs, the schema, and bounded queries."""

import io
import json

import pytest
from openpyxl import load_workbook

from guanxi.customers.models import Contact
from guanxi.sales.models import Product, ProductCategory
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")


def test_contacts_dry_run_commit_and_report(org, api, english):
    customer = CustomerFactory(owner=org["manager1"], external_ref="HS-77")
    data = csv_bytes(
        [
            ["Customer", "Name", "Mobile", "External id"],
            ["HS-77", "Wang Fang", "13800138000", "HS-C-1"],
            ["HS-78", "Li Lei", "", "HS-C-2"],
        ]
    )
    client = api("manager1")
    response = client.post("/api/contacts/import/", {"file": upload(data)}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["entity"], body["state"], body["created"], body["errors"]) == (
        "contacts",
        "validated",
        1,
        1,
    )
    assert body["kinds"] == [
        {"kind": "not_found", "column": "Customer", "label": "Related record not found", "count": 1}
    ]
    assert body["report"][0]["row"] == 3
    assert not Contact.objects.filter(external_ref="HS-C-1").exists()  # a dry run

    report = client.get(f"/api/contacts/import/{body['id']}/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("HS-78", "Li Lei", None) and "HS-78" in rows[1][-1]

    committed = client.post(f"/api/contacts/import/{body['id']}/commit/")
    assert committed.status_code == 200 and committed.json()["created"] == 1
    assert Contact.objects.get(external_ref="HS-C-1").customer == customer


def test_products_import_straight_away_with_a_mapping(org, api):
    ProductCategory.objects.create(name="Tea")
    data = csv_bytes([["Item", "Cat", "Cost"], ["Oolong", "Tea", "88"]])
    response = api("supervisor").post(
        "/api/products/import/",
        {
            "file": upload(data),
            "dry_run": "false",
            "mapping": json.dumps({"Item": "name", "Cat": "category", "Cost": "price"}),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "done"
    assert Product.objects.get(name="Oolong").price == 88


def test_rights_and_other_peoples_jobs(org, api):
    data = csv_bytes([["产品名称", "类别", "单价"], ["红茶", "茶", "1"]])
    assert (
        api("manager1")
        .post("/api/products/import/", {"file": upload(data)}, format="multipart")
        .status_code
        == 403
    )
    body = (
        api("supervisor")
        .post("/api/products/import/", {"file": upload(data)}, format="multipart")
        .json()
    )
    assert api("supervisor2").get(f"/api/products/import/{body['id']}/").status_code == 404
    assert api("admin").get(f"/api/products/import/{body['id']}/").status_code == 200
    assert api("supervisor").get("/api/products/import/not-a-uuid/").status_code == 404
    bad = api("supervisor").post(
        "/api/products/import/", {"file": upload(data), "mapping": "{"}, format="multipart"
    )
    assert bad.status_code == 400 and "mapping" in json.dumps(bad.json())


def test_following_a_job_costs_few_queries(org, api, django_assert_max_num_queries):
    data = csv_bytes([["客户", "姓名"], ["KH-X", "周"]])
    client = api("manager1")
    body = client.post("/api/contacts/import/", {"file": upload(data)}, format="multipart").json()
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/contacts/import/{body['id']}/").status_code == 200


def test_every_registered_entity_is_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    for entity in ("contacts", "interactions", "products"):
        assert "post" in paths[f"/api/{entity}/import/"]
        assert "get" in paths[f"/api/{entity}/import/{{id}}/"]
        assert "post" in paths[f"/api/{entity}/import/{{id}}/commit/"]
        assert "get" in paths[f"/api/{entity}/import/{{id}}/report.xlsx"]


def test_duplicates_are_listed_chosen_and_committed_through_the_api(org, api, english):
    customer = CustomerFactory(owner=org["manager1"], code="KH-API-1")
    present = Contact.objects.create(customer=customer, name="Wang Fang", title="Engineer")
    data = csv_bytes([["Customer", "Name", "Job title"], ["KH-API-1", "Wang Fang", "Buyer"]])
    client = api("manager1")
    body = client.post("/api/contacts/import/", {"file": upload(data)}, format="multipart").json()
    assert body["duplicates_found"]["count"] == 1 and body["unchanged"] == 1
    assert body["report"][0]["candidate"]["url"] == customer.get_absolute_url()
    assert body["report"][0]["choice"] == "skip"
    url = f"/api/contacts/import/{body['id']}/duplicates/"

    for policy, named in (
        ({"all": "merge"}, "merge"),
        ({"all": "update", "fields": ["nope"]}, "nope"),
        ({"rows": {"7": "create"}}, "7"),
    ):
        refused = client.patch(url, policy, format="json")
        assert refused.status_code == 400
        assert named in refused.json()["error"]["fields"]["duplicates"][0]

    chosen = client.patch(url, {"all": "update", "fields": ["title"]}, format="json")
    assert chosen.status_code == 200, chosen.json()
    assert (chosen.json()["updated"], chosen.json()["duplicates"]["fields"]) == (1, ["title"])
    present.refresh_from_db()
    assert present.title == "Engineer"  # still a check

    committed = client.post(
        f"/api/contacts/import/{body['id']}/commit/",
        {"duplicates": {"all": "create"}},
        format="json",
    )
    assert committed.status_code == 200 and committed.json()["created"] == 1
    assert Contact.objects.filter(customer=customer, name="Wang Fang").count() == 2


def test_the_duplicates_endpoint_is_documented(openapi_schema):
    paths = openapi_schema["paths"]
    for entity in ("contacts", "interactions", "products"):
        duplicates = paths[f"/api/{entity}/import/{{id}}/duplicates/"]
        assert {"patch", "post"} <= set(duplicates)
        assert "400" in duplicates["patch"]["responses"]
        commit = paths[f"/api/{entity}/import/{{id}}/commit/"]["post"]
        assert "requestBody" in commit


def test_an_upload_may_bring_its_duplicate_choices(org, api):
    from guanxi.core.models import ImportJob

    category = ProductCategory.objects.create(name="Tea")
    product = Product.objects.create(name="Oolong", category=category, price=10)
    data = csv_bytes([["产品名称", "类别", "单价"], ["Oolong", "Tea", "12"]])
    client = api("supervisor")
    bad = client.post(
        "/api/products/import/",
        {"file": upload(data), "duplicates": json.dumps({"all": "update", "fields": ["nope"]})},
        format="multipart",
    )
    assert bad.status_code == 400 and "nope" in bad.json()["error"]["fields"]["duplicates"][0]
    assert not ImportJob.objects.exists()  # nothing half-made
    done = client.post(
        "/api/products/import/",
        {
            "file": upload(data),
            "dry_run": "false",
            "duplicates": json.dumps({"all": "update", "fields": ["price"]}),
        },
        format="multipart",
    )
    assert done.status_code == 201 and done.json()["updated"] == 1, done.json()
    product.refresh_from_db()
    assert product.price == 12
