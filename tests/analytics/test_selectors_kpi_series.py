"""The KPI dashboard's twelve periods are read together: the figures no rollup holds (closed
opportunities, leads, service requests, churn cases, sign-ins) in one query per table for all
periods, with the same numbers as reading each period on its own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.analytics.kpis import SERIES_PERIODS, dashboard, series_ranges
from guanxi.analytics.selectors.kpis import kpi_facts, kpi_facts_series, kpi_rep_ids
from tests.analytics.fixtures.reports import MARCH

BATCHED_TABLES = [
    "sales_opportunity",
    "sales_lead",
    "service_servicerequest",
    "customers_churncase",
    "accounts_loginevent",
]


# Read twice whatever the number of periods: its counts, and the won opportunities' times
# (the sales cycle's median is taken in Python).
READ_TWICE = {"sales_opportunity"}


def _reads(queries, table: str) -> int:
    return sum(f'FROM "{table}"' in query["sql"] for query in queries)


def test_the_series_has_the_numbers_of_each_period_read_alone(org, kpi_data):
    actor = org["manager1"]
    ranges = series_ranges(*MARCH, SERIES_PERIODS)
    rep_ids = kpi_rep_ids(actor=actor)
    together = kpi_facts_series(actor=actor, ranges=ranges, completeness_range=MARCH)
    alone = [
        kpi_facts(
            actor=actor,
            date_from=start,
            date_to=end,
            with_completeness=(start, end) == MARCH,
            rep_ids=rep_ids,
        )
        for start, end in ranges
    ]
    assert together == alone
    march = together[-1]
    assert (march["won"], march["lost"], march["complaints"]) == (2, 1, 1)


def test_each_batched_table_is_read_once_for_twelve_periods(org, kpi_data):
    with CaptureQueriesContext(connection) as series:
        dashboard(actor=org["supervisor"], date_from=MARCH[0], date_to=MARCH[1], with_series=True)
    with CaptureQueriesContext(connection) as two:
        dashboard(actor=org["supervisor"], date_from=MARCH[0], date_to=MARCH[1])
    for table in BATCHED_TABLES:
        reads = 2 if table in READ_TWICE else 1
        assert _reads(series.captured_queries, table) == reads, table
        assert _reads(two.captured_queries, table) == reads, table
    # The ten more periods cost only the reads that stay per period (orders, targets,
    # customers): each of the two periods' queries less the batched ones, ten times more.
    per_period = (len(two.captured_queries) - len(BATCHED_TABLES)) / 2
    assert len(series.captured_queries) <= len(two.captured_queries) + 10 * per_period
