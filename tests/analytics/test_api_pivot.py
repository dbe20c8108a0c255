"""``GET /api/reports/pivot/``: the pivot's numbers as JSON, 400 naming a bad parameter, the
OpenAPI description with its enums, scope and a bounded number of queries."""

import pytest

from tests.analytics.fixtures.pivot import Q1

URL = "/api/reports/pivot/"


def test_the_api_gives_cells_and_totals(api, org, pivot_data):
    body = api("exec").get(URL, {**Q1, "rows": "month", "columns": "owner"}).json()
    assert body["rows_dimension"] == "month" and body["columns_dimension"] == "owner"
    assert body["measure"] == "revenue" and body["source"] == "live"
    assert [row["key"] for row in body["rows"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert [row["total"] for row in body["rows"]] == ["150.00", "270.00", "300.00"]
    manager1 = next(c for c in body["columns"] if c["key"] == str(org["manager1"].pk))
    assert manager1["total"] == "300.00"
    index = body["columns"].index(manager1)
    assert body["rows"][0]["cells"][index] == "100.00"
    assert body["total"] == "720.00" and body["as_of"]


def test_the_api_is_scoped(api, org, pivot_data):
    body = api("manager1").get(URL, {**Q1, "rows": "owner", "measure": "orders"}).json()
    assert [(row["key"], row["total"]) for row in body["rows"]] == [
        (str(org["manager1"].pk), "2.00")
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"rows": "colour"}, "rows"),
        ({"columns": "colour"}, "columns"),
        ({"measure": "profit"}, "measure"),
        ({"rows": "service_type", "measure": "revenue"}, "rows"),
        ({"rows": "month", "columns": "category", "measure": "satisfaction"}, "columns"),
        ({"date_from": "2026-13-01"}, "date_from"),
    ],
)
def test_bad_parameters_answer_400_naming_them(api, org, query, field):
    response = api("exec", language="en").get(URL, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_meaningless_combination_is_explained(api, org):
    response = api("exec", language="en").get(URL, {"rows": "service_type", "measure": "revenue"})
    assert "Revenue cannot be broken down by Service type." in str(response.json())


def test_without_the_reports_right_403(api, org):
    assert api("assistant").get(URL).status_code == 403
    assert api().get(URL).status_code == 401


def test_the_schema_documents_the_enums(openapi_schema):
    operation = openapi_schema["paths"][URL]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert "service_type" in parameters["rows"]["schema"]["enum"]
    assert "category" in parameters["columns"]["schema"]["enum"]
    assert set(parameters["measure"]["schema"]["enum"]) == {
        "revenue",
        "orders",
        "customers",
        "lines",
        "requests",
        "satisfaction",
    }
    assert "400" in operation["responses"]


def test_the_api_takes_a_bounded_number_of_queries(
    api, org, pivot_data, django_assert_max_num_queries
):
    client = api("exec")
    client.get(URL, {**Q1, "rows": "region"})  # session, rights
    with django_assert_max_num_queries(12):
        response = client.get(
            URL, {**Q1, "rows": "month", "columns": "owner", "measure": "customers", "team": ""}
        )
    assert response.status_code == 200
