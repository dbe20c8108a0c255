"""Open deals and opportunities keep a customer off the churn list (registered by sales)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation

from guanxi.customers import churn_open_work
from guanxi.customers.models import ChurnCase, Customer
from guanxi.customers.selectors import churn as selectors_churn
from guanxi.customers.services import churn as services_churn
from guanxi.sales.models import Opportunity, PipelineStage
from guanxi.sales.selectors.opportunities import opportunities_open
from guanxi.sales.selectors.pipeline import deals_open
from guanxi.sales.services import opportunities as services_opportunities
from guanxi.sales.services import pipeline as services_pipeline
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stale(owner) -> Customer:
    """A customer created long ago that never ordered: a churn candidate unless worked on."""
    customer = CustomerFactory(owner=owner)
    Customer.all_objects.filter(pk=customer.pk).update(created_at=NOW - timedelta(days=400))
    customer.refresh_from_db()
    return customer


def candidates() -> set[int]:
    return set(selectors_churn.churn_candidates(now=NOW).values_list("pk", flat=True))


def test_sales_registers_its_open_work_with_the_churn_job():
    assert {deals_open, opportunities_open} <= set(churn_open_work.sources())


def test_churn_skips_a_customer_with_an_open_deal_until_it_is_won_or_lost(org):
    owner = org["manager1"]
    customer, other = stale(owner), stale(owner)
    deal = services_pipeline.deal_create(
        actor=owner, customer=customer, title="200 台服务器", amount=Decimal("100000.00")
    )
    assert customer.pk not in candidates() and other.pk in candidates()
    assert services_churn.churn_scan(now=NOW) == 1
    assert not ChurnCase.objects.filter(customer=customer).exists()

    lost = PipelineStage.objects.filter(is_lost=True).first()
    services_pipeline.deal_move(
        actor=owner, deal=deal, stage=lost, lost_reason=dictionary("lost_reason", "price")
    )
    assert customer.pk in candidates()


def test_churn_skips_a_customer_with_an_open_opportunity_until_it_is_closed(org):
    customer = stale(org["manager1"])
    opportunity = services_opportunities.opportunity_create(
        actor=org["manager1"],
        prospect_name=customer.name,
        customer=customer,
        probability=60,
        summary="采购 200 台服务器",
        source=dictionary("source", "exhibition"),
    )
    assert customer.pk not in candidates()  # not assigned yet, but not closed either
    opportunity = services_opportunities.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    assert customer.pk not in candidates()
    services_opportunities.opportunity_terminate(
        actor=org["manager1"], opportunity=opportunity, reason=dictionary("lost_reason", "price")
    )
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.LOST
    assert customer.pk in candidates()


def test_open_work_does_not_spare_a_customer_when_the_setting_is_off(org):
    customer = stale(org["manager1"])
    services_pipeline.deal_create(
        actor=org["manager1"], customer=customer, title="续约", amount=Decimal("5000.00")
    )
    with override_settings(GUANXI={"CHURN_SPARES_OPEN_WORK": False}):
        assert customer.pk in candidates()
