"""GET /api/analytics/recommendations/ and the product-associations report (API and page),
against the OpenAPI schema, with rights, scope and query counts; the fragments that show
the recommendations on the product page, the 360 page and the quote form."""

import copy

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.analytics.models import ModelRun
from tests.analytics.fixtures.associations import buy
from tests.customers.fixtures.customers import CustomerFactory

URL = "/api/analytics/recommendations/"


def _nullable(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema's null type, for jsonschema."""
    if isinstance(node, dict):
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _nullable(value)
    elif isinstance(node, list):
        for value in node:
            _nullable(value)
    return node


def assert_matches_schema(openapi_schema, path, body):
    document = _nullable(copy.deepcopy(openapi_schema))
    response = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = {**response["schema"], "components": document["components"]}
    jsonschema.validate(body, schema)


@pytest.fixture
def customer(org, shelf, stored_rules):
    """manager1's customer who bought C and D (rules: C → A, D → B, C → E inactive…)."""
    made = CustomerFactory(owner=org["manager1"])
    buy(org["manager1"], made, shelf, "CD")
    ModelRun.objects.create(
        kind=ModelRun.Kind.ASSOCIATIONS,
        company_wide=True,
        status=ModelRun.Status.DONE,
        finished_at=timezone.now(),
    )
    return made


def test_recommendations_api_answers_products_with_score_and_rules(
    api, customer, shelf, openapi_schema
):
    response = api("manager1").get(URL, {"customer": customer.pk})
    assert response.status_code == 200
    body = response.json()
    assert_matches_schema(openapi_schema, URL, body)
    assert body["customer"] == customer.pk and body["as_of"]
    assert [(row["product"], row["score"]) for row in body["results"]] == [
        (shelf["A"].pk, "1.2500"),
        (shelf["B"].pk, "1.2500"),
    ]
    assert body["results"][0]["rules"][0] == {
        "antecedent": shelf["C"].pk,
        "antecedent_name": "产品C M-C",
        "support": "0.400000",
        "confidence": "1.000000",
        "lift": "1.2500",
        "baskets": 2,
    }


@pytest.mark.parametrize("query", [{}, {"customer": "abc"}, {"customer": "0"}, {"customer": ""}])
def test_a_missing_or_malformed_customer_is_a_400_naming_it(api, org, query):
    response = api("manager1", language="en").get(URL, query)
    assert response.status_code == 400
    assert "customer" in response.json()["error"]["fields"]


def test_a_customer_out_of_scope_is_a_404_and_the_right_is_needed(api, customer):
    assert api("manager2").get(URL, {"customer": customer.pk}).status_code == 404
    assert api("manager1").get(URL, {"customer": 2**62}).status_code == 404
    assert api("assistant").get(URL, {"customer": customer.pk}).status_code == 403
    assert api().get(URL, {"customer": customer.pk}).status_code == 401


def test_recommendations_api_query_count(api, customer, django_assert_max_num_queries):
    client = api("exec")
    client.get(URL, {"customer": customer.pk})  # the user's rights read once
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"customer": customer.pk}).status_code == 200


def test_recommendations_are_in_the_schema(openapi_schema):
    operation = openapi_schema["paths"][URL]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["customer"]["required"]
    assert {"200", "400", "404"} <= set(operation["responses"])


# -- the product-associations report --------------------------------------------------------


def test_the_report_lists_rules_with_names_and_figures(api, customer, shelf, openapi_schema):
    path = "/api/reports/product-associations/"
    body = api("manager1").get(path).json()
    assert_matches_schema(openapi_schema, path, body)
    assert body["summary"]["rules"] == 7 and body["as_of"]
    first = body["rules"][0]
    # C → E: lift 5, the strongest (the report lists inactive products' rules too).
    assert (first["antecedent_name"], first["consequent_name"], first["lift"]) == (
        "产品C M-C",
        "产品E M-E",
        "5.00",
    )
    top = body["rules"][1]
    assert (top["support"], top["confidence"], top["baskets"]) == ("40.00", "100.00", 2)
    lifted = api("manager1").get(path, {"min_lift": "1"}).json()
    assert lifted["summary"]["rules"] == 5
    tools = api("manager1").get(path, {"category": shelf["tools"].pk}).json()
    # Rules with A or B on either side: all but C → E.
    assert tools["summary"]["rules"] == 6
    bought_a = api("manager1").get(path, {"product": shelf["A"].pk}).json()
    assert [row["consequent_name"] for row in bought_a["rules"]] == ["产品C M-C"]
    bad = api("manager1", language="en").get(path, {"min_lift": "much"})
    assert bad.status_code == 400 and "min_lift" in bad.json()["error"]["fields"]


def test_the_report_page_shows_the_rules(login, customer, english):
    response = login("manager1").get(reverse("analytics:report", args=["product-associations"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "产品C M-C" in text and 'data-testid="report-as-of"' in text


# -- the fragments ---------------------------------------------------------------------------


def test_the_product_page_loads_its_also_bought_lazily(
    login, customer, shelf, django_assert_max_num_queries
):
    client = login("manager1")
    page = reverse("sales:product_detail", args=[shelf["C"].pk])
    fragment = reverse("analytics:product_also_bought", args=[shelf["C"].pk])
    client.get(page)
    with django_assert_max_num_queries(12):
        text = client.get(page).content.decode()
    assert f'hx-get="{fragment}"' in text
    with django_assert_max_num_queries(6):
        response = client.get(fragment)
    rows = response.content.decode().split('data-testid="also-bought-row"')[1:]
    assert len(rows) == 2 and "产品A" in rows[0] and "产品E" not in response.content.decode()
    # Without the reports' right: neither the section nor the fragment.
    assistant = login("assistant")
    if assistant.get(page).status_code == 200:
        assert fragment not in assistant.get(page).content.decode()
    assert assistant.get(fragment).status_code == 403


def test_the_360_page_and_the_quote_form_load_the_customer_recommendations(
    login, org, customer, django_assert_max_num_queries
):
    client = login("manager1")
    fragment = reverse("analytics:customer_recommendations", args=[customer.pk])
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f'hx-get="{fragment}"' in page
    # Session, user, rights (2), scope, customer, scores, rules behind them, as-of.
    with django_assert_max_num_queries(9):
        text = client.get(fragment).content.decode()
    assert text.count('data-testid="recommendation"') == 2
    assert "recommendation-add" not in text
    quote = client.get(reverse("sales:quote_create")).content.decode()
    assert 'data-testid="quote-recommendations"' in quote
    chosen = reverse("analytics:quote_recommendations")
    text = client.get(chosen, {"customer": customer.pk, "for": "quote"}).content.decode()
    assert text.count('data-testid="recommendation-add"') == 2
    assert "recommendations-no-customer" in client.get(chosen, {"for": "quote"}).content.decode()
    # Out of scope: 404.
    assert login("manager2").get(fragment).status_code == 404
    assert login("manager2").get(chosen, {"customer": customer.pk}).status_code == 404
