"""Fixtures of the report tests (tests/analytics/fixtures/)."""

from tests.analytics.fixtures.reports import kpi_data, performance  # noqa: F401
