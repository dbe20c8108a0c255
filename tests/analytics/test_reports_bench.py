"""The report bench scenarios run on both databases, and each hand-written SQL query the bench
compares a report with computes the same numbers as the report."""

from decimal import Decimal

import pytest
from bench.scenarios import Context, registered
from bench.scenarios import reports as scenarios
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.analytics import periods
from tests.analytics.fixtures.reports import churned, order, request, run
from tests.customers.fixtures.customers import CustomerFactory


@pytest.fixture
def recent(org):
    today = timezone.localdate()
    customers = [CustomerFactory(owner=org[name]) for name in ("manager1", "manager1", "manager3")]
    for customer, amount in zip(customers, ("300.00", "100.00", "50.00"), strict=True):
        order(customer, today, amount)
    order(customers[0], today, "900.00", status="cancelled")
    request(customers[0], today)
    churned(customers[1], today)
    return customers


def _sql(slug):
    queries = scenarios.SQL[slug]()
    rows = []
    with connection.cursor() as cursor:
        for sql, params in queries if isinstance(queries, list) else [queries]:
            cursor.execute(sql, params)
            rows.append(cursor.fetchall())
    return rows


def test_every_report_has_a_page_api_orm_and_sql_scenario():
    names = {scenario.name for scenario in registered()}
    for slug in scenarios.REPORT_SLUGS:
        assert {f"reports.{slug}.exec", f"api.reports.{slug}.exec"} <= names
        assert {f"report.{slug}.orm", f"report.{slug}.sql"} <= names


@pytest.mark.parametrize("slug", scenarios.REPORT_SLUGS)
def test_the_python_scenarios_run_against_the_database(org, recent, slug):
    """Each pair runs as the bench runs it, and both sides really query the database (a
    scenario that silently skipped its work would make its ratio meaningless)."""
    scenarios._period.cache_clear()
    for name in (f"report.{slug}.orm", f"report.{slug}.sql"):
        (scenario,) = [s for s in registered() if s.name == name]
        with CaptureQueriesContext(connection) as queries:
            scenario.fn(Context(), org["exec"])
        assert any("SELECT" in query["sql"] for query in queries.captured_queries), name


def test_the_kpi_dashboard_scenario_computes_it_in_process(org, recent):
    scenarios._period.cache_clear()
    (scenario,) = [s for s in registered() if s.name == "report.kpis.orm"]
    with CaptureQueriesContext(connection) as queries:
        scenario.fn(Context(), org["exec"])
    assert any("sales_order" in query["sql"] for query in queries.captured_queries)


def test_hand_written_sql_agrees_with_the_reports(org, recent):
    scenarios._period.cache_clear()
    date_from, date_to = scenarios._period()
    period = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    (contribution,) = _sql("customer-contribution")
    report = run("customer-contribution", org["exec"], **period)["rows"]
    assert [periods.money(row[1]) for row in contribution] == [r["amount"] for r in report]
    (pyramid,) = _sql("customer-pyramid")
    report = run("customer-pyramid", org["exec"], **period)["pareto"]
    assert [(row[0], row[1], periods.money(row[2])) for row in pyramid] == [
        (r["percentile"], r["customers"], r["revenue"]) for r in report
    ]
    (trend,) = _sql("sales-trend")
    total = sum((periods.money(row[1]) for row in trend), Decimal(0))
    assert total == Decimal("450.00")
