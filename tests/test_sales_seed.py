"""The sales seeder: a catalogue once, orders at realistic ratios, customers' last order set."""

from decimal import Decimal

import pytest
from django.db.models import Count, F, Max, Sum

from guanxi.core.seeding import registered_seeders, seed
from guanxi.customers.models import Customer
from guanxi.sales.models import InventoryItem, Order, OrderLine, Product, ProductCategory, Warehouse
from guanxi.sales.services_orders import line_amount


def test_orders_register_their_seeder_after_customers():
    names = [name for name, _fn in registered_seeders()]
    assert names.index("customers") < names.index("orders")


@pytest.mark.django_db
def test_seeded_orders_follow_the_ratios_and_add_up(org):
    report = seed(customers=1500, seed=3, batch_size=400)

    orders, lines = Order.objects.count(), OrderLine.objects.count()
    assert report.counts["orders"] == orders and report.counts["order_lines"] == lines
    # About 1.5 orders per customer and 3.5 lines per order.
    assert 1.3 <= orders / 1500 <= 1.75
    assert 3.2 <= lines / orders <= 3.8
    assert 100 <= Product.objects.count() <= 500
    assert ProductCategory.objects.count() >= 5
    assert Warehouse.objects.count() == 2 and InventoryItem.objects.exists()
    # Pool customers have no orders; every order belongs to its customer's owner.
    assert not Order.objects.filter(customer__owner__isnull=True).exists()
    assert not Order.objects.exclude(owner=F("customer__owner")).exists()
    # Amounts are the service's own computation and totals their sum.
    for line in OrderLine.objects.all()[:200]:
        assert line.amount == line_amount(
            quantity=line.quantity, unit_price=line.unit_price, discount=line.discount
        )
    sums = Order.objects.annotate(lines_sum=Sum("lines__amount"))[:200]
    assert all(order.total == order.lines_sum for order in sums)
    codes = list(Order.objects.values_list("code", flat=True)[:50])
    assert all(code.startswith("DD") and len(code) >= 10 for code in codes)
    assert Order.objects.values("code").distinct().count() == orders


@pytest.mark.django_db
def test_customers_last_order_is_their_newest_order(org):
    seed(customers=400, seed=4, batch_size=150)

    newest = dict(
        Order.objects.values("customer")
        .annotate(last=Max("created_at"))
        .values_list("customer", "last")
    )
    assert newest
    with_orders = Customer.objects.filter(pk__in=newest)
    for customer in with_orders:
        assert customer.last_order_at == newest[customer.pk]
        assert customer.last_won_at == newest[customer.pk]
    assert not Customer.objects.exclude(pk__in=newest).filter(last_order_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_second_run_reuses_the_catalogue_and_orders_only_its_own_customers(org):
    seed(customers=100, seed=5)
    products = Product.objects.count()
    before = set(Order.objects.values_list("customer", flat=True))

    report = seed(customers=50, seed=6)

    assert Product.objects.count() == products
    newest = set(Customer.objects.order_by("-pk").values_list("pk", flat=True)[:50])
    added = set(
        Order.objects.exclude(customer__in=before).values_list("customer", flat=True).distinct()
    )
    assert added <= newest
    assert report.counts.get("orders", 0) == Order.objects.filter(customer__in=newest).count()
    per_customer = Order.objects.values("customer").annotate(n=Count("id"))
    assert max(row["n"] for row in per_customer) <= 60
    assert Order.objects.aggregate(total=Sum("total"))["total"] > Decimal(0)
