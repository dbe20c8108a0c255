"""The global search finds service requests by their summary from a trigram index on
PostgreSQL (on ``UPPER(summary::text)``, what ``icontains`` compiles to), in any case."""

import pytest

from guanxi.service.selectors.search import service_request_hits
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.test_selectors_search_indexes import (
    ids,
    plan_using,
    postgresql_only,
    query,
    search_plans,
)
from tests.service.fixtures.requests import new


@pytest.fixture
def broken_pump(org):
    customer = CustomerFactory(owner=org["manager1"], name="华盛机械")
    return new(org, {"manager1": customer}, summary="Pump LEAKS after restart")


def test_found_by_its_summary_in_any_case(org, broken_pump):
    assert ids(service_request_hits(query(org["manager1"], "pump leaks"))) == [broken_pump.pk]
    assert service_request_hits(query(org["manager1"], "pump leaking")) == []


@postgresql_only
def test_the_summary_search_is_answered_from_the_trigram_index(org, broken_pump):
    plans = search_plans(service_request_hits, org["exec"], "leaks")
    plan = plan_using(plans, "servicerequest_search_trgm")
    assert "Seq Scan on service_servicerequest" not in plan
