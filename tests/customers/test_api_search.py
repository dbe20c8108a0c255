"""``GET /api/customers/search/?q=``: compact, scoped, limited results; errors name ``q``."""

import pytest
from rest_framework.test import APIClient

from guanxi.customers.services import customers as services

URL = "/api/customers/search/"


@pytest.fixture
def zhang(org):
    customer = services.customer_create(
        actor=org["manager1"], name="北京恒通科技有限公司", phone="13800138000"
    )
    services.contact_create(actor=org["manager1"], customer=customer, name="王芳")
    services.contact_create(actor=org["manager1"], customer=customer, name="张伟明")
    return customer


def test_results_are_compact_and_name_the_contact_found(org, api, zhang):
    response = api("manager1").get(URL, {"q": "zw"})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "results": [
            {
                "id": zhang.pk,
                "code": zhang.code,
                "name": "北京恒通科技有限公司",
                "owner": org["manager1"].pk,
                "owner_name": str(org["manager1"]),
                "phone": "+8613800138000",
                "status": "active",
                "credit_status": "normal",
                "matched_contact": "张伟明",
            }
        ],
        "more": False,
    }


def test_a_match_on_the_customer_itself_names_no_contact(org, api, zhang):
    rows = api("manager1").get(URL, {"q": "hengtong"}).json()["results"]
    assert [(row["id"], row["matched_contact"]) for row in rows] == [(zhang.pk, None)]


@pytest.mark.parametrize("term", ["恒通", "ＨＥＮＧＴＯＮＧ", "bjhtkj", "13800138000", "张伟"])
def test_the_same_rule_as_the_list(org, api, zhang, term):
    rows = api("manager1").get(URL, {"q": term}).json()["results"]
    assert [row["id"] for row in rows] == [zhang.pk]


def test_results_stay_within_scope(org, api, zhang):
    assert api("manager2").get(URL, {"q": "zw"}).json() == {"results": [], "more": False}
    assert [row["id"] for row in api("exec").get(URL, {"q": "zw"}).json()["results"]] == [zhang.pk]


def test_results_are_limited_newest_first_and_say_there_are_more(org, api):
    made = [
        services.customer_create(actor=org["manager1"], name=f"张伟商店{index}")
        for index in range(4)
    ]
    body = api("manager1").get(URL, {"q": "张伟", "limit": 3}).json()
    assert [row["id"] for row in body["results"]] == [c.pk for c in reversed(made)][:3]
    assert body["more"] is True
    assert api("manager1").get(URL, {"q": "张伟", "limit": 4}).json()["more"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "张"}, "q"),
        ({"q": " ｚ "}, "q"),  # one character after trimming
        ({"q": "z|"}, "q"),  # one character after folding
        ({"q": "a" * 201}, "q"),
        ({"q": "ab\x00"}, "q"),
        ({"q": "zw", "limit": 0}, "limit"),
        ({"q": "zw", "limit": 51}, "limit"),
        ({"q": "zw", "limit": "many"}, "limit"),
    ],
)
def test_bad_input_answers_400_naming_the_field(org, api, params, field):
    response = api("manager1").get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_error_says_what_is_wrong(org, api):
    org["manager1"].language = "en"
    org["manager1"].save(update_fields=["language"])
    response = api("manager1").get(URL, {"q": "z|"})  # one character once folded
    assert response.json()["error"]["fields"]["q"] == [
        "Enter at least two characters to search for."
    ]


def test_signing_in_and_the_view_right_are_needed(org):
    from guanxi.accounts.models import User

    assert APIClient().get(URL, {"q": "zw"}).status_code == 401
    client = APIClient()
    client.force_authenticate(User.objects.create(username="norights"))
    assert client.get(URL, {"q": "zw"}).status_code == 403


def test_the_query_count_does_not_grow_with_the_results(org, api, django_assert_max_num_queries):
    for index in range(2):
        customer = services.customer_create(actor=org["manager1"], name=f"恒通{index}")
        services.contact_create(actor=org["manager1"], customer=customer, name="张伟")
    with django_assert_max_num_queries(10) as few:
        api("manager1").get(URL, {"q": "zw"})
    for index in range(10):
        customer = services.customer_create(actor=org["manager1"], name=f"恒达{index}")
        services.contact_create(actor=org["manager1"], customer=customer, name="张伟")
    with django_assert_max_num_queries(10) as many:
        body = api("manager1").get(URL, {"q": "zw"}).json()
    assert len(body["results"]) == 12
    assert {row["matched_contact"] for row in body["results"]} == {"张伟"}
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_endpoint_is_in_the_schema(openapi_schema):
    # The schema's validity is checked once, in tests/core/test_api_schema.py.
    assert openapi_schema["paths"]["/api/customers/search/"]["get"]["operationId"] == (
        "customers_search"
    )
