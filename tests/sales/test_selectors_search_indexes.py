"""The sales kinds of the global search are answered from trigram indexes on PostgreSQL (each
searched column's index is on the very expression its lookup compiles to), and still find
leads by name, company, pinyin, initials, phone and e-mail on both databases."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from guanxi.core.search import SearchQuery
from guanxi.sales.selectors.leads import lead_list
from guanxi.sales.selectors.search import contract_hits, deal_hits, lead_hits, opportunity_hits
from guanxi.sales.services.leads import lead_create
from guanxi.sales.services.opportunities import opportunity_create
from guanxi.sales.services.pipeline import deal_create
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.contracts import make_contract

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's"
)


def query(actor, term) -> SearchQuery:
    return SearchQuery(actor=actor, term=term, limit=5)


def ids(hits) -> list[int]:
    return [hit.id for hit in hits]


def search_plans(provider, actor, term) -> list[str]:
    """The plans of the queries ``provider`` runs, when PostgreSQL may not read a table whole.

    Sequential and plain index scans are priced out, so a condition no index answers shows as
    a ``Seq Scan`` (the planner's only way left) and an indexed one as a bitmap index scan.
    The test tables are tiny: by cost alone the planner would read them whole either way.
    """
    with CaptureQueriesContext(connection) as captured:
        provider(query(actor, term))
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for executed in captured.captured_queries:
            if executed["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN {executed['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def plan_using(plans: list[str], index: str) -> str:
    [plan] = [plan for plan in plans if index in plan]
    return plan


@pytest.fixture
def records(org, products):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, name="华盛机械")
    return {
        "lead": lead_create(
            actor=manager,
            name="王芳",
            company="远航物流",
            phone="+8613911112222",
            email="Wang.Fang@Yuanhang.example",
        ),
        "opportunity": opportunity_create(
            actor=manager, prospect_name="Northwind Traders", summary="新仓库", probability=50
        ),
        "deal": deal_create(actor=manager, customer=customer, title="二期扩容项目", amount=1000),
        "contract": make_contract(manager, customer, title="年度维保合同"),
    }


@pytest.mark.parametrize(
    "term",
    [
        "王芳",
        "远航物流",
        "wangfang",
        "wf",
        "yuanhang",
        "139 1111 2222",
        "13911112222",
        "yuanhang.EX",
    ],
)
def test_leads_are_found_by_name_company_pinyin_phone_and_email(org, records, term):
    assert ids(lead_hits(query(org["manager1"], term))) == [records["lead"].pk]
    assert list(lead_list(actor=org["manager1"], search=term)) == [records["lead"]]


def test_texts_are_found_in_any_case(org, records):
    manager = org["manager1"]
    assert ids(opportunity_hits(query(manager, "northWIND"))) == [records["opportunity"].pk]
    assert ids(deal_hits(query(manager, "扩容"))) == [records["deal"].pk]
    assert ids(contract_hits(query(manager, "维保合同"))) == [records["contract"].pk]
    assert lead_hits(query(manager, "wangfangx")) == []


@postgresql_only
@pytest.mark.parametrize(
    ("provider", "term", "index", "table"),
    [
        (lead_hits, "远航物流", "lead_search_trgm", "sales_lead"),
        (lead_hits, "wang.fang", "lead_search_trgm", "sales_lead"),
        (opportunity_hits, "northwind", "opportunity_search_trgm", "sales_opportunity"),
        (deal_hits, "二期扩容", "deal_search_trgm", "sales_deal"),
        (contract_hits, "维保合同", "contract_search_trgm", "sales_contract"),
    ],
)
def test_the_search_is_answered_from_the_trigram_index(org, records, provider, term, index, table):
    plan = plan_using(search_plans(provider, org["exec"], term), index)
    assert f"Seq Scan on {table}" not in plan
