"""The company figures of the home page for executives and administrators: this month's sales,
orders, new customers and service requests, each beside last month's and with the last 12
months drawn as a sparkline; the customer base, open churn warnings and overdue requests.

Every series is one query grouped by month in the database (a handful of queries in all,
whatever the size of the company), read through the analytics scope like the reports.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import periods
from guanxi.analytics.models import AccountDayFacts
from guanxi.analytics.selectors import rollups
from guanxi.analytics.selectors.reports import live_customer_q, revenue_orders
from guanxi.analytics.sparklines import sparkline
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import ChurnCase, Customer
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.requests import overdue_q

MONTHS = 12
_DAY = datetime.timedelta(days=1)


def _count(month: Q) -> Count:
    return Count("id", filter=month)


def _monthly(
    rows: QuerySet[Any],
    field: str,
    starts: list[datetime.date],
    **sums: Callable[[Q], Aggregate],
) -> dict[str, list[Any]]:
    """Each of ``sums`` for every month from ``starts``, in one query: one filtered aggregate
    per month on plain range comparisons, which both databases answer from their indexes
    (truncating every row's date to its month costs SQLite a function call per row)."""
    ends = [*starts[1:], periods.add_months(starts[-1], 1)]
    datetimes = rows.model._meta.get_field(field).get_internal_type() == "DateTimeField"
    bounds = [
        periods.day_bounds(start, end - _DAY) if datetimes else (start, end)
        for start, end in zip(starts, ends, strict=True)
    ]
    aggregates = {}
    for index, (low, high) in enumerate(bounds):
        in_month = Q(**{f"{field}__gte": low, f"{field}__lt": high})
        for name, aggregate in sums.items():
            aggregates[f"{name}_{index}"] = aggregate(in_month)
    found = rows.order_by().aggregate(**aggregates)
    return {name: [found[f"{name}_{index}"] or 0 for index in range(len(starts))] for name in sums}


def _sales_and_customers(
    *, actor: User, customers: QuerySet[Customer], starts: list[datetime.date], today: datetime.date
) -> tuple[dict[str, list[Any]], list[int]]:
    """Monthly revenue, orders and new customers: from the day rollup (a small table) for the
    days it covers, counted live for the later days, as the KPI dashboard reads them."""
    split = rollups.day_split(starts[0], today)
    live_from = split.live_from
    sales = {"amount": [0] * len(starts), "orders": [0] * len(starts)}
    created = [0] * len(starts)
    if split.through is not None:
        rolled = _monthly(
            scope_queryset(AccountDayFacts.objects.all(), actor).filter(
                day__gte=starts[0], day__lte=split.through
            ),
            "day",
            starts,
            amount=lambda month: Sum("order_amount", filter=month),
            orders=lambda month: Sum("orders", filter=month),
            created=lambda month: Sum("customers_created", filter=month),
        )
        sales, created = {"amount": rolled["amount"], "orders": rolled["orders"]}, rolled["created"]
    if live_from is not None:
        live = _monthly(
            revenue_orders(actor=actor, params={"date_from": live_from, "date_to": today}),
            "order_date",
            starts,
            amount=lambda month: Sum("total", filter=month),
            orders=lambda month: Count("id", filter=month),
        )
        since, _end = periods.day_bounds(live_from, today)
        new = _monthly(
            customers.filter(created_at__gte=since, deleted_at__isnull=True),
            "created_at",
            starts,
            count=_count,
        )
        sales = {key: [a + b for a, b in zip(sales[key], live[key], strict=True)] for key in sales}
        created = [a + b for a, b in zip(created, new["count"], strict=True)]
    return sales, created


def _figure(
    key: str, label: str, series: list[Any], link: str, *, money: bool = False
) -> dict[str, Any]:
    current, previous = series[-1], series[-2]
    return {
        "key": key,
        "label": label,
        "value": current,
        "previous": previous,
        "money": money,
        "sparkline": sparkline(series, label=_("%(figure)s, last 12 months") % {"figure": label}),
        "link": link,
    }


def company_home_panel(*, actor: User, audience: str) -> dict[str, Any]:
    """The company-wide figures (within ``actor``'s scope, which is everything for the readers
    this panel is meant for)."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    starts = [periods.add_months(this_month, offset) for offset in range(1 - MONTHS, 1)]
    first = starts[0]
    start, _end = periods.day_bounds(first, today)

    customers = scope_queryset(Customer.objects.all(), actor)
    sales, created = _sales_and_customers(
        actor=actor, customers=customers, starts=starts, today=today
    )
    requests = scope_queryset(ServiceRequest.objects.all(), actor)
    received = _monthly(requests.filter(created_at__gte=start), "created_at", starts, count=_count)
    base = customers.order_by().aggregate(
        total=Count("id"), pool=Count("id", filter=Q(owner__isnull=True))
    )
    service = (
        requests.filter(status__in=ServiceRequest.OPEN_STATUSES)
        .order_by()
        .aggregate(open=Count("id"), overdue=Count("id", filter=overdue_q(timezone.now())))
    )
    churn = (
        scope_queryset(ChurnCase.objects.all(), actor)
        .filter(live_customer_q(), state__in=ChurnCase.OPEN_STATES)
        .count()
    )
    month_query = urlencode({"date_from": this_month.isoformat(), "date_to": today.isoformat()})
    amounts = [periods.money(value) for value in sales["amount"]]
    figures = [
        _figure(
            "sales",
            _("Sales this month"),
            amounts,
            f"{reverse('sales:order_list')}?{month_query}",
            money=True,
        ),
        _figure(
            "orders",
            _("Orders this month"),
            sales["orders"],
            f"{reverse('sales:order_list')}?{month_query}",
        ),
        _figure(
            "new_customers",
            _("New customers this month"),
            created,
            reverse("customers:list"),
        ),
        _figure(
            "service_requests",
            _("Service requests this month"),
            received["count"],
            f"{reverse('service:request_list')}?queue=all",
        ),
    ]
    return {
        "figures": figures,
        "customers": base["total"],
        "pool": base["pool"],
        "churn": churn,
        "open_requests": service["open"],
        "overdue": service["overdue"],
        "months": [periods.bucket_label(start, periods.MONTH) for start in starts],
        "total_sales_12": sum(amounts, Decimal("0.00")),
    }
