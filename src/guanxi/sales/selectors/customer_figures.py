"""Sales key figures of one customer for its 360 page, as correlated subqueries in scope (the
360 page reads every app's figures in one query: ``customers.key_figures``).

Orders and lifetime revenue 累计销售额 (cancelled orders left out), the open pipeline 在谈商机
(deals the reader sees in stages neither won nor lost: count, amount and amount × probability)
and the receivables 应收款 (outstanding balance, and the part past due).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, Sum, Value
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.scoping import scope_queryset
from guanxi.customers.key_figures import aggregate_of
from guanxi.sales.models import Deal, Order, Receivable

CENT = Decimal("0.01")
_MONEY: DecimalField[Any, Any] = DecimalField(max_digits=20, decimal_places=2)


def _amount(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def amount(value: Decimal | int | None) -> Decimal:
    return _amount(value)


def order_facts() -> dict[str, Any]:
    """Orders (not cancelled) and their total, of the customer."""
    kept = Order.objects.exclude(status=Order.Status.CANCELLED)
    return {
        "orders_count": aggregate_of(
            kept, Count("pk"), output_field=IntegerField(), default=Value(0)
        ),
        "orders_revenue": aggregate_of(kept, Sum("total"), output_field=_MONEY, default=Value(0)),
    }


def pipeline_facts(*, actor: User) -> dict[str, Any]:
    """Open deals of the customer that ``actor`` sees: count, amount, amount × probability."""
    weighted = ExpressionWrapper(F("amount") * F("probability"), output_field=_MONEY)
    deals = scope_queryset(Deal.objects.all(), actor).filter(
        stage__is_won=False, stage__is_lost=False
    )
    return {
        "pipeline_open_deals": aggregate_of(
            deals, Count("pk"), output_field=IntegerField(), default=Value(0)
        ),
        "pipeline_open_amount": aggregate_of(deals, Sum("amount"), output_field=_MONEY),
        "pipeline_weighted": aggregate_of(deals, Sum(weighted), output_field=_MONEY),
    }


def weighted_amount(value: Decimal | int | None) -> Decimal:
    """The stored sum of amount × probability (in percent) as money."""
    return (Decimal(value or 0) / 100).quantize(CENT)


def receivable_facts(*, actor: User, today: datetime.date | None = None) -> dict[str, Any]:
    """What the customer still owes (receivables ``actor`` sees), and how much is past due."""
    today = today or timezone.localdate()
    balance = ExpressionWrapper(F("amount_due") - F("amount_paid"), output_field=_MONEY)
    unpaid = scope_queryset(Receivable.objects.all(), actor).filter(amount_paid__lt=F("amount_due"))
    return {
        "receivables_outstanding": aggregate_of(unpaid, Sum(balance), output_field=_MONEY),
        "receivables_overdue": aggregate_of(
            unpaid.filter(due_date__lt=today), Sum(balance), output_field=_MONEY
        ),
    }
