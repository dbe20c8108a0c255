"""Sales key figures of one customer for its 360 page, each one aggregate query in scope.

The open pipeline 在谈商机 (deals the reader sees in stages neither won nor lost: count, amount
and amount × probability) and the receivables 应收款 (outstanding balance, and the part past due).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import Deal, Receivable

CENT = Decimal("0.01")
_MONEY: DecimalField[Any, Any] = DecimalField(max_digits=20, decimal_places=2)


def _amount(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def customer_pipeline_figures(*, actor: User, customer: Customer) -> dict[str, Any]:
    """Open deals of ``customer`` that ``actor`` sees: count, amount, weighted amount."""
    weighted = ExpressionWrapper(F("amount") * F("probability"), output_field=_MONEY)
    facts = (
        scope_queryset(Deal.objects.filter(customer=customer), actor)
        .filter(stage__is_won=False, stage__is_lost=False)
        .aggregate(open_deals=Count("id"), open_amount=Sum("amount"), weighted=Sum(weighted))
    )
    return {
        "open_deals": facts["open_deals"],
        "open_amount": _amount(facts["open_amount"]),
        "weighted_amount": (Decimal(facts["weighted"] or 0) / 100).quantize(CENT),
    }


def customer_receivable_figures(
    *, actor: User, customer: Customer, today: datetime.date | None = None
) -> dict[str, Any]:
    """What ``customer`` still owes (receivables ``actor`` sees), and how much is past due."""
    today = today or timezone.localdate()
    balance = ExpressionWrapper(F("amount_due") - F("amount_paid"), output_field=_MONEY)
    unpaid = Q(amount_paid__lt=F("amount_due"))
    facts = scope_queryset(Receivable.objects.filter(customer=customer), actor).aggregate(
        outstanding=Sum(balance, filter=unpaid),
        overdue=Sum(balance, filter=unpaid & Q(due_date__lt=today)),
    )
    return {"outstanding": _amount(facts["outstanding"]), "overdue": _amount(facts["overdue"])}
