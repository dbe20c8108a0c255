"""The list API's count: exact up to EXACT_COUNT_LIMIT rows, PostgreSQL's estimate beyond, and
no count at all for a list the planner expects to be far longer."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.api import pagination
from guanxi.customers.models import Customer
from tests.customers.fixtures.customers import CustomerFactory


def counts_run(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_list_the_planner_expects_to_be_far_longer_than_the_limit_is_not_counted(
    org, monkeypatch
):
    """Counting the first 10,001 rows of a million made one request in ten take a second
    (heap fetches of an index-only scan); the estimate alone answers such a list."""
    CustomerFactory.create_batch(3, owner=org["manager1"])
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 1_000_000)
    paginator = pagination.EstimatingPaginator(Customer.objects.order_by("-id"), 2)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(1)
        assert (paginator.count, paginator.count_is_exact) == (1_000_000, False)
    assert counts_run(captured) == []
    assert len(page) == 2 and page.has_next()


def test_a_list_the_planner_expects_near_the_limit_is_still_counted(org, monkeypatch):
    CustomerFactory.create_batch(3, owner=org["manager1"])
    limit = pagination.SURELY_LONG_FACTOR * pagination.EXACT_COUNT_LIMIT
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: limit - 1)
    paginator = pagination.EstimatingPaginator(Customer.objects.order_by("-id"), 2)
    with CaptureQueriesContext(connection) as captured:
        assert (paginator.count, paginator.count_is_exact) == (3, True)
    assert len(counts_run(captured)) == 1
