"""The forecast job: the monthly series it builds, who reads which, the report and its API."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.analytics import periods
from guanxi.analytics.models import ModelRun
from guanxi.analytics.services.forecast import last_complete_month
from guanxi.analytics.services.runs import run_request
from tests.analytics.fixtures.reports import order
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue

MONTHS = 8


def _month(months_back: int) -> datetime.date:
    """The 10th of the month ``months_back`` complete months ago (1: last month)."""
    first = last_complete_month(timezone.localdate())
    return periods.add_months(first, 1 - months_back).replace(day=10)


@pytest.fixture
def history(org):
    """Eight months of orders: manager1 (east) 1000 + 10·k with a drill line, manager3 (north)
    500 + 5·k, and this month's order (not complete: never in a series)."""
    products = catalogue()
    east = CustomerFactory(owner=org["manager1"])
    north = CustomerFactory(owner=org["manager3"])
    for back in range(MONTHS, 0, -1):
        k = MONTHS - back
        amount = Decimal(1000 + 10 * k)
        order(east, _month(back), amount, lines=[(products["drill"], amount)])
        order(north, _month(back), Decimal(500 + 5 * k))
    order(east, timezone.localdate(), Decimal("99999"))
    order(north, _month(2), Decimal("777"), status="cancelled")
    return products


@pytest.fixture
def quick_models(monkeypatch):
    """Only ETS(A,N,N) for every series: the tests of scope and pages need a stored run, not
    the whole grid's fits (tens of seconds on a busy machine); the first test fits them all."""
    from guanxi.analytics.intelligence import forecast as fc
    from guanxi.analytics.services import forecast as service

    real = fc.forecast_series
    monkeypatch.setattr(fc, "LIGHT_NON_SEASONAL", fc.NON_SEASONAL[:1])
    monkeypatch.setattr(
        service,
        "forecast_series",
        lambda values, *, start, light: real(values, start=start, light=True),
    )


@pytest.fixture
def company_run(history):
    return run_request(kind=ModelRun.Kind.FORECAST, actor=None, background=False)


def test_the_job_forecasts_the_company_its_teams_categories_and_managers(org, company_run, history):
    assert company_run.status == ModelRun.Status.DONE and company_run.company_wide
    series = company_run.result["series"]
    east, north = org["manager1"].team, org["manager3"].team
    keys = {"all", f"team:{east.pk}", f"team:{north.pk}", f"category:{history['tools'].pk}"}
    keys |= {f"owner:{org['manager1'].pk}", f"owner:{org['manager3'].pk}"}
    assert keys <= set(series)
    company = [point["amount"] for point in series["all"]["history"]]
    assert company == [1500 + 15 * k for k in range(MONTHS)]
    assert [p["amount"] for p in series[f"team:{north.pk}"]["history"]] == [
        500 + 5 * k for k in range(MONTHS)
    ]
    assert [p["amount"] for p in series[f"category:{history['tools'].pk}"]["history"]] == [
        1000 + 10 * k for k in range(MONTHS)
    ]
    first = series["all"]
    assert first["history"][-1]["month"] == company_run.result["until"]
    assert len(first["forecast"]) == 12 and first["model"]["seasonal"] is False
    assert first["backtest"]["benchmark"] == "naive"
    assert company_run.result["timing"]["fitted"] >= len(keys)


def test_the_job_reads_the_orders_in_a_few_grouped_queries(
    history, quick_models, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        run_request(kind=ModelRun.Kind.FORECAST, actor=None, background=False)


def test_too_little_history_is_refused_with_a_reason(org, english):
    customer = CustomerFactory(owner=org["manager1"])
    order(customer, _month(1), Decimal(100))
    run = run_request(
        kind=ModelRun.Kind.FORECAST, actor=None, background=False, params={"language": "en"}
    )
    assert run.status == ModelRun.Status.FAILED
    assert "at least 6 months" in run.error


def test_a_managers_own_run_computes_only_their_series(org, history, quick_models):
    run = run_request(kind=ModelRun.Kind.FORECAST, actor=org["manager1"], background=False)
    assert not run.company_wide
    assert set(run.result["series"]) == {f"owner:{org['manager1'].pk}"}


URL = "/api/reports/forecast/"


def _refused(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.fixture
def quick_run(history, quick_models):
    return run_request(kind=ModelRun.Kind.FORECAST, actor=None, background=False)


def test_each_reader_gets_the_series_of_their_scope(api, org, quick_run, english):
    series = quick_run.result["series"]
    for user, key in [
        ("exec", "all"),
        ("supervisor", f"team:{org['supervisor'].team_id}"),
        ("manager1", f"owner:{org['manager1'].pk}"),
    ]:
        response = api(user).get(URL, {"horizon": 3})
        assert response.status_code == 200, response.content
        data = response.json()
        expected = series[key]["forecast"][:3]
        assert [row["month"] for row in data["rows"]] == [row["month"] for row in expected]
        assert [Decimal(row["forecast"]) for row in data["rows"]] == [
            Decimal(str(row["mean"])).quantize(Decimal("0.01")) for row in expected
        ]
        assert data["summary"]["model"] == series[key]["model"]["spec"]
        assert data["summary"]["computed_at"]
    # manager2 has no orders: no series, said so.
    empty = api("manager2").get(URL).json()
    assert empty["rows"] == [] and "no sales history" in empty["summary"]["notes"]


def test_team_and_category_filters_and_their_refusals(api, org, quick_run, history, english):
    east, north = org["manager1"].team, org["manager3"].team
    data = api("exec").get(URL, {"dimension": "category", "category": history["tools"].pk}).json()
    assert Decimal(data["history"][0]["amount"]) == Decimal("1000.00")
    data = api("supervisor").get(URL, {"dimension": "team", "team": east.pk}).json()
    assert data["summary"]["series"] == east.name
    # Another supervisor's team, a team for a manager, categories for anyone but executives,
    # a horizon beyond 12: 400 naming the parameter.
    assert "team" in _refused(api("supervisor").get(URL, {"dimension": "team", "team": north.pk}))
    assert "team" in _refused(api("manager1").get(URL, {"dimension": "team"}))
    refused = api("supervisor").get(URL, {"dimension": "category", "category": history["tools"].pk})
    assert "dimension" in _refused(refused)
    assert "horizon" in _refused(api("exec").get(URL, {"horizon": 13}))
    assert "category" in _refused(api("exec").get(URL, {"dimension": "category"}))


def test_the_api_reads_the_stored_run_in_a_few_queries(
    api, quick_run, django_assert_max_num_queries
):
    client = api("exec")
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_the_api_is_in_the_schema(openapi_schema):
    operation = openapi_schema["paths"][URL]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"dimension", "team", "category", "horizon"} <= names
    assert "date_from" not in names


def test_the_page_shows_the_chart_tables_and_time(login, quick_run, english):
    response = login("exec").get("/reports/forecast/", {"horizon": 6})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-table="rows"' in body and 'data-table="backtest"' in body
    assert "80 % interval" in body and "Computed at" in body


def test_the_pipeline_forecast_shows_the_statistical_forecast(login, quick_run, english):
    response = login("manager1").get("/sales/pipeline/forecast/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="statistical-forecast"' in body
    assert "/reports/forecast/" in body
