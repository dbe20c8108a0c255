"""Field protection in the API: customer and contact detail, list, search, and writes."""

import pytest
from django.contrib.auth.models import Group

from guanxi.customers.models import Contact, Customer
from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

PHONE = "13812348000"
TAX_ID = "91310000MA1FL4XQ7N"


def add_rule(org, field: str, role: str, mode: str) -> None:
    field_rule_create(actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode)


@pytest.fixture
def customer(org):
    customer = CustomerFactory(
        owner=org["manager1"],
        name="甲乙科技",
        phone=PHONE,
        email="zhangwei@example.com",
        tax_id=TAX_ID,
    )
    ContactFactory(
        customer=customer,
        is_primary=True,
        mobile="13912345678",
        office_phone="021-51234567",
        email="wangfang@example.com",
    )
    return customer


@pytest.fixture
def rules(org):
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    add_rule(org, "contact.mobile", "account_manager", "masked")
    add_rule(org, "contact.email", "account_manager", "hidden")


def test_customer_detail_is_masked_and_hidden_fields_are_left_out(org, api, customer, rules):
    body = api("manager1").get(f"/api/customers/{customer.pk}/").json()
    assert body["phone"] == "138****8000"
    assert "tax_id" not in body
    assert body["email"] == "zhangwei@example.com", "not protected for this role"
    full = api("supervisor").get(f"/api/customers/{customer.pk}/").json()
    assert full["phone"] == PHONE and full["tax_id"] == TAX_ID


def test_customer_list_and_search_show_the_mask(org, api, customer, rules):
    client = api("manager1")
    for params in [{}, {"search": "甲乙"}]:
        rows = client.get("/api/customers/", params).json()["results"]
        (row,) = [row for row in rows if row["id"] == customer.pk]
        assert row["phone"] == "138****8000" and "tax_id" not in row, params
    found = client.get("/api/customers/", {"search": PHONE}).json()
    assert found["count"] == 0, "a masked number must not be found by its real value"
    assert api("supervisor").get("/api/customers/", {"search": PHONE}).json()["count"] == 1


def test_quick_search_shows_the_mask(org, api, customer, rules):
    (hit,) = api("manager1").get("/api/customers/search/", {"q": "甲乙"}).json()["results"]
    assert hit["id"] == customer.pk and hit["phone"] == "138****8000"
    assert api("manager1").get("/api/customers/search/", {"q": PHONE}).json()["results"] == []
    (hit,) = api("supervisor").get("/api/customers/search/", {"q": "甲乙"}).json()["results"]
    assert hit["phone"] == PHONE


def test_contact_detail_and_list_are_masked(org, api, customer, rules):
    contact = customer.contacts.get()
    client = api("manager1")
    body = client.get(f"/api/contacts/{contact.pk}/").json()
    assert body["mobile"] == "139****5678" and "email" not in body
    assert body["office_phone"] == "021-51234567"
    rows = client.get("/api/contacts/", {"customer": customer.pk}).json()["results"]
    assert rows[0]["mobile"] == "139****5678" and "email" not in rows[0]


def test_sending_back_the_mask_does_not_overwrite_the_customer(org, api, customer, rules):
    client = api("manager1")
    url = f"/api/customers/{customer.pk}/"
    body = client.get(url).json()
    body["name"] = "甲乙科技（新）"
    body["tax_id"] = ""
    response = client.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "138****8000"
    customer.refresh_from_db()
    assert customer.name == "甲乙科技（新）"
    assert customer.phone == PHONE and customer.tax_id == TAX_ID
    patch = client.patch(url, {"phone": "13000000000", "version": customer.version}, format="json")
    assert patch.status_code == 200
    customer.refresh_from_db()
    assert customer.phone == PHONE, "a protected field is read-only for this role"


def test_sending_back_the_mask_does_not_overwrite_the_contact(org, api, customer, rules):
    contact = customer.contacts.get()
    client = api("manager1")
    url = f"/api/contacts/{contact.pk}/"
    body = client.get(url).json()
    body["title"] = "经理"
    # The customer is fixed once created (a PUT with it is refused whatever the rules), so
    # the client sends back everything else it read, the masked mobile included.
    del body["customer"]
    body["email"] = ""
    response = client.patch(url, body, format="json")
    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert contact.title == "经理"
    assert contact.mobile == "13912345678" and contact.email == "wangfang@example.com"


def test_unprotected_roles_still_edit_the_fields(org, api, customer, rules):
    client = api("supervisor")
    response = client.patch(
        f"/api/customers/{customer.pk}/",
        {"phone": "13000000000", "version": customer.version},
        format="json",
    )
    assert response.status_code == 200 and response.json()["phone"] == "+8613000000000"


def test_a_masked_role_may_enter_a_new_customers_phone(org, api, rules):
    response = api("manager1").post(
        "/api/customers/", {"name": "新客户", "phone": "13700001234"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["phone"] == "137****1234"
    assert Customer.objects.get(name="新客户").phone == "+8613700001234"


def test_contacts_created_by_a_masked_role_keep_the_typed_values(org, api, customer, rules):
    response = api("manager1").post(
        "/api/contacts/",
        {"customer": customer.pk, "name": "赵六", "mobile": "13611112222"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["mobile"] == "136****2222"
    assert Contact.objects.get(name="赵六").mobile == "+8613611112222"


def test_the_list_loads_the_rules_once(org, api, rules, django_assert_max_num_queries):
    for _ in range(20):
        CustomerFactory(owner=org["manager1"], phone=PHONE)
    client = api("manager1")
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/api/customers/", {"page_size": 50})
    assert response.json()["count"] == 20
    assert all(row["phone"] == "138****8000" for row in response.json()["results"])
    rule_queries = [q for q in captured.captured_queries if "customers_fieldrule" in q["sql"]]
    assert len(rule_queries) == 1
