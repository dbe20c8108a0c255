"""Reads of quotes 报价, always within the acting user's scope (that of the quote's customer)."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from guanxi.accounts.models import User
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import Quote, QuoteLine

QUOTE_ORDERING = ("-quote_date", "-id")


def quote_list(
    *, actor: User, customer: Customer | None = None, status: str = ""
) -> QuerySet[Quote]:
    """Quotes the actor sees, newest first."""
    quotes = scope_queryset(Quote.objects.all(), actor).select_related("customer", "owner", "order")
    if customer is not None:
        quotes = quotes.filter(customer=customer)
    if status:
        quotes = quotes.filter(status=status)
    return quotes.order_by(*QUOTE_ORDERING)


def _lines() -> Prefetch[Any, Any]:
    return Prefetch(
        "lines",
        queryset=QuoteLine.objects.select_related("product", "product__unit").order_by(
            "position", "id"
        ),
    )


def quote_with_lines(queryset: QuerySet[Quote]) -> QuerySet[Quote]:
    return queryset.prefetch_related(_lines())


def quote_get(*, actor: User, pk: int | str) -> Quote:
    """The quote with its lines if the actor sees it; ``Quote.DoesNotExist`` otherwise."""
    found: Quote = (
        scope_queryset(Quote.objects.all(), actor)
        .select_related("customer", "owner", "order", "created_by", "on_behalf_of")
        .prefetch_related(_lines())
        .get(pk=pk)
    )
    return found
