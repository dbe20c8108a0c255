"""省/市/区县 over the API: written by code, read as code and name, checked (400 naming the
field), and the list filtered by province, city and region without a query per row."""

import pytest
from django.db import connection

from guanxi.core.models import DictionaryEntry, Division
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def division(code: str) -> Division:
    return Division.objects.get(pk=code)


def test_a_customer_is_created_by_codes_and_read_with_names(org, api):
    response = api("manager1").post(
        "/api/customers/",
        {"name": "太原客户", "province": "140000", "city": "140100", "district": "140105"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["province"], body["city"], body["district"]) == ("140000", "140100", "140105")
    assert (body["province_name"], body["city_name"], body["district_name"]) == (
        "山西省",
        "太原市",
        "小店区",
    )
    north = DictionaryEntry.objects.get(kind="region", code="north")
    assert body["region"] == north.pk


def test_a_city_outside_the_province_is_a_400_on_the_city(org, api):
    response = api("manager1").post(
        "/api/customers/",
        {"name": "错位客户", "province": "130000", "city": "140100"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"city"}


@pytest.mark.parametrize(
    ("field", "code"), [("province", "140100"), ("city", "999999"), ("district", "140000")]
)
def test_an_unknown_or_wrong_level_code_is_a_400_on_its_field(org, api, field, code):
    response = api("manager1").post("/api/customers/", {"name": "客户", field: code}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}


def test_a_contact_takes_a_district_by_code(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    response = api("manager1").post(
        "/api/contacts/",
        {"customer": customer.pk, "name": "王芳", "district": "140105"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["province"], response.json()["city_name"]) == ("140000", "太原市")


def test_the_list_filters_by_province_city_and_region(org, api):
    north = DictionaryEntry.objects.get(kind="region", code="north")
    taiyuan = CustomerFactory(
        owner=org["manager1"], province=division("140000"), city=division("140100"), region=north
    )
    datong = CustomerFactory(
        owner=org["manager1"], province=division("140000"), city=division("140200"), region=north
    )
    CustomerFactory(owner=org["manager1"], province=division("440000"), city=division("440100"))
    client = api("manager1")

    def ids(**params):
        return {row["id"] for row in client.get("/api/customers/", params).json()["results"]}

    assert ids(province="140000") == {taiyuan.pk, datong.pk}
    assert ids(province="140000", city="140100") == {taiyuan.pk}
    assert ids(region=north.pk) == {taiyuan.pk, datong.pk}


def test_the_list_with_divisions_needs_a_constant_number_of_queries(
    org, api, django_assert_max_num_queries
):
    for code in ("140000", "440000", "110000"):
        CustomerFactory.create_batch(10, owner=org["manager1"], province=division(code))
    client = api("manager1")
    with django_assert_max_num_queries(9):
        response = client.get("/api/customers/", {"page_size": 50})
    assert response.json()["count"] == 30
    assert {row["province_name"] for row in response.json()["results"]} == {
        "山西省",
        "广东省",
        "北京市",
    }


def test_the_contact_list_with_divisions_needs_a_constant_number_of_queries(
    org, api, django_assert_max_num_queries
):
    customer = CustomerFactory(owner=org["manager1"])
    ContactFactory.create_batch(
        20, customer=customer, province=division("140000"), city=division("140100")
    )
    # PostgreSQL first asks its planner for an estimate of the count: one query more.
    with django_assert_max_num_queries(9 + (connection.vendor == "postgresql")):
        response = api("supervisor").get("/api/contacts/", {"page_size": 50})
    assert response.json()["count"] == 20


def test_a_division_code_that_is_no_code_is_refused_naming_the_field(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    response = api("manager1").patch(
        f"/api/customers/{customer.pk}/", {"province": "\u0000\u001f"}, format="json"
    )
    assert response.status_code == 400
    assert "province" in response.json()["error"]["fields"]
