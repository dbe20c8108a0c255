"""The sales records in the global search (core.search): found by their own search rule or by
their customer (pinyin included), within the reader's scope, never through a protected field."""

import pytest
from django.contrib.auth.models import Group

from guanxi.core.search import SearchQuery, global_search
from guanxi.customers.services.field_rules import field_rule_create
from guanxi.sales.selectors.search import (
    contract_hits,
    deal_hits,
    lead_hits,
    opportunity_hits,
    order_hits,
    quote_hits,
)
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_create
from guanxi.sales.services.pipeline import deal_create
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.orders import make_order
from tests.sales.fixtures.quotes import make_quote


def query(actor, term, limit=5) -> SearchQuery:
    return SearchQuery(actor=actor, term=term, limit=limit)


def ids(hits) -> list[int]:
    return [hit.id for hit in hits]


@pytest.fixture
def zhang(org, products):
    """张伟贸易 (manager1's) with an order, a quote, a contract, a deal and an opportunity."""
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, name="张伟贸易", phone="+8613812348000")
    return {
        "customer": customer,
        "order": make_order(manager, customer, products),
        "quote": make_quote(manager, customer, products),
        "contract": make_contract(manager, customer, title="年度维保合同"),
        "deal": deal_create(actor=manager, customer=customer, title="二期扩容", amount=1000),
        "opportunity": opportunity_create(
            actor=manager,
            prospect_name="张伟贸易",
            customer=customer,
            summary="新仓库设备",
            probability=50,
        ),
    }


HITS = {
    "order": order_hits,
    "quote": quote_hits,
    "contract": contract_hits,
    "deal": deal_hits,
    "opportunity": opportunity_hits,
}


@pytest.mark.parametrize("kind", list(HITS))
@pytest.mark.parametrize("term", ["zhangwei", "zw", "张伟贸易"])
def test_records_are_found_by_their_customers_pinyin(org, zhang, kind, term):
    hits = HITS[kind](query(org["manager1"], term))
    assert ids(hits) == [zhang[kind].pk]
    assert hits[0].kind == kind


def test_a_code_typed_in_full_finds_its_record_in_any_case(org, zhang):
    order, quote, contract = zhang["order"], zhang["quote"], zhang["contract"]
    manager = org["manager1"]
    assert ids(order_hits(query(manager, order.code.lower()))) == [order.pk]
    assert ids(quote_hits(query(manager, quote.code))) == [quote.pk]
    assert ids(contract_hits(query(manager, contract.code))) == [contract.pk]
    assert order_hits(query(manager, order.code[:-1])) == [], "a code is matched whole"


def test_records_are_found_by_their_own_texts(org, zhang):
    manager = org["manager1"]
    assert ids(deal_hits(query(manager, "二期扩容"))) == [zhang["deal"].pk]
    assert ids(contract_hits(query(manager, "维保"))) == [zhang["contract"].pk]
    [hit] = order_hits(query(manager, "zhangwei"))
    assert hit.title == zhang["order"].code
    assert hit.subtitle.startswith("张伟贸易 · ")
    assert hit.url == f"/sales/orders/{zhang['order'].pk}/"


def test_leads_by_the_lead_lists_rule(org):
    lead = lead_create(
        actor=org["manager1"], name="王芳", company="远航物流", phone="+8613911112222"
    )
    manager = org["manager1"]
    for term in ["王芳", "远航", "139 1111 2222"]:
        assert ids(lead_hits(query(manager, term))) == [lead.pk], term
    assert lead_hits(query(org["manager3"], "远航物流")) == [], "another team's lead"


def test_another_teams_records_are_not_found(org, zhang):
    for kind, hits in HITS.items():
        assert hits(query(org["manager3"], "zhangwei")) == [], kind
        assert ids(hits(query(org["supervisor"], "zhangwei"))) == [zhang[kind].pk], kind


def test_a_protected_phone_finds_no_record_of_its_customer(org, zhang):
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    for term in ["13812348000", "12348000"]:
        assert global_search(actor=org["manager1"], term=term).empty, term
    found = global_search(actor=org["supervisor"], term="13812348000")
    assert {group.kind for group in found.groups} >= {"customer", "order", "quote", "contract"}


def test_groups_come_in_a_fixed_order_of_kinds(org, zhang):
    outcome = global_search(actor=org["manager1"], term="zhangwei")
    kinds = [group.kind for group in outcome.groups]
    assert kinds == ["customer", "opportunity", "deal", "quote", "order", "contract"]
