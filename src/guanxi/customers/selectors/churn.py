"""Reads for churn handling 客户流失管理: the job's candidates and the pages' open cases.

"Last order time" is defined once, in :func:`last_order_expression`: the customer's
``last_order_at`` (written by the order services through ``customer_order_recorded``) or,
for a customer who never ordered, the day it was created. The job and the pages use only it,
so nothing here changes when the sales module starts writing orders.
"""

import calendar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce

from guanxi.accounts.models import User
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer
from guanxi.customers.selectors.customers import customer_dictionary_choices


def churn_months() -> int:
    """The setting ``GUANXI_CHURN_MONTHS`` (default 6)."""
    guanxi: dict[str, Any] = settings.GUANXI
    return int(guanxi.get("CHURN_MONTHS", 6))


def last_order_expression() -> Coalesce:
    """The customer's last order time in SQL: last order, else creation."""
    return Coalesce("last_order_at", "created_at")


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back ``months`` calendar months (31 March − 1 month = 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def churn_candidates(*, now: datetime, months: int | None = None) -> QuerySet[Customer]:
    """Active, owned customers whose last order time is before ``now`` − ``months``.

    Customers in the pool are left out: nobody owns the relationship, so nobody could act on a
    warning. A customer with an open case is never a candidate, so the job is idempotent.
    Unscoped on purpose: only the daily job calls it.
    """
    cutoff = months_before(now, churn_months() if months is None else months)
    candidates: QuerySet[Customer] = (
        Customer.objects.filter(status=Customer.Status.ACTIVE, owner__isnull=False)
        .alias(last_order_time=last_order_expression())
        .filter(last_order_time__lt=cutoff)
        .exclude(churn_cases__state__in=ChurnCase.OPEN_STATES)
    )
    return candidates


def _measures() -> "Prefetch[Any]":
    return Prefetch(
        "measures",
        queryset=ChurnMeasure.objects.select_related("recorded_by").order_by("recorded_at", "id"),
    )


def churn_case_list(*, actor: User, mine: bool = False) -> QuerySet[ChurnCase]:
    """Open churn cases the actor sees (a supervisor: the team's), newest warning first.

    ``mine`` keeps the cases of customers the actor owns. Measures are prefetched, so a page
    of cases costs a fixed number of queries.
    """
    cases = scope_queryset(ChurnCase.objects.all(), actor).filter(
        state__in=ChurnCase.OPEN_STATES, customer__deleted_at__isnull=True
    )
    if mine:
        cases = cases.filter(customer__owner=actor)
    return cases.select_related("customer", "customer__owner").prefetch_related(_measures())


def churn_case_open(*, actor: User, customer: Customer) -> ChurnCase | None:
    """The customer's open case, if the actor sees it."""
    return churn_case_list(actor=actor).filter(customer=customer).first()


def churn_case_history(*, actor: User, customer: Customer) -> QuerySet[ChurnCase]:
    """Every case of the customer (open and closed), newest first, with measures and reason."""
    return (
        scope_queryset(ChurnCase.objects.filter(customer=customer), actor)
        .select_related("reason", "closed_by")
        .prefetch_related(_measures())
    )


def churn_reason_choices(*, current: DictionaryEntry | None = None) -> QuerySet[DictionaryEntry]:
    """The churn reasons a confirmation may choose: active dictionary entries."""
    return customer_dictionary_choices(kind=DictionaryKind.CHURN_REASON, current=current)
