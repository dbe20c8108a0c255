"""Reads of orders 订单, always within the acting user's scope (that of the order's customer)."""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import sales_reps
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import Order, OrderLine

ORDER_ORDERING = ("-order_date", "-id")


def order_list(
    *,
    actor: User,
    customer: Customer | None = None,
    status: str = "",
    owner: User | int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Order]:
    """Orders the actor sees, newest first; every filter is optional (dates inclusive)."""
    orders = scope_queryset(Order.objects.all(), actor).select_related("customer", "owner")
    if customer is not None:
        orders = orders.filter(customer=customer)
    if status:
        orders = orders.filter(status=status)
    if owner is not None:
        orders = orders.filter(owner=owner)
    if date_from:
        orders = orders.filter(order_date__gte=date_from)
    if date_to:
        orders = orders.filter(order_date__lte=date_to)
    return orders.order_by(*ORDER_ORDERING)


def _lines() -> Prefetch[Any, Any]:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("product", "product__unit").order_by(
            "position", "id"
        ),
    )


def order_get(*, actor: User, pk: int | str) -> Order:
    """The order with its lines if the actor sees it; ``Order.DoesNotExist`` otherwise."""
    found: Order = (
        scope_queryset(Order.objects.all(), actor)
        .select_related(
            "customer", "owner", "created_by", "on_behalf_of", "credit_override_by", "quote"
        )
        .prefetch_related(_lines())
        .get(pk=pk)
    )
    return found


def order_with_lines(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """``queryset`` with its lines prefetched (one more query per page) and the quote it was
    converted from joined."""
    return queryset.select_related("quote").prefetch_related(_lines())


def order_owner_filter_choices(*, actor: User) -> QuerySet[User]:
    """The account managers whose orders ``actor`` may list, to filter the list by owner."""
    return sales_reps(actor=actor, include_inactive=True)
