"""Recommendations read from stored rules: also-bought for a product, recommended for a
customer (not what they bought, only active products, scored by the strongest rule), scope."""

from decimal import Decimal

import pytest

from guanxi.analytics.selectors.recommendations import (
    also_bought,
    customer_recommendations,
    recommendation_customer,
)
from guanxi.customers.models import Customer
from guanxi.sales.services.orders import order_cancel
from tests.analytics.fixtures.associations import buy
from tests.customers.fixtures.customers import CustomerFactory


def test_also_bought_lists_active_products_strongest_lift_first(org, shelf, stored_rules):
    found = also_bought(actor=org["manager1"], product=shelf["C"])
    assert [(r.consequent.name, r.lift) for r in found] == [
        ("产品A", Decimal("1.2500")),
        ("产品B", Decimal("0.6250")),
    ]
    # Without the reports' right: nothing.
    assert also_bought(actor=org["assistant"], product=shelf["C"]) == []


def test_a_customer_gets_what_they_did_not_buy_by_the_strongest_rule(org, shelf, stored_rules):
    customer = CustomerFactory(owner=org["manager1"])
    buy(org["manager1"], customer, shelf, "C")
    buy(org["manager1"], customer, shelf, "D")
    # A cancelled order is no purchase: A stays recommended.
    cancelled = buy(org["manager1"], customer, shelf, "A")
    order_cancel(actor=org["manager1"], order=cancelled, expected_version=cancelled.version)
    found = customer_recommendations(actor=org["manager1"], customer=customer)
    # A: C → A 1 × 1.25 (over D → A 0.5 × 0.625); B: D → B 1 × 1.25 beats C → B 0.3125 (the
    # maximum, not the sum 1.5625). E is inactive; C and D were bought.
    assert [(item.product.name, item.score) for item in found] == [
        ("产品A", Decimal("1.2500")),
        ("产品B", Decimal("1.2500")),
    ]
    assert [(r.product_name, r.confidence) for r in found[1].reasons] == [
        ("产品D M-D", Decimal("1.000000")),
        ("产品C M-C", Decimal("0.500000")),
    ]
    # Bought A too: only B is left.
    buy(org["manager1"], customer, shelf, "A")
    found = customer_recommendations(actor=org["manager1"], customer=customer)
    assert [item.product.name for item in found] == ["产品B"]


def test_a_customer_with_no_purchase_gets_nothing(org, shelf, stored_rules):
    customer = CustomerFactory(owner=org["manager1"])
    assert customer_recommendations(actor=org["manager1"], customer=customer) == []


def test_the_customer_is_read_within_the_scope(org, shelf):
    customer = CustomerFactory(owner=org["manager1"])
    assert recommendation_customer(actor=org["manager1"], pk=customer.pk) == customer
    assert recommendation_customer(actor=org["exec"], pk=customer.pk) == customer
    for outsider in ("manager2", "assistant"):
        with pytest.raises(Customer.DoesNotExist):
            recommendation_customer(actor=org[outsider], pk=customer.pk)
