"""The sales seeders: a catalogue once, orders at realistic ratios, customers' last order set;
leads, quotes with lines, contracts, receivables with payments and targets at realistic ratios,
consistent with the services' own rules."""

from decimal import Decimal

import pytest
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from guanxi.accounts.seed.organisation import seed
from guanxi.core.seeding import registered_seeders
from guanxi.customers.models import Customer
from guanxi.sales.models import (
    Contract,
    InventoryItem,
    Lead,
    Order,
    OrderLine,
    Payment,
    Product,
    ProductCategory,
    Quote,
    QuoteLine,
    Receivable,
    Target,
    Warehouse,
)
from guanxi.sales.services.leads import lead_score
from guanxi.sales.services.orders import line_amount


def test_orders_register_their_seeder_after_customers():
    names = [name for name, _fn in registered_seeders()]
    assert names.index("customers") < names.index("orders")
    # Quotes take the catalogue the orders seeder makes; targets the orders they are set from.
    assert names.index("orders") < names.index("contracts") < names.index("targets")
    assert names.index("customers") < names.index("leads")


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
    sums = Order.objects.annotate(
        lines_sum=Sum("lines__amount"), lines_n=Count("lines"), items=Sum("lines__quantity")
    )[:200]
    assert all(order.total == order.lines_sum for order in sums)
    assert all((o.line_count, o.item_quantity) == (o.lines_n, o.items) for o in sums)
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


@pytest.mark.django_db
def test_seeded_leads_quotes_contracts_receivables_and_targets(org):
    report = seed(customers=1200, seed=9, batch_size=300)
    counts = report.counts

    # Leads: about one per five customers, at a working team's mix, scored by the service.
    leads = Lead.objects.count()
    assert counts["leads"] == leads and 160 <= leads <= 320
    by_status = dict(Lead.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(Lead.Status.values)
    assert not Lead.objects.filter(status=Lead.Status.NEW, owner__isnull=False).exists()
    assert not Lead.objects.exclude(status=Lead.Status.NEW).filter(owner__isnull=True).exists()
    assert {source for (source,) in Lead.objects.values_list("source").distinct()} == set(
        Lead.Source.values
    )
    for lead in Lead.objects.all()[:100]:
        assert lead.score == lead_score(lead)
    converted = Lead.objects.filter(status=Lead.Status.CONVERTED)
    assert converted.exists()
    assert not converted.exclude(owner=F("converted_customer__owner")).exists()
    assert not converted.filter(created_at__gte=F("converted_customer__created_at")).exists()
    assert not Lead.objects.filter(status=Lead.Status.DISQUALIFIED, disqualify_reason="").exists()

    # Quotes: about a third of the owned customers, 1–4 lines priced by the order rules.
    quotes, quote_lines = Quote.objects.count(), QuoteLine.objects.count()
    assert counts["quotes"] == quotes and counts["quote_lines"] == quote_lines
    assert 0.25 <= quotes / 1200 <= 0.5
    assert 1.5 <= quote_lines / quotes <= 3.5
    assert not Quote.objects.exclude(owner=F("customer__owner")).exists()
    for line in QuoteLine.objects.all()[:200]:
        assert line.amount == line_amount(
            quantity=line.quantity, unit_price=line.unit_price, discount=line.discount
        )
    assert all(
        quote.total == quote.lines_sum
        for quote in Quote.objects.annotate(lines_sum=Sum("lines__amount"))[:200]
    )
    assert Quote.objects.values("code").distinct().count() == quotes
    assert not Quote.objects.filter(valid_until__lt=F("quote_date")).exists()

    # Contracts: a fifth of the owned customers; a receivable for each signed, live one.
    contracts = Contract.objects.count()
    assert counts["contracts"] == contracts and 0.12 <= contracts / 1200 <= 0.3
    assert all(code.startswith("HT") for code in Contract.objects.values_list("code", flat=True))
    assert not Contract.objects.filter(
        status=Contract.Status.DRAFT, signed_on__isnull=False
    ).exists()
    billed = Contract.objects.filter(status__in=[Contract.Status.ACTIVE, Contract.Status.COMPLETED])
    assert Receivable.objects.count() == billed.count() == counts["receivables"]
    assert not Receivable.objects.exclude(amount_due=F("contract__amount")).exists()

    # Payments add up to what each receivable says was paid, never above what is due.
    assert Payment.objects.count() == counts["payments"] > 0
    paid = Receivable.objects.annotate(payments_sum=Sum("payments__amount"))
    for receivable in paid:
        assert receivable.amount_paid == (receivable.payments_sum or Decimal("0.00"))
        assert receivable.amount_paid <= receivable.amount_due
    completed = Receivable.objects.filter(contract__status=Contract.Status.COMPLETED)
    assert not completed.exclude(amount_paid=F("amount_due")).exists()
    today = timezone.localdate()
    overdue = Receivable.objects.filter(due_date__lt=today, amount_paid__lt=F("amount_due"))
    assert overdue.exists()  # the overdue list has something to show
    assert not Payment.objects.filter(paid_on__gt=today).exists()

    # Targets: each account manager a target for every month of the year, each team a quarter's.
    monthly = Target.objects.filter(period_kind=Target.PeriodKind.MONTH)
    per_user = monthly.values("user").annotate(n=Count("id"))
    assert per_user and all(row["n"] == 12 for row in per_user)
    assert not monthly.filter(Q(amount__lt=10_000) | Q(user__isnull=True)).exists()
    quarters = Target.objects.filter(period_kind=Target.PeriodKind.QUARTER, team__isnull=False)
    assert quarters.count() == 4 * quarters.values("team").distinct().count() > 0
    assert counts["targets"] == Target.objects.count()


@pytest.mark.django_db
def test_a_second_run_keeps_the_targets_it_finds(org):
    seed(customers=80, seed=10)
    before = Target.objects.count()
    report = seed(customers=40, seed=11)
    assert Target.objects.count() == before
    assert "targets" not in report.counts
