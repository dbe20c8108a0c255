"""The nightly association runner: reads every revenue order's lines, stores the rules."""

from decimal import Decimal

from guanxi.analytics.models import ModelRun, ProductAssociation
from guanxi.analytics.services.associations import read_basket_lines
from guanxi.analytics.services.runs import run_request
from guanxi.analytics.tasks import refresh_product_associations
from guanxi.customers.services.customers import customer_delete
from guanxi.sales.services.orders import order_cancel
from tests.analytics.fixtures.associations import buy, set_thresholds
from tests.customers.fixtures.customers import CustomerFactory

KIND = ModelRun.Kind.ASSOCIATIONS


def _stored():
    return {
        (rule.antecedent.name, rule.consequent.name): (
            rule.baskets,
            rule.support,
            rule.confidence,
            rule.lift,
        )
        for rule in ProductAssociation.objects.select_related("antecedent", "consequent")
    }


def test_the_company_run_stores_the_hand_computed_rules(org, baskets):
    set_thresholds("0.4", "0.75", "1")
    run = run_request(kind=KIND, actor=None, background=False)
    assert run.status == "done" and run.company_wide
    # C → A: 2 of 5 orders hold both, both C orders hold A, A is in 4 of 5: lift 1.0 ÷ 0.8.
    assert _stored() == {
        ("产品C", "产品A"): (2, Decimal("0.400000"), Decimal("1.000000"), Decimal("1.2500")),
        ("产品D", "产品B"): (2, Decimal("0.400000"), Decimal("1.000000"), Decimal("1.2500")),
    }
    assert run.rows_used == 12
    assert {key: run.result[key] for key in ("lines", "baskets", "products", "rules")} == {
        "lines": 12,
        "baskets": 5,
        "products": 4,
        "rules": 2,
    }


def test_a_new_run_replaces_the_rules_and_cancelled_or_deleted_orders_do_not_count(
    org, shelf, baskets
):
    set_thresholds("0.4", "0.75", "1")
    run_request(kind=KIND, actor=org["exec"], background=False)
    assert len(_stored()) == 2
    # A cancelled order of C and D, and a deleted customer's: still five baskets.
    someone = CustomerFactory(owner=org["manager1"])
    cancelled = buy(org["manager1"], someone, shelf, "CD")
    order_cancel(actor=org["manager1"], order=cancelled, expected_version=cancelled.version)
    gone = CustomerFactory(owner=org["manager1"])
    buy(org["manager1"], gone, shelf, "CD")
    customer_delete(actor=org["admin"], customer=gone, expected_version=gone.version)
    orders, _products = read_basket_lines()
    assert len(set(orders.tolist())) == 5
    # Lower thresholds: more rules, the old ones replaced (not added to).
    set_thresholds("0.4", "0", "0")
    refresh_product_associations.call()
    assert len(_stored()) == 6
    assert ProductAssociation.objects.count() == 6
    assert len({rule.computed_at for rule in ProductAssociation.objects.all()}) == 1


def test_only_the_company_computes_the_rules(org, english, baskets):
    run = run_request(kind=KIND, actor=org["manager1"], background=False)
    assert run.status == "failed" and "whole company" in run.error
    assert not ProductAssociation.objects.exists()
