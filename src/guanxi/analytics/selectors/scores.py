"""Reading the stored per-customer scores within the reader's scope and the reports' filters.

The figures a reader sees are those of the customers they may see: the company's stored scores
(``CustomerScore``, written by the company's runs), never a recomputation. Someone who sees
everything with no owner/team/region/level filter reads every live customer's row without
joining the customers (the few deleted ones excluded through their partial index); anyone
else reads the rows of their scoped, filtered customers.
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.models import CustomerScore
from guanxi.analytics.rules import reads_company_figures
from guanxi.analytics.selectors.reports import live_customer_q, report_customers

FILTERS = ("owner", "team", "region", "level")


def scores_in_scope(
    *, actor: User, params: ReportParams | None = None
) -> QuerySet[CustomerScore, Any]:
    """The score rows of the customers ``actor`` may see, matching the common filters."""
    params = params or {}
    scores = CustomerScore.objects.order_by()
    if reads_company_figures(actor) and not any(params.get(name) is not None for name in FILTERS):
        return scores.filter(live_customer_q())
    return scores.filter(customer__in=report_customers(actor=actor, params=params).values("pk"))


def reorder_due_condition(*, today: date, notice_days: int, which: str = "") -> Q:
    """Customers whose next order is overdue (``which="overdue"``), due within
    ``notice_days`` days from ``today`` (``"due"``), or either (``""``)."""
    if which == "overdue":
        return Q(next_order_due__lt=today)
    horizon = today + timedelta(days=notice_days)
    if which == "due":
        return Q(next_order_due__gte=today, next_order_due__lte=horizon)
    return Q(next_order_due__lte=horizon)


# The customer list's filters on the stored scores (page and API), as lookups on Customer.
REORDER_CHOICES = ("due_or_overdue", "due", "overdue")


def reorder_due_lookups(which: str) -> dict[str, date]:
    """Customer lookups for "re-order due soon" (within the notice days), "overdue", or either
    (``due_or_overdue``), through the customer's score row; one read of the settings."""
    # Imported here: the settings row is read only when the filter is used.
    from guanxi.analytics.models import IntelligenceSettings

    today = timezone.localdate()
    horizon = today + timedelta(days=IntelligenceSettings.current().reorder_notice_days)
    if which == "overdue":
        return {"score__next_order_due__lt": today}
    if which == "due":
        return {"score__next_order_due__gte": today, "score__next_order_due__lte": horizon}
    return {"score__next_order_due__lte": horizon}
