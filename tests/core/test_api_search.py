"""GET /api/search/?q=: every kind the caller may read, grouped, scoped and masked."""

import pytest
from django.contrib.auth.models import Group

from guanxi.customers.services.field_rules import field_rule_create
from tests.core.fixtures.search import records_of_zhang

URL = "/api/search/"
KINDS = [
    "customer",
    "contact",
    "lead",
    "opportunity",
    "deal",
    "quote",
    "order",
    "contract",
    "service_request",
]


@pytest.fixture
def zhang(org, products):
    return records_of_zhang(org, products)


def groups(response) -> dict:
    assert response.status_code == 200, response.content
    return {group["kind"]: group for group in response.json()["groups"]}


# Every kind is found by the Chinese term and by its pinyin and initials, through its own keys
# (customers, contacts, leads) or its customer's.
@pytest.mark.parametrize(("term", "kinds"), [("张伟", KINDS), ("zhangwei", KINDS), ("zw", KINDS)])
def test_every_kind_is_found_and_grouped_in_order(api, zhang, term, kinds):
    found = groups(api("manager1", language="en").get(URL, {"q": term}))
    assert list(found) == kinds
    for kind in kinds:
        ids = [hit["id"] for hit in found[kind]["results"]]
        assert zhang[kind].pk in ids, kind


def test_a_hit_has_id_kind_title_subtitle_and_url(api, zhang):
    body = api("manager1", language="en").get(URL, {"q": "张伟贸易"}).json()
    assert body["q"] == "张伟贸易"
    customer = next(group for group in body["groups"] if group["kind"] == "customer")
    assert customer["kind_label"] == "Customers"
    assert customer["more"] is False
    assert customer["list_url"].startswith("/customers/?q=")
    [hit] = customer["results"]
    assert hit == {
        "id": zhang["customer"].pk,
        "kind": "customer",
        "kind_label": "Customer",
        "title": "张伟贸易",
        "subtitle": hit["subtitle"],
        "url": f"/customers/{zhang['customer'].pk}/",
    }
    assert hit["subtitle"].startswith(zhang["customer"].code)


def test_limit_caps_each_group_and_says_there_is_more(api, org, products):
    for index in range(3):
        records_of_zhang(org, products, name=f"张伟贸易{index}")
    found = groups(api("manager1").get(URL, {"q": "zwmy", "limit": 2}))
    assert len(found["customer"]["results"]) == 2
    assert found["customer"]["more"] is True
    assert found["order"]["more"] is True


def test_another_teams_records_are_not_found_by_a_manager(api, org, products):
    records_of_zhang(org, products, owner="manager3", name="北方张伟")
    assert groups(api("manager1").get(URL, {"q": "北方张伟"})) == {}
    assert set(groups(api("supervisor2").get(URL, {"q": "北方张伟"}))) >= {"customer", "order"}


def test_a_masked_phone_finds_nothing_by_its_digits(api, org, products):
    zhang = records_of_zhang(org, products, phone="+8613812348000")
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    client = api("manager1")
    for term in ["13812348000", "138123", "8000"]:
        assert groups(client.get(URL, {"q": term})) == {}, term
    [hit] = groups(client.get(URL, {"q": "张伟贸易"}))["customer"]["results"]
    assert "138****8000" in hit["subtitle"]
    [full] = groups(api("supervisor").get(URL, {"q": "13812348000"}))["customer"]["results"]
    assert full["id"] == zhang["customer"].pk
    assert "138 1234 8000" in full["subtitle"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "This field is required."),
        ({"q": ""}, "Enter at least 2 characters to search for."),
        ({"q": "   "}, "Enter at least 2 characters to search for."),
        ({"q": "a"}, "Enter at least 2 characters to search for."),
        ({"q": "长" * 101}, "Enter at most 100 characters to search for."),
        ({"q": "ab\x07c"}, "Enter a search term without control characters."),
        ({"q": "ab\x00c"}, "Null characters are not allowed."),
    ],
)
def test_a_term_that_cannot_be_searched_is_a_400_naming_q(api, english, params, message):
    response = api("manager1").get(URL, params)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"] == [message]


def test_limit_out_of_range_is_a_400(api, english):
    response = api("manager1").get(URL, {"q": "zw", "limit": 21})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]


def test_anonymous_callers_are_refused(api):
    assert api().get(URL, {"q": "zw"}).status_code in {401, 403}


def test_kinds_without_the_right_to_read_them_are_left_out(api, org, zhang):
    # A user without any right finds nothing at all; the executive reads every kind.
    nobody = type(org["manager1"]).objects.create_user("nobody", password="pw")
    client = api()
    client.force_authenticate(nobody)
    assert groups(client.get(URL, {"q": "zhangwei"})) == {}
    assert set(groups(api("exec").get(URL, {"q": "张伟"}))) == set(KINDS)


def test_query_count_is_one_per_kind_whatever_the_matches(
    api, org, products, django_assert_max_num_queries
):
    for index in range(6):
        records_of_zhang(org, products, name=f"张伟贸易{index}")
    client = api("manager1")
    # One query per kind (9); the user's rights (2), supported managers (1), field rules (1).
    with django_assert_max_num_queries(13):
        found = groups(client.get(URL, {"q": "zhangwei", "limit": 20}))
    assert list(found) == KINDS
    assert len(found["order"]["results"]) == 6
