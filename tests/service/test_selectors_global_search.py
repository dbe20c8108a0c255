"""Service requests in the global search (core.search): by the queue's search rule or by their
customer (pinyin included), within the reader's scope."""

import pytest

from guanxi.core.search import SearchQuery
from guanxi.service.selectors.search import service_request_hits
from tests.customers.fixtures.customers import CustomerFactory
from tests.service.fixtures.requests import new


def query(actor, term) -> SearchQuery:
    return SearchQuery(actor=actor, term=term, limit=5)


@pytest.fixture
def request_of_zhang(org):
    customer = CustomerFactory(owner=org["manager1"], name="张伟贸易")
    return new(org, {"manager1": customer}, summary="空调漏水")


@pytest.mark.parametrize("term", ["zhangwei", "zw", "张伟贸易", "漏水"])
def test_found_by_customer_pinyin_or_summary(org, request_of_zhang, term):
    [hit] = service_request_hits(query(org["manager1"], term))
    assert (hit.id, hit.kind) == (request_of_zhang.pk, "service_request")
    assert hit.title == f"{request_of_zhang.code} 空调漏水"
    assert hit.subtitle.startswith("张伟贸易 · ")
    assert hit.url == f"/service/requests/{request_of_zhang.pk}/"


def test_found_by_its_code_in_any_case(org, request_of_zhang):
    [hit] = service_request_hits(query(org["manager1"], request_of_zhang.code.lower()))
    assert hit.id == request_of_zhang.pk


def test_another_teams_request_is_not_found(org, request_of_zhang):
    assert service_request_hits(query(org["manager3"], "zhangwei")) == []
    assert service_request_hits(query(org["manager3"], "漏水")) == []
    assert [hit.id for hit in service_request_hits(query(org["supervisor"], "漏水"))] == [
        request_of_zhang.pk
    ]
