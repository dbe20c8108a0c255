# ruff: noqa: F811  (the fixtures imported from the report tests are parameters here)
"""The day rollup: with it, the KPI dashboard and employee performance give the same numbers as
counted live, whatever day the rollup was refreshed; later changes to earlier days show after
the next refresh, and the figures carry the refresh time."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.analytics.kpis import dashboard
from guanxi.analytics.models import (
    AccountDayFacts,
    RepDayFacts,
    RevenueRanking,
    RollupRefresh,
)
from guanxi.analytics.services.rollups import day_facts_refresh, revenue_rankings_refresh
from guanxi.core.jobs import job_get
from guanxi.customers.models import Interaction
from tests.analytics.fixtures.reports import MARCH, D, moment, order, run
from tests.customers.fixtures.customers import CustomerFactory

PERFORMANCE_PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def _figures(user, period=MARCH):
    data = dashboard(actor=user, date_from=period[0], date_to=period[1])
    return {row["key"]: (row["value"], row["previous"]) for row in data["kpis"]}, data


def _ranking(user, **params):
    data = run("employee-performance", user, **{**PERFORMANCE_PERIOD, **params})
    return data["rows"], data


# Refreshed before the period (all live), inside it (its first days from the rollup, the rest
# live) and after it (the whole period and the previous one from the rollup).
REFRESH_DAYS = [D(2026, 1, 1), D(2026, 3, 2), D(2026, 3, 4), D(2026, 5, 1)]


@pytest.mark.parametrize("today", REFRESH_DAYS)
@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "manager3"])
def test_kpis_from_the_rollup_equal_the_live_ones(org, kpi_data, today, username):
    user = org[username]
    live, live_data = _figures(user)
    assert "as_of" not in live_data
    refresh = day_facts_refresh(today=today)
    assert refresh.covers_through == today - datetime.timedelta(days=1)
    rolled, data = _figures(user)
    assert rolled == live
    assert data["as_of"] == refresh.refreshed_at


@pytest.mark.parametrize("today", REFRESH_DAYS)
@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1"])
def test_performance_from_the_rollup_equals_the_live_one(org, performance, today, username):
    live, _data = _ranking(org[username])
    day_facts_refresh(today=today)
    rolled, data = _ranking(org[username])
    assert rolled == live
    assert data["as_of"] == RollupRefresh.objects.get().refreshed_at


@pytest.mark.parametrize("today", REFRESH_DAYS)
def test_kpis_with_the_revenue_rankings_equal_the_live_ones(org, kpi_data, today):
    """The executive's buyers come from the rankings of March and of the period before it."""
    live, _data = _figures(org["exec"])
    day_facts_refresh(today=today)
    assert revenue_rankings_refresh(today=D(2026, 3, 15))
    assert RevenueRanking.objects.filter(date_from=MARCH[0], date_to=MARCH[1]).exists()
    rolled, data = _figures(org["exec"])
    assert rolled == live
    ranking = RevenueRanking.objects.get(date_from=MARCH[0], date_to=MARCH[1])
    assert data["as_of"] == min(ranking.computed_at, RollupRefresh.objects.get().refreshed_at)


def test_the_rollup_holds_days_up_to_yesterday_per_account_manager_and_rep(org, performance):
    m1 = org["manager1"]
    day_facts_refresh(today=D(2026, 3, 4))
    assert not AccountDayFacts.objects.filter(day__gte=D(2026, 3, 4)).exists()
    day = RepDayFacts.objects.get(rep=m1, day=D(2026, 3, 3))
    assert day.interactions == 1
    # The interaction of 3 March logged by the assistant on m1's behalf is m1's, of 4 March not
    # yet in the rollup; the service round of 2 March was handled by m1.
    assert RepDayFacts.objects.get(rep=m1, day=D(2026, 3, 2)).services_handled == 1
    assert not RepDayFacts.objects.filter(rep=org["assistant"]).exists()


def test_changes_to_rolled_up_days_show_after_the_next_refresh(org, kpi_data):
    m1 = org["manager1"]
    day_facts_refresh(today=D(2026, 4, 1))
    before, _data = _figures(m1)
    assert before["sales_total"][0] == Decimal("600.00")
    # An order back-dated into March and an interaction logged for March, after the refresh.
    order(kpi_data[2], D(2026, 3, 20), "150.00")
    Interaction.objects.create(
        customer=kpi_data[2], summary="回访", created_by=m1, occurred_at=moment(D(2026, 3, 21))
    )
    stale, data = _figures(m1)
    assert stale["sales_total"][0] == Decimal("600.00")
    assert data["as_of"] <= timezone.now()
    day_facts_refresh(today=D(2026, 4, 1))
    fresh, _data = _figures(m1)
    assert fresh["sales_total"][0] == Decimal("750.00")
    assert fresh["follow_ups_per_rep"][0] == Decimal("2.00")


def test_todays_work_counts_at_once(org, kpi_data):
    m1 = org["manager1"]
    day_facts_refresh(today=D(2026, 3, 20))
    order(kpi_data[2], D(2026, 3, 25), "150.00")
    figures, _data = _figures(m1)
    assert figures["sales_total"][0] == Decimal("750.00")
    assert figures["purchase_frequency"][0] == Decimal("0.80")  # 4 orders / 5 customers


def test_a_refresh_replaces_the_previous_one(org, kpi_data):
    day_facts_refresh(today=D(2026, 3, 10))
    count = AccountDayFacts.objects.count()
    day_facts_refresh(today=D(2026, 3, 10))
    assert AccountDayFacts.objects.count() == count
    assert RollupRefresh.objects.count() == 1


def _dashboard_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(actor=user, date_from=MARCH[0], date_to=MARCH[1])
    return len(queries.captured_queries)


def test_kpis_read_the_rollup_in_a_fixed_number_of_queries(org, kpi_data):
    day_facts_refresh(today=D(2026, 5, 1))
    revenue_rankings_refresh(today=D(2026, 3, 15))
    _dashboard_queries(org["exec"])  # the first also loads the user's permissions
    few = _dashboard_queries(org["exec"])
    # About one aggregate per source and period, whatever the data (31 on PostgreSQL, with the
    # report transaction's BEGIN, settings and COMMIT).
    assert few <= 31
    for day in range(1, 20):
        order(CustomerFactory(owner=org["manager2"]), D(2026, 3, day), "10.00")
    day_facts_refresh(today=D(2026, 5, 1))
    assert _dashboard_queries(org["exec"]) == few


def test_the_nightly_job_and_the_command_refresh_the_rollup(org, kpi_data):
    job = job_get("analytics.refresh_day_facts")
    assert job.every == "daily"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert job.task.call() == yesterday.isoformat()
    assert AccountDayFacts.objects.filter(day=D(2026, 3, 1)).exists()
    out = io.StringIO()
    call_command("report_rollups_refresh", stdout=out)
    assert f"up to {yesterday}" in out.getvalue()
    assert RevenueRanking.objects.exists()
    assert "revenue rankings" in out.getvalue()
    assert job_get("analytics.refresh_revenue_rankings").every == "hourly"
