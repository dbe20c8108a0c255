"""Fixtures of the sales tests (tests/sales/fixtures/)."""

from tests.sales.fixtures.orders import products  # noqa: F401
