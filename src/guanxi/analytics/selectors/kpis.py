"""The figures the KPI dashboard (``analytics.kpis``) is computed from: counts and sums of one
period within the actor's scope, read with a fixed number of aggregate queries.

Once the day figures exist (``analytics.selectors.rollups``), orders, items, lines, interactions,
customer counts and completeness are summed from them for the days up to their refresh and
counted live for later days; an executive's buyers come from the period's revenue ranking
when there is one. The facts then carry the older refresh time as ``as_of``.
"""

import datetime
import statistics
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Avg, Count, Exists, F, OuterRef, Q, Sum

from guanxi.accounts.models import LoginEvent, User
from guanxi.analytics import periods
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.selectors import rollups
from guanxi.analytics.selectors.reports import (
    live_customer_q,
    rep_targets,
    report_owner_choices,
    revenue_orders,
)
from guanxi.analytics.selectors.rollups import DaySplit
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import ChurnCase, Customer, Interaction
from guanxi.customers.selectors.customers import completeness_expression
from guanxi.sales.models import Lead, Opportunity
from guanxi.service.models import ServiceRequest

# The counts and sums of one period the KPIs are computed from (``kpi_facts``).
Facts = dict[str, Any]
# A feedback of at least this (on 1–5) is a satisfied customer.
SATISFIED_FROM = 4
# An assigned opportunity is responded to when its owner contacts the customer within this many
# days of the assignment (the opportunity response rate).
RESPONSE_DAYS = 3
# The customer source (dictionary entry code) of a customer someone referred.
REFERRAL_SOURCE = "referral"
# The seconds of a day (the sales cycle is counted in days).
_DAY_SECONDS = Decimal(86400)


def _order_sums() -> dict[str, Aggregate]:
    # COUNT(*), not COUNT(id): the order_revenue_date index then holds every column read.
    return {
        "orders": Count("*"),
        "amount": Sum("total"),
        "items": Sum("item_quantity"),
        "lines": Sum("line_count"),
    }


def _order_facts(
    *, actor: User, params: ReportParams, split: DaySplit, rolled: Facts | None
) -> Facts:
    """Orders, amount, items and lines: the rollup's days plus the later days live; buyers (a
    distinct count, which no day sums give) over the whole period, from the period's revenue
    ranking when there is one for the actor (``ranking`` then holds it)."""
    orders = revenue_orders(actor=actor, params=params)
    buyers = Count("customer_id", distinct=True)
    # Buyers with at least two revenue orders in the period (the repeat purchase rate).
    repeat = {
        "repeat_buyers": orders.order_by()
        .values("customer_id")
        .annotate(orders=Count("*"))
        .filter(orders__gte=2)
        .count()
    }
    if rolled is None:
        return {**orders.aggregate(**_order_sums(), buyers=buyers), **repeat}
    ranking = rollups.stored_ranking(actor=actor, params=params)
    result = {
        "orders": rolled["orders"],
        "amount": rolled["order_amount"],
        "items": rolled["items"],
        "lines": rolled["lines"],
    }
    if split.live_from is not None:
        later = revenue_orders(actor=actor, params={**params, "date_from": split.live_from})
        live = later.aggregate(**_order_sums())
        result = {key: value + (live[key] or 0) for key, value in result.items()}
    if ranking is not None:
        return {**result, **repeat, "buyers": ranking.customers, "ranking": ranking}
    return {**result, **repeat, **orders.aggregate(buyers=buyers)}


def _customer_facts(
    *,
    actor: User,
    start: datetime.datetime,
    end: datetime.datetime,
    split: DaySplit,
    rolled: Facts | None,
    with_completeness: bool,
) -> Facts:
    """Customers at the period's start and end, new and updated in it (and, if asked, today's
    average completeness): the rollup's days plus the later days live."""
    customers = scope_queryset(Customer.objects.all(), actor)
    updated = Q(updated_at__gte=start, updated_at__lt=end, created_at__lt=end)
    if rolled is None:
        extra = {}
        if with_completeness:
            extra["completeness"] = Avg(completeness_expression())  # type: ignore[no-untyped-call]
        return customers.aggregate(
            **extra,
            customers_at_start=Count("id", filter=Q(created_at__lt=start)),
            customers_at_end=Count("id", filter=Q(created_at__lt=end)),
            new_customers=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
            updated_customers=Count("id", filter=updated),
        )
    live = customers.filter(created_at__gte=split.live_start).aggregate(
        at_start=Count("id", filter=Q(created_at__lt=start)),
        at_end=Count("id", filter=Q(created_at__lt=end)),
        new=Count("id", filter=Q(created_at__gte=split.live_since(start), created_at__lt=end)),
    )
    result = {
        "customers_at_start": rolled["created_before"] + live["at_start"],
        "customers_at_end": rolled["created_through"] + live["at_end"],
        "new_customers": rolled["customers_created"] + live["new"],
        # Counted live: a customer changed again moves to its latest day, which day sums
        # would count twice.
        "updated_customers": customers.filter(updated).count(),
    }
    if with_completeness:
        result["completeness"] = rollups.completeness_average(actor=actor)
    return result


def _interaction_count(
    *,
    actor: User,
    start: datetime.datetime,
    end: datetime.datetime,
    split: DaySplit,
    rolled: Facts | None,
) -> int:
    live = (
        scope_queryset(Interaction.objects.all(), actor)
        .filter(live_customer_q(), occurred_at__gte=split.live_since(start), occurred_at__lt=end)
        .count()
        if split.live_from is not None
        else 0
    )
    return live if rolled is None else rolled["interactions"] + live


def kpi_rep_ids(*, actor: User) -> list[int]:
    """The sales reps the per-rep KPIs count (the owners in the actor's reports, with a team)."""
    reps = report_owner_choices(actor=actor).filter(team__isnull=False)
    return list(reps.values_list("pk", flat=True))


Range = tuple[datetime.date, datetime.date]


def _median_days(durations: list[datetime.timedelta]) -> Decimal | None:
    """The median of ``durations`` in days (to the cent); None for none."""
    if not durations:
        return None
    seconds = statistics.median(Decimal(d.total_seconds()) for d in durations)
    return (seconds / _DAY_SECONDS).quantize(periods.CENT)


def _label(name: str, index: int) -> str:
    return f"{name}__{index}"


def _unpack(row: dict[str, Any], names: tuple[str, ...], count: int) -> list[Facts]:
    return [{name: row[_label(name, index)] for name in names} for index in range(count)]


def _batched_facts(*, actor: User, ranges: list[Range], rep_ids: list[int]) -> list[Facts]:
    """The figures no rollup holds (opportunities closed, leads, service requests, churn cases,
    reps signed in), for every range at once: one query per table, each period a filtered
    aggregate of its own over the rows of all the periods, so a series of twelve periods costs
    what one period does, in queries."""
    bounds = [periods.day_bounds(date_from, date_to) for date_from, date_to in ranges]
    first, last = min(start for start, _end in bounds), max(end for _start, end in bounds)
    count = len(bounds)
    closed = [Q(closed_at__gte=start, closed_at__lt=end) for start, end in bounds]
    created = [Q(created_at__gte=start, created_at__lt=end) for start, end in bounds]
    span_closed = Q(closed_at__gte=first, closed_at__lt=last)
    span_created = Q(created_at__gte=first, created_at__lt=last)
    won, lost = Q(status=Opportunity.Status.WON), Q(status=Opportunity.Status.LOST)
    # The response: opportunities assigned in a period whose owner recorded an interaction with
    # the opportunity's customer within RESPONSE_DAYS of the assignment; counted in the same
    # read as the opportunities closed.
    assigned = [Q(assigned_at__gte=start, assigned_at__lt=end) for start, end in bounds]
    contacted = Q(
        Exists(
            Interaction.objects.filter(
                customer=OuterRef("customer"),
                created_by=OuterRef("assigned_to"),
                occurred_at__gte=OuterRef("assigned_at"),
                occurred_at__lt=OuterRef("assigned_at") + datetime.timedelta(days=RESPONSE_DAYS),
            )
        )
    )
    opportunities = (
        scope_queryset(Opportunity.objects.all(), actor)
        .filter(span_closed | Q(assigned_at__gte=first, assigned_at__lt=last))
        .aggregate(
            **{_label("won", i): Count("id", filter=closed[i] & won) for i in range(count)},
            **{_label("lost", i): Count("id", filter=closed[i] & lost) for i in range(count)},
            **{_label("assigned", i): Count("id", filter=assigned[i]) for i in range(count)},
            **{
                _label("responded", i): Count("id", filter=assigned[i] & contacted)
                for i in range(count)
            },
        )
    )
    # The sales cycle: the opportunities won in the span, their days from creation to winning
    # sorted out per period here (a period wins a bounded number of opportunities).
    won_spans: list[tuple[datetime.datetime, datetime.datetime]] = [
        (made, closed)
        for made, closed in scope_queryset(Opportunity.objects.all(), actor)
        .filter(span_closed, won)
        .order_by()
        .values_list("created_at", "closed_at")
        if closed is not None
    ]
    cycles = [
        {
            "sales_cycle_days": _median_days(
                [closed - made for made, closed in won_spans if start <= closed < end]
            )
        }
        for start, end in bounds
    ]
    converted = Q(status=Lead.Status.CONVERTED)
    disqualified = Q(status=Lead.Status.DISQUALIFIED)
    leads = (
        scope_queryset(Lead.objects.all(), actor)
        .filter(span_created | span_closed)
        .aggregate(
            **{_label("leads", i): Count("id", filter=created[i]) for i in range(count)},
            **{
                _label("converted", i): Count("id", filter=closed[i] & converted)
                for i in range(count)
            },
            **{
                _label("disqualified", i): Count("id", filter=closed[i] & disqualified)
                for i in range(count)
            },
        )
    )
    responded, archived = Q(first_response_at__isnull=False), Q(archived_at__isnull=False)
    complaint = Q(service_type__code="complaint")
    # Resolved at the first round: archived without feedback sending it back for another.
    first_round = archived & Q(rounds__lte=1)
    rated, satisfied = Q(satisfaction__isnull=False), Q(satisfaction__gte=SATISFIED_FROM)
    requests = (
        scope_queryset(ServiceRequest.objects.all(), actor)
        .filter(span_created)
        .aggregate(
            **{
                _label("complaints", i): Count("id", filter=created[i] & complaint)
                for i in range(count)
            },
            **{
                _label("complaints_first_round", i): Count(
                    "id", filter=created[i] & complaint & first_round
                )
                for i in range(count)
            },
            **{
                _label("satisfaction", i): Avg("satisfaction", filter=created[i])
                for i in range(count)
            },
            **{_label("rated", i): Count("id", filter=created[i] & rated) for i in range(count)},
            # The service reps: those assigned at least one of the period's requests.
            **{
                _label("service_reps", i): Count("assigned_to_id", distinct=True, filter=created[i])
                for i in range(count)
            },
            **{
                _label("satisfied", i): Count("id", filter=created[i] & satisfied)
                for i in range(count)
            },
            **{
                _label("first_response", i): Avg(
                    F("first_response_at") - F("created_at"), filter=created[i] & responded
                )
                for i in range(count)
            },
            **{
                _label("resolution", i): Avg(
                    F("archived_at") - F("created_at"), filter=created[i] & archived
                )
                for i in range(count)
            },
        )
    )
    # The referral rate: customers created in a period, and those of them with the referral
    # source (counted live together, so the rate's two sides are the same customers).
    referred = Q(source__code=REFERRAL_SOURCE)
    newcomers = (
        scope_queryset(Customer.objects.all(), actor)
        .filter(span_created)
        .aggregate(
            **{_label("newcomers", i): Count("id", filter=created[i]) for i in range(count)},
            **{
                _label("referred", i): Count("id", filter=created[i] & referred)
                for i in range(count)
            },
        )
    )
    churned = Q(state__in=[ChurnCase.State.CONFIRMED, ChurnCase.State.WON_BACK])
    won_back = Q(state=ChurnCase.State.WON_BACK)
    churn = (
        scope_queryset(ChurnCase.objects.all(), actor)
        .filter(span_closed, live_customer_q())
        .aggregate(
            **{_label("churned", i): Count("id", filter=closed[i] & churned) for i in range(count)},
            **{
                _label("won_back", i): Count("id", filter=closed[i] & won_back)
                for i in range(count)
            },
        )
    )
    at = [Q(at__gte=start, at__lt=end) for start, end in bounds]
    logins = (
        # The accounts app's model declares no typed manager.
        LoginEvent.objects.filter(  # type: ignore[attr-defined]
            user__in=rep_ids, kind=LoginEvent.Kind.LOGIN, at__gte=first, at__lt=last
        ).aggregate(
            **{
                _label("active_users", i): Count("user_id", distinct=True, filter=at[i])
                for i in range(count)
            }
        )
    )
    parts = [
        _unpack(opportunities, ("won", "lost", "assigned", "responded"), count),
        cycles,
        _unpack(leads, ("leads", "converted", "disqualified"), count),
        _unpack(
            requests,
            (
                "complaints",
                "complaints_first_round",
                "satisfaction",
                "rated",
                "satisfied",
                "service_reps",
                "first_response",
                "resolution",
            ),
            count,
        ),
        _unpack(newcomers, ("newcomers", "referred"), count),
        _unpack(churn, ("churned", "won_back"), count),
        _unpack(logins, ("active_users",), count),
    ]
    return [{key: value for part in parts for key, value in part[i].items()} for i in range(count)]


def _period_facts(
    *,
    actor: User,
    date_from: datetime.date,
    date_to: datetime.date,
    with_completeness: bool,
    rep_ids: list[int],
    batched: Facts,
) -> Facts:
    """One period's facts: orders, targets, customers and interactions (read from the day
    rollups where they reach, so per period), with ``batched`` (:func:`_batched_facts`)."""
    start, end = periods.day_bounds(date_from, date_to)
    split = rollups.day_split(date_from, date_to)
    rolled = None if split.through is None else rollups.account_sums(actor=actor, split=split)
    params = {"date_from": date_from, "date_to": date_to}
    result = _order_facts(actor=actor, params=params, split=split, rolled=rolled)
    targets = rep_targets(actor=actor, ids=rep_ids, date_from=date_from, date_to=date_to)
    result["reps"] = len(rep_ids)
    result["target"] = sum((t[1] for t in targets.values()), periods.money(0)) if targets else None
    result["target_achieved"] = sum((t[2] for t in targets.values()), periods.money(0))
    result.update(batched)
    result.update(
        _customer_facts(
            actor=actor,
            start=start,
            end=end,
            split=split,
            rolled=rolled,
            with_completeness=with_completeness,
        )
    )
    result["interactions"] = _interaction_count(
        actor=actor, start=start, end=end, split=split, rolled=rolled
    )
    if split.refresh is not None:
        # The older of the rollups read: the figures are at least that fresh.
        ranking = result.pop("ranking", None)
        refreshes = [split.refresh.refreshed_at] + ([ranking.computed_at] if ranking else [])
        result["as_of"] = min(refreshes)
    return result


def kpi_facts_series(
    *,
    actor: User,
    ranges: list[Range],
    completeness_range: Range | None = None,
    rep_ids: list[int] | None = None,
) -> list[Facts]:
    """:func:`kpi_facts` of each of ``ranges`` (in their order), the figures no rollup holds
    read for all of them at once; the average completeness with ``completeness_range``'s."""
    if rep_ids is None:
        rep_ids = kpi_rep_ids(actor=actor)
    batched = _batched_facts(actor=actor, ranges=ranges, rep_ids=rep_ids) if ranges else []
    return [
        _period_facts(
            actor=actor,
            date_from=date_from,
            date_to=date_to,
            with_completeness=(date_from, date_to) == completeness_range,
            rep_ids=rep_ids,
            batched=batched[index],
        )
        for index, (date_from, date_to) in enumerate(ranges)
    ]


def kpi_facts(
    *,
    actor: User,
    date_from: datetime.date,
    date_to: datetime.date,
    with_completeness: bool = False,
    rep_ids: list[int] | None = None,
) -> Facts:
    """The counts and sums the KPIs are made of, for one period (and, if asked, the average
    completeness of the actor's customers), with ``as_of`` when a rollup supplied some.

    ``rep_ids`` (:func:`kpi_rep_ids`) may be given by a caller reading several periods: the
    reps do not depend on the period, and finding them is one of the dearest reads."""
    [facts] = kpi_facts_series(
        actor=actor,
        ranges=[(date_from, date_to)],
        completeness_range=(date_from, date_to) if with_completeness else None,
        rep_ids=rep_ids,
    )
    return facts
