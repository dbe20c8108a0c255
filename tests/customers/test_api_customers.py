"""Customers, contacts and dictionaries over the API: scope per role, writes via services."""

import pytest

from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import Contact, Customer
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

EXPECTED_OWNERS = {
    "admin": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", None},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", None},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "manager1": {"manager1"},
    "manager3": {"manager3"},
    "assistant": {"manager1"},
}


def _owner_names(org, rows) -> set:
    names = {user.pk: name for name, user in org.items()}
    return {names.get(row["owner"]) for row in rows}


# --- customers: reads -------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_each_role_lists_exactly_its_customers(org, customers, api, username):
    response = api(username).get("/api/customers/")
    assert response.status_code == 200
    assert _owner_names(org, response.json()["results"]) == EXPECTED_OWNERS[username]


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_out_of_scope_customer_is_404(org, customers, api, username):
    client = api(username)
    for owner, customer in customers.items():
        visible = (None if owner == "pool" else owner) in EXPECTED_OWNERS[username]
        response = client.get(f"/api/customers/{customer.pk}/")
        assert response.status_code == (200 if visible else 404), (owner, response.status_code)


def test_customer_detail_body(org, customers, api):
    customer = customers["manager1"]
    body = api("manager1").get(f"/api/customers/{customer.pk}/").json()
    assert body["id"] == customer.pk and body["code"] == customer.code
    assert body["owner"] == org["manager1"].pk and body["owner_name"] == "张伟"
    assert body["version"] == 1 and body["status"] == "active"


def test_search_and_filters(org, api):
    CustomerFactory(owner=org["manager1"], name="华为技术", kind="company")
    CustomerFactory(owner=org["manager1"], name="张三", kind="person")
    client = api("manager1")
    found = client.get("/api/customers/", {"search": "华为"}).json()["results"]
    assert [c["name"] for c in found] == ["华为技术"]
    people = client.get("/api/customers/", {"kind": "person"}).json()["results"]
    assert [c["name"] for c in people] == ["张三"]
    bad = client.get("/api/customers/", {"kind": "robot"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]


def test_pool_filter(org, customers, api):
    rows = api("admin").get("/api/customers/", {"in_pool": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [customers["pool"].pk]


@pytest.mark.parametrize("username", ["admin", "supervisor", "manager1", "assistant", "exec"])
def test_customer_list_queries_are_constant(org, api, username, django_assert_max_num_queries):
    CustomerFactory.create_batch(30, owner=org["manager1"])
    client = api(username)
    with django_assert_max_num_queries(9):  # 8, and the planner's estimate on PostgreSQL
        response = client.get("/api/customers/", {"page_size": 50})
    assert response.json()["count"] == 30


# --- customers: writes ------------------------------------------------------------------


def test_manager_creates_an_own_customer(org, api):
    level = DictionaryEntry.objects.filter(kind="customer_level").first()
    response = api("manager1").post(
        "/api/customers/",
        {"name": "新客户", "level": level.pk, "phone": "010-1234 5678"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"].startswith("KH") and body["owner"] == org["manager1"].pk
    assert response.headers["ETag"] == '"1"'
    customer = Customer.objects.get(pk=body["id"])
    assert customer.created_by == org["manager1"] and customer.on_behalf_of is None


def test_assistant_creates_for_the_supported_manager(org, api):
    response = api("assistant").post("/api/customers/", {"name": "代录客户"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == org["manager1"].pk
    assert body["created_by"] == org["assistant"].pk
    assert body["on_behalf_of"] == org["manager1"].pk


def test_manager_cannot_give_a_customer_to_someone_else(org, api):
    response = api("manager1").post(
        "/api/customers/", {"name": "X", "owner": org["manager2"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]
    assert not Customer.objects.filter(name="X").exists()


def test_dictionary_of_the_wrong_kind_is_refused(org, api):
    region = DictionaryEntry.objects.filter(kind="region").first()
    response = api("manager1").post(
        "/api/customers/", {"name": "X", "level": region.pk}, format="json"
    )
    assert response.status_code == 400
    assert "level" in response.json()["error"]["fields"]


def test_service_validation_reaches_the_field(org, api):
    response = api("manager1").post(
        "/api/customers/", {"name": "X", "satisfaction": 9}, format="json"
    )
    assert response.status_code == 400
    assert "satisfaction" in response.json()["error"]["fields"]


def test_executive_is_read_only(org, customers, api):
    client = api("exec")
    customer = customers["manager1"]
    url = f"/api/customers/{customer.pk}/"
    assert client.get(url).status_code == 200
    response = client.post("/api/customers/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert client.patch(url, {"name": "Y"}, format="json", HTTP_IF_MATCH='"1"').status_code == 403
    assert client.delete(url).status_code == 403
    customer.refresh_from_db()
    assert customer.version == 1 and not customer.is_deleted


def test_writes_outside_scope_are_404(org, customers, api):
    client = api("manager1")
    url = f"/api/customers/{customers['manager2'].pk}/"
    assert client.patch(url, {"name": "Y"}, format="json", HTTP_IF_MATCH='"1"').status_code == 404
    assert client.delete(url).status_code == 404
    assert Customer.objects.get(pk=customers["manager2"].pk).version == 1


def test_supervisor_edits_a_team_members_customer(org, customers, api):
    url = f"/api/customers/{customers['manager2'].pk}/"
    response = api("supervisor").patch(
        url, {"phone": "021-5555 6666"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+862155556666"


def test_delete_moves_to_recycle_bin(org, customers, api):
    customer = customers["manager1"]
    client = api("manager1")
    assert client.delete(f"/api/customers/{customer.pk}/").status_code == 204
    assert Customer.all_objects.get(pk=customer.pk).is_deleted
    assert client.get(f"/api/customers/{customer.pk}/").status_code == 404


def test_assistant_cannot_delete(org, customers, api):
    url = f"/api/customers/{customers['manager1'].pk}/"
    assert api("assistant").delete(url).status_code == 403


# --- contacts ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_contacts_follow_the_customer_scope(org, customers, api, username):
    rows = api(username).get("/api/contacts/", {"page_size": 50}).json()["results"]
    owners = {
        Customer.objects.get(pk=row["customer"]).owner.username
        if Customer.objects.get(pk=row["customer"]).owner
        else None
        for row in rows
    }
    assert owners == EXPECTED_OWNERS[username]


def test_contact_outside_scope_is_404(org, customers, api):
    contact = customers["manager2"].contacts.get()
    assert api("manager1").get(f"/api/contacts/{contact.pk}/").status_code == 404
    assert api("supervisor").get(f"/api/contacts/{contact.pk}/").status_code == 200


def test_create_contact_only_for_a_visible_customer(org, customers, api):
    client = api("manager1")
    mine = client.post(
        "/api/contacts/",
        {"customer": customers["manager1"].pk, "name": "李四", "is_primary": True},
        format="json",
    )
    assert mine.status_code == 201, mine.json()
    assert mine.json()["is_primary"] is True
    # The earlier primary contact gave way: still exactly one primary.
    assert Contact.objects.filter(customer=customers["manager1"], is_primary=True).count() == 1
    other = client.post(
        "/api/contacts/", {"customer": customers["manager2"].pk, "name": "王五"}, format="json"
    )
    assert other.status_code == 400
    assert "customer" in other.json()["error"]["fields"]


def test_contact_update_and_delete(org, customers, api):
    contact = customers["manager1"].contacts.get()
    client = api("manager1")
    url = f"/api/contacts/{contact.pk}/"
    response = client.patch(url, {"title": "经理", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "经理"
    assert client.patch(url, {"title": "总监", "version": 1}, format="json").status_code == 409
    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert Contact.all_objects.get(pk=contact.pk).is_deleted


def test_contact_full_update_with_put_keeps_its_customer(org, customers, api):
    contact = customers["manager1"].contacts.get()
    body = api("manager1").get(f"/api/contacts/{contact.pk}/").json()
    body.update(title="总监", customer=customers["manager2"].pk)
    response = api("manager1").put(f"/api/contacts/{contact.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert contact.title == "总监"
    assert contact.customer == customers["manager1"]


def test_contact_filter_by_customer(org, customers, api):
    ContactFactory(customer=customers["manager1"])
    rows = api("admin").get("/api/contacts/", {"customer": customers["manager1"].pk}).json()
    assert rows["count"] == 2


def test_contact_list_queries_are_constant(org, api, django_assert_max_num_queries):
    customer = CustomerFactory(owner=org["manager1"])
    ContactFactory.create_batch(30, customer=customer)
    client = api("supervisor")
    # One more on PostgreSQL: the planner's estimate decides whether the list is counted.
    with django_assert_max_num_queries(9):
        response = client.get("/api/contacts/", {"page_size": 50})
    assert response.json()["count"] == 30


# --- dictionaries -----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["assistant", "manager1", "exec"])
def test_everyone_reads_dictionaries_filtered_by_kind(org, api, username):
    response = api(username).get("/api/dictionaries/", {"kind": "region", "page_size": 200})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and {row["kind"] for row in rows} == {"region"}
    assert rows[0]["label"]


def test_dictionary_list_queries_are_constant(org, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = api("manager1").get("/api/dictionaries/", {"page_size": 200})
    assert response.json()["count"] >= 30


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
def test_only_administrators_write_dictionaries(org, api, username):
    entry = DictionaryEntry.objects.filter(kind="region").first()
    client = api(username)
    payload = {"kind": "region", "code": "mars", "name_zh": "火星", "name_en": "Mars"}
    assert client.post("/api/dictionaries/", payload, format="json").status_code == 403
    response = client.patch(
        f"/api/dictionaries/{entry.pk}/", {"name_en": "X"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403


def test_admin_adds_and_retires_a_dictionary_entry(org, api):
    client = api("admin")
    payload = {"kind": "region", "code": "mars", "name_zh": "火星", "name_en": "Mars"}
    created = client.post("/api/dictionaries/", payload, format="json")
    assert created.status_code == 201, created.json()
    duplicate = client.post("/api/dictionaries/", payload, format="json")
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()["error"]["fields"]
    url = f"/api/dictionaries/{created.json()['id']}/"
    retired = client.patch(
        url, {"is_active": False}, format="json", HTTP_IF_MATCH=created.headers["ETag"]
    )
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert client.delete(url).status_code == 405


# --- registration fields, tags, completeness ---------------------------------------------------


def test_the_api_reads_and_writes_every_spec_field(org, api):
    client = api("manager1")
    response = client.post(
        "/api/customers/",
        {
            "name": "深圳卓越电子有限公司",
            "postcode": "518000",
            "fax": "0755-12345678",
            "business_licence_no": "91440300ma5abcdefw",
            "legal_representative": "赵六",
            "registered_capital": "1000000.00",
            "annual_revenue": "2500000.50",
            "bank": "中国银行",
            "bank_account": "6217 0000 1111 2220",
            "tax_id": "91440300MA5ABCDEFW",
            "tags": ["VIP", "华南", "vip"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["business_licence_no"] == "91440300MA5ABCDEFW"
    assert body["registered_capital"] == "1000000.00"
    assert body["annual_revenue"] == "2500000.50"
    assert body["tags"] == ["vip", "华南"]
    assert body["completeness"] == 50  # 8 of the 16 key fields
    assert "search_text" not in body and "name_key" not in body
    customer = Customer.objects.get(pk=body["id"])
    patched = client.patch(
        f"/api/customers/{customer.pk}/",
        {"tags": [], "version": customer.version},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["tags"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_id", "bad-id"),
        ("registered_capital", "-5"),
        ("postcode", "12"),
        ("phone", "not a phone"),
        ("tags", "vip"),
    ],
)
def test_bad_values_answer_400_naming_the_field(org, api, field, value):
    response = api("manager1").post(
        "/api/customers/", {"name": "坏数据公司", field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Customer.objects.filter(name="坏数据公司").exists()


def test_contact_changes_over_the_api_update_the_search(org, customers, api):
    client = api("manager1")
    customer = customers["manager1"]
    created = client.post(
        "/api/contacts/", {"customer": customer.pk, "name": "欧阳娜"}, format="json"
    ).json()
    assert [
        row["id"] for row in client.get("/api/customers/", {"search": "ouyangna"}).json()["results"]
    ] == [customer.pk]
    response = client.patch(
        f"/api/contacts/{created['id']}/",
        {"name": "孙磊", "version": created["version"]},
        format="json",
    )
    assert response.status_code == 200
    assert client.get("/api/customers/", {"search": "ouyangna"}).json()["results"] == []
    assert client.get("/api/customers/", {"search": "sl"}).json()["results"]


def test_the_api_filters_by_tag(org, api):
    tagged = CustomerFactory(owner=org["manager1"], tags=",vip,华东,")
    CustomerFactory(owner=org["manager1"], tags=",vipp,")
    rows = api("manager1").get("/api/customers/", {"tag": "VIP"}).json()["results"]
    assert [row["id"] for row in rows] == [tagged.pk]
    assert rows[0]["tags"] == ["vip", "华东"]


@pytest.mark.parametrize("tags", [["a\x00b"], ["a\x07b"], ["x" * 31]])
def test_bad_tags_answer_400(org, api, tags):
    response = api("manager1").post(
        "/api/customers/", {"name": "坏标签公司", "tags": tags}, format="json"
    )
    assert response.status_code == 400
    assert any(name.startswith("tags") for name in response.json()["error"]["fields"])
    assert not Customer.objects.filter(name="坏标签公司").exists()


def test_a_comma_inside_a_tag_makes_two_tags(org, api):
    body = (
        api("manager1")
        .post("/api/customers/", {"name": "逗号公司", "tags": ["a,b", "c"]}, format="json")
        .json()
    )
    assert body["tags"] == ["a", "b", "c"]
