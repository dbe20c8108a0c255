"""Fixtures of the core tests: the sales catalogue, for the global search's records."""

from tests.sales.fixtures.orders import products  # noqa: F401
