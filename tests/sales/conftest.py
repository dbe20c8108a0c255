"""Fixtures of the sales tests (tests/sales/fixtures/)."""

from tests.sales.fixtures.orders import products  # noqa: F401
from tests.sales.fixtures.targets import sales, targets  # noqa: F401
