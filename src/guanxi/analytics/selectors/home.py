"""The company figures of the home page for executives and administrators: this month's sales,
orders, new customers and service requests, each beside last month's and with the last 12
months drawn as a sparkline; the customer base, open churn warnings and overdue requests.

Every series is one query grouped by month in the database (a handful of queries in all,
whatever the size of the company), read through the analytics scope like the reports.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import periods
from guanxi.analytics.selectors.reports import live_customer_q, revenue_orders
from guanxi.analytics.sparklines import sparkline
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import ChurnCase, Customer
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.requests import overdue_q

MONTHS = 12


def _by_month(rows: Iterable[dict[str, Any]], starts: list[datetime.date], field: str) -> list[Any]:
    found = {periods.local_date(row["month"]): row[field] for row in rows}
    return [found.get(start) or 0 for start in starts]


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
        "up": None if current == previous else current > previous,
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

    sales = list(
        revenue_orders(actor=actor, params={"date_from": first, "date_to": today})
        .order_by()
        .annotate(month=TruncMonth("order_date"))
        .values("month")
        .annotate(amount=Sum("total"), orders=Count("*"))
    )
    customers = scope_queryset(Customer.objects.all(), actor)
    created = list(
        customers.filter(created_at__gte=start)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"))
    )
    requests = scope_queryset(ServiceRequest.objects.all(), actor)
    received = list(
        requests.filter(created_at__gte=start)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"))
    )
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
    amounts = [periods.money(value) for value in _by_month(sales, starts, "amount")]
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
            _by_month(sales, starts, "orders"),
            f"{reverse('sales:order_list')}?{month_query}",
        ),
        _figure(
            "new_customers",
            _("New customers this month"),
            _by_month(created, starts, "count"),
            reverse("customers:list"),
        ),
        _figure(
            "service_requests",
            _("Service requests this month"),
            _by_month(received, starts, "count"),
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
