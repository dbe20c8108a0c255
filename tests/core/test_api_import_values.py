"""The values endpoint of the import API, the profiles API, and the size limit of uploads."""

import json

import pytest

from guanxi.core.imports.limits import ENVELOPE_BYTES
from guanxi.core.imports.readers import MAX_IMPORT_BYTES
from guanxi.core.imports.registry import importer_for
from guanxi.core.models import ImportJob, ImportProfile
from guanxi.customers.models import Contact, Interaction
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")


def _upload(client, rows, **extra):
    response = client.post(
        "/api/interactions/import/", {"file": upload(csv_bytes(rows)), **extra}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _owner_rows(customer, names):
    return [
        ["客户编号", "日期", "概要", "方式", "记录人"],
        *[
            [customer.code, f"2024-03-{i + 1:02d}", f"拜访{i}", "电话", n]
            for i, n in enumerate(names)
        ],
    ]


def test_values_list_counts_and_matches_and_maps_unknown_owners(org, api, english):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("supervisor")
    job = _upload(client, _owner_rows(customer, ["老张", "老张", "manager1", "张伟", "李华东"]))
    url = f"/api/interactions/import/{job['id']}/values/"
    body = client.get(url).json()
    assert body["cap"] == 1000
    columns = {column["field"]: column for column in body["columns"]}
    assert set(columns) == {"kind", "owner"}
    owner = columns["owner"]
    assert (owner["column"], owner["kind"], owner["unmatched"]) == ("记录人", "owner", 1)
    values = {value["text"]: value for value in owner["values"]}
    assert values["老张"] == {
        "text": "老张",
        "count": 2,
        "target": None,
        "target_label": "",
        "source": "",
    }
    assert values["张伟"]["target"] == org["manager1"].pk
    assert values["张伟"]["source"] == "auto" and values["张伟"]["target_label"] == "张伟"
    kind = {value["text"]: value for value in columns["kind"]["values"]}
    assert kind["电话"]["target"] == Interaction.Kind.CALL and kind["电话"]["count"] == 5

    answer = client.post(url, {"mapping": {"owner": {"老张": org["manager2"].pk}}}, format="json")
    assert answer.status_code == 200, answer.json()
    values = {v["text"]: v for v in answer.json()["columns"][1]["values"]}
    assert values["老张"]["source"] == "mapped" and values["老张"]["target_label"] == "刘洋"
    assert ImportJob.objects.get(pk=job["id"]).value_mapping == {
        "owner": {"老张": org["manager2"].pk}
    }
    checked = client.post(f"/api/interactions/import/{job['id']}/commit/")
    assert checked.status_code == 400  # mapped again: check first


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"colour": {"a": ""}}, "“colour” is no column whose values are mapped"),
        ({"owner": {"老张": 987654}}, "No user 987654"),
        ({"kind": {"电话": "fax"}}, "“fax” is not a choice of “kind”"),
        ({"kind": {"电话": "__new__"}}, "Only dictionary values can become new entries"),
    ],
)
def test_a_wrong_value_mapping_is_a_400_naming_it(org, api, english, mapping, named):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("supervisor")
    job = _upload(client, _owner_rows(customer, ["老张"]))
    answer = client.post(
        f"/api/interactions/import/{job['id']}/values/", {"mapping": mapping}, format="json"
    )
    assert answer.status_code == 400
    assert named in json.dumps(answer.json(), ensure_ascii=False)
    assert ImportJob.objects.get(pk=job["id"]).value_mapping == {}


def test_values_of_someone_elses_job_are_not_found(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    job = _upload(api("manager1"), _owner_rows(customer, ["老张"]))
    assert api("manager2").get(f"/api/interactions/import/{job['id']}/values/").status_code == 404


def test_the_values_endpoint_reads_in_a_fixed_number_of_queries(
    org, api, django_assert_max_num_queries
):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("supervisor")
    few = _upload(client, _owner_rows(customer, ["老张"]))
    many = _upload(client, _owner_rows(customer, [f"用户{i}" for i in range(25)] + ["张伟"]))
    client.get(f"/api/interactions/import/{few['id']}/values/")  # counted once, then kept
    client.get(f"/api/interactions/import/{many['id']}/values/")
    for job in (few, many):
        with django_assert_max_num_queries(8):
            response = client.get(f"/api/interactions/import/{job['id']}/values/")
        assert response.status_code == 200


def test_a_declared_body_beyond_the_limit_is_refused_before_it_is_read(org, api, english):
    client = api("supervisor")
    response = client.generic(
        "POST",
        "/api/products/import/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MAX_IMPORT_BYTES + ENVELOPE_BYTES + 1),
    )
    assert response.status_code == 400
    assert "50 MB" in response.json()["error"]["fields"]["file"][0]
    # Interactions are written in bulk: a larger file is taken, up to its own limit.
    bulk_limit = importer_for("interactions").max_bytes
    assert bulk_limit > MAX_IMPORT_BYTES
    response = client.generic(
        "POST",
        "/api/interactions/import/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(bulk_limit + ENVELOPE_BYTES + 1),
    )
    assert response.status_code == 400
    assert f"{bulk_limit // 2**20} MB" in response.json()["error"]["fields"]["file"][0]


def test_profiles_are_saved_listed_shared_and_applied_by_id(org, api):
    customer = CustomerFactory(owner=org["manager1"], external_ref="ACC-1")
    manager = api("manager1")
    created = manager.post(
        "/api/import-profiles/",
        {
            "entity": "contacts",
            "name": "旧系统",
            "columns": {"Client Ref": "customer", "Person": "name", "Sex": "gender"},
            "value_mapping": {"gender": {"F": "female", "M": "male"}},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    profile = created.json()
    assert profile["columns"] == {"clientref": "customer", "person": "name", "sex": "gender"}
    assert api("manager2").get("/api/import-profiles/").json()["results"] == []
    shared = manager.patch(
        f"/api/import-profiles/{profile['id']}/", {"shared": True}, format="json"
    )
    assert shared.status_code == 200
    names = [
        p["name"]
        for p in api("manager2").get("/api/import-profiles/?entity=contacts").json()["results"]
    ]
    assert names == ["旧系统"]
    assert api("manager2").delete(f"/api/import-profiles/{profile['id']}/").status_code == 403

    data = csv_bytes([["client ref", "PERSON", "sex"], ["ACC-1", "王芳", "F"]])
    answer = manager.post(
        "/api/contacts/import/",
        {"file": upload(data), "profile": str(profile["id"]), "dry_run": "false"},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["mapping"] == {"client ref": "customer", "PERSON": "name", "sex": "gender"}
    assert Contact.objects.get(customer=customer, name="王芳").gender == Contact.Gender.FEMALE


def test_a_profile_with_a_wrong_field_or_entry_is_refused(org, api):
    client = api("manager1")
    bad_field = client.post(
        "/api/import-profiles/",
        {"entity": "contacts", "name": "x", "columns": {"A": "colour"}},
        format="json",
    )
    assert bad_field.status_code == 400 and "colour" in json.dumps(bad_field.json())
    bad_value = client.post(
        "/api/import-profiles/",
        {"entity": "contacts", "name": "x", "columns": {}, "value_mapping": {"gender": {"F": "f"}}},
        format="json",
    )
    assert bad_value.status_code == 400
    assert not ImportProfile.objects.exists()


def test_presets_are_listed_for_registered_entities(org, api):
    body = api("manager1").get("/api/import-profiles/presets/?entity=contacts").json()
    keys = [preset["key"] for preset in body]
    assert keys == ["generic", "salesforce", "hubspot", "zoho", "fxiaoke", "xiaoshouyi"]
    salesforce = body[1]
    assert salesforce["columns"]["Salutation"] == "gender"
    assert api("manager1").get("/api/import-profiles/presets/?entity=nothing").json() == []
