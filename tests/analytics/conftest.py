"""Fixtures of the report tests (tests/analytics/fixtures/)."""

from tests.analytics.fixtures.associations import baskets, shelf, stored_rules  # noqa: F401
from tests.analytics.fixtures.clv import clv_history  # noqa: F401
from tests.analytics.fixtures.pivot import pivot_data  # noqa: F401
from tests.analytics.fixtures.reports import data, kpi_data, no_cache, performance  # noqa: F401
