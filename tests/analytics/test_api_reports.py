"""The report API: the same numbers as the pages as JSON, 400 naming a bad filter, rights,
scope, the schema, query counts and the report cache."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.analytics.framework import reports
from tests.analytics.fixtures.reports import D, order
from tests.customers.fixtures.customers import CustomerFactory

SLUGS = [report.slug for report in reports()]
YEAR = "date_from=2026-01-01&date_to=2026-12-31"


def _url(slug, query=YEAR):
    return f"{reverse('analytics:report', args=[slug])}?{query}"


# -- API ---------------------------------------------------------------------------------------


def test_api_returns_the_page_numbers(api, login, data):
    body = api("exec").get(f"/api/reports/customer-contribution/?{YEAR}").json()
    page = login("exec").get(_url("customer-contribution")).context["data"]
    assert [row["amount"] for row in body["rows"]] == [str(r["amount"]) for r in page["rows"]]
    assert body["rows"][0]["customer"] == data[0].pk
    assert body["summary"]["amount"] == "457.00"
    assert body["date_from"] == "2026-01-01"


def test_api_zero_denominators_are_null(api, org):
    body = api("exec").get("/api/reports/customer-pyramid/?preset=last_year").json()
    assert body["summary"]["top_20_share"] is None
    assert {tier["share"] for tier in body["tiers"]} == {None}


@pytest.mark.parametrize("slug", SLUGS)
def test_api_of_each_report_is_scoped(api, data, slug):
    response = api("manager3").get(f"/api/reports/{slug}/?{YEAR}")
    assert response.status_code == 200
    assert set(response.json()) >= {"date_from", "date_to", "summary"}


def test_api_scope_per_role(api, data):
    names = {
        user: [
            r["name"]
            for r in api(user).get(f"/api/reports/customer-contribution/?{YEAR}").json()["rows"]
        ]
        for user in ("manager1", "manager3", "exec")
    }
    assert names["manager1"] == ["客户300.00", "客户100.00"]
    assert names["manager3"] == ["客户50.00"]
    assert len(names["exec"]) == 3


def test_api_bad_filters_answer_400_naming_them(api, org):
    response = api("exec", language="en").get(
        "/api/reports/sales-trend/?date_from=2026-05-01&date_to=2026-01-01"
    )
    assert response.status_code == 400
    assert "date_to" in response.json()["error"]["fields"]
    response = api("exec").get("/api/reports/customer-composition/?by=colour")
    assert response.status_code == 400
    assert "by" in response.json()["error"]["fields"]
    response = api("manager1").get(f"/api/reports/churn/?owner={org['manager3'].pk}")
    assert response.status_code == 400


def test_api_needs_the_right(api, org):
    assert api("assistant").get("/api/reports/churn/").status_code == 403
    assert api().get("/api/reports/churn/").status_code == 401


def test_api_reports_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    for slug in SLUGS:
        operation = schema["paths"][f"/api/reports/{slug}/"]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        # The stored model scores (RFM, purchase cycle, CLV), the nightly association
        # rules and the forecast (months ahead) have no period to choose.
        dateless = {
            "customer-composition",
            "rfm",
            "purchase-cycle",
            "clv",
            "product-associations",
            "forecast",
        }
        assert {"date_from", "date_to", "preset"} <= names or slug in dateless
        assert "400" in operation["responses"]
    trend = schema["paths"]["/api/reports/sales-trend/"]["get"]
    assert {"granularity", "product", "category", "owner", "team"} <= {
        parameter["name"] for parameter in trend["parameters"]
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_api_query_count(api, data, slug, no_cache, django_assert_max_num_queries):
    client = api("exec")
    with django_assert_max_num_queries(14):
        assert client.get(f"/api/reports/{slug}/?{YEAR}").status_code == 200


def test_json_figure_is_plain_data(login, data):
    response = login("exec").get(_url("sales-trend"))
    json.dumps(response.context["figure"])  # nothing but JSON types
    assert Decimal(str(response.context["figure"]["data"][0]["y"][2])) == Decimal("457.0")


def test_a_report_asked_again_is_served_from_the_cache(login, data, org, english):
    client = login("exec")
    first = client.get(_url("customer-contribution"))
    assert 'data-testid="report-as-of"' in first.content.decode()
    newcomer = CustomerFactory(owner=org["manager1"], name="新客户")
    order(newcomer, D(2026, 3, 1), "9999.00")
    again = client.get(_url("customer-contribution"))
    assert again.context["data"] == first.context["data"]  # same figures, same as-of time
    other_filter = client.get(_url("customer-contribution", YEAR + "&limit=5"))
    assert other_filter.context["data"]["rows"][0]["name"] == "新客户"
    # Someone with another scope never gets the executive's entry.
    mine = login("manager3").get(_url("customer-contribution")).context["data"]
    assert [row["name"] for row in mine["rows"]] == ["客户50.00"]


def test_without_the_cache_every_request_recomputes(login, data, org, no_cache):
    client = login("exec")
    client.get(_url("customer-contribution"))
    newcomer = CustomerFactory(owner=org["manager1"], name="新客户")
    order(newcomer, D(2026, 3, 1), "9999.00")
    rows = client.get(_url("customer-contribution")).context["data"]["rows"]
    assert rows[0]["name"] == "新客户"
