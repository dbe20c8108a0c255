"""Fixtures of the customer tests (tests/customers/fixtures/)."""

from tests.customers.fixtures.documents import document_store  # noqa: F401
from tests.customers.fixtures.imports import import_storage  # noqa: F401
from tests.customers.fixtures.privacy import person  # noqa: F401
from tests.customers.fixtures.vcard import empty_customer, english_throughout, rich_customer  # noqa: F401
