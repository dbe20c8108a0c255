"""Reads for churn handling 客户流失管理: the job's candidates and the pages' open cases.

"Last order time" is defined once, in :func:`last_order_expression`: the customer's
``last_order_at`` (written by the order services through ``customer_order_recorded``) or,
for a customer who never ordered, the day it was created. The job and the pages use only it,
so nothing here changes when the sales module starts writing orders.
"""

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset
from guanxi.customers import churn_open_work
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer, Interaction
from guanxi.customers.selectors.customers import customer_dictionary_choices


def churn_months() -> int:
    """The setting ``GUANXI_CHURN_MONTHS`` (default 6)."""
    guanxi: dict[str, Any] = settings.GUANXI
    return int(guanxi.get("CHURN_MONTHS", 6))


def churn_spares_open_work() -> bool:
    """The setting ``GUANXI_CHURN_SPARES_OPEN_WORK`` (default on).

    On: a customer with an open deal or opportunity, or an interaction within the churn window,
    gets no churn warning — somebody is working on it.
    """
    guanxi: dict[str, Any] = settings.GUANXI
    return bool(guanxi.get("CHURN_SPARES_OPEN_WORK", True))


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
    """Active, owned customers whose last order time is before ``now`` − ``months``."""
    return churn_candidates_before(
        cutoff=months_before(now, churn_months() if months is None else months)
    )


def churn_candidates_before(*, cutoff: datetime) -> QuerySet[Customer]:
    """Active, owned customers whose last order time is before ``cutoff``.

    Customers in the pool are left out: nobody owns the relationship, so nobody could act on a
    warning. A customer with an open case is never a candidate, so the job is idempotent. With
    :func:`churn_spares_open_work`, neither is a customer with an interaction since ``cutoff``
    or open work registered in ``customers.churn_open_work`` (open deals and opportunities).
    Every condition is SQL (``NOT EXISTS``), so the job reads candidates set-wise.
    Unscoped on purpose: only the daily job calls it.
    """
    candidates: QuerySet[Customer] = (
        Customer.objects.filter(status=Customer.Status.ACTIVE, owner__isnull=False)
        .alias(last_order_time=last_order_expression())
        .filter(last_order_time__lt=cutoff)
        .exclude(churn_cases__state__in=ChurnCase.OPEN_STATES)
    )
    if churn_spares_open_work():
        recent = Interaction.objects.filter(customer_id=OuterRef("pk"), occurred_at__gte=cutoff)
        candidates = candidates.exclude(Exists(recent))
        for source in churn_open_work.sources():
            candidates = candidates.exclude(Exists(source().filter(customer_id=OuterRef("pk"))))
    return candidates


def _measures() -> "Prefetch[Any]":
    return Prefetch(
        "measures",
        queryset=ChurnMeasure.objects.select_related("recorded_by").order_by("recorded_at", "id"),
    )


def churn_case_list(
    *, actor: User, mine: bool = False, warned_on: date | None = None
) -> QuerySet[ChurnCase]:
    """Open churn cases the actor sees (a supervisor: the team's), newest warning first.

    ``mine`` keeps the cases of customers the actor owns; ``warned_on`` those warned that
    (local) day — the daily job's digest links to both. Measures are prefetched, so a page of
    cases costs a fixed number of queries.
    """
    cases = scope_queryset(ChurnCase.objects.all(), actor).filter(
        state__in=ChurnCase.OPEN_STATES, customer__deleted_at__isnull=True
    )
    if mine:
        cases = cases.filter(customer__owner=actor)
    if warned_on is not None:
        start = timezone.make_aware(datetime.combine(warned_on, time.min))
        cases = cases.filter(warned_at__gte=start, warned_at__lt=start + timedelta(days=1))
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
