"""The querysets every report starts from, scoped to the actor and narrowed by the common filters.

Revenue 销售额 is defined once, here: the ``total`` of orders that are not cancelled, dated
(``order_date``) in the period, of customers not in the recycle bin — the same orders the sales
targets count (``sales.selectors.targets``). Records in the recycle bin never count.
:func:`all_revenue_orders` states the rule for everyone's orders; :func:`revenue_orders` is
what a user's reports read, within their scope and filters.

Customers ranked by revenue, shared by the live reports and the rollup of their rankings
(``analytics.services.rollups``): :func:`ranked_customers` (customer contribution) and
:func:`revenue_percentiles` (customer pyramid).

Whose figures the filters offer: :func:`report_owner_choices` and :func:`report_team_choices`;
the reps' sales targets in a period: :func:`rep_targets`.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from guanxi.accounts.models import Team, User
from guanxi.accounts.selectors.users import sales_reps
from guanxi.analytics import periods, rules
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.sessions import grouping_in_index_order
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer, Interaction
from guanxi.sales.models import Order, OrderLine, Target
from guanxi.sales.selectors.targets import target_list
from guanxi.service.models import ServiceRound

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

NOT_REVENUE = (Order.Status.CANCELLED,)


def report_owner_choices(*, actor: User) -> QuerySet[User]:
    """The sales reps whose figures ``actor`` may filter on and the ranking lists (the active
    ones of ``accounts.selectors.users.sales_reps``), by name."""
    return sales_reps(actor=actor).order_by("last_name", "first_name", "username")


def report_team_choices(*, actor: User) -> QuerySet[Team]:
    """All teams for executives, a supervisor's own subtree, none for anyone else."""
    teams: QuerySet[Team] = Team.objects.order_by("path")
    if rules.filters_on_everyone(actor):
        return teams
    if rules.filters_on_own_team_subtree(actor) and actor.team is not None:
        return teams.filter(path__startswith=actor.team.path)
    return teams.none()


def customer_filter(params: ReportParams, *, prefix: str = "") -> Q:
    """The common filters on the customer reached through ``prefix`` (e.g. ``"customer__"``).

    ``owner``: the customer's account manager; ``team``: an account manager in the team or its
    sub-teams; ``region`` and ``level``: the customer's.
    """
    condition = Q()
    if params.get("owner") is not None:
        condition &= Q(**{f"{prefix}owner": params["owner"]})
    if params.get("team") is not None:
        condition &= Q(**{f"{prefix}owner__team__path__startswith": params["team"].path})
    if params.get("region") is not None:
        condition &= Q(**{f"{prefix}region": params["region"]})
    if params.get("level") is not None:
        condition &= Q(**{f"{prefix}level": params["level"]})
    return condition


def live_customer_q(path: str = "customer") -> Q:
    """Records whose customer (at ``path``) is not in the recycle bin.

    Written as "not one of the deleted customers" rather than a join on
    ``customer.deleted_at``: the deleted customers are few and read from the partial index
    ``customer_deleted``, where the join read all 1,000,000 customers for every figure (the
    KPI dashboard's order sums: 0.8 s → 0.2 s).
    """
    deleted = Customer.all_objects.filter(deleted_at__isnull=False).values("pk")
    return ~Q(**{f"{path}__in": deleted})


def report_customers(*, actor: User, params: ReportParams) -> QuerySet[Customer]:
    """Customers in the actor's scope matching the filters (not in the recycle bin)."""
    return scope_queryset(Customer.objects.all(), actor).filter(customer_filter(params))


def all_revenue_orders(params: ReportParams) -> QuerySet[Order]:
    """Everyone's orders that count as revenue in the period (``date_from``, ``date_to``), with
    no scope and no other filter: for the rollup jobs, and for figures credited to the reps an
    actor may see (employee performance); records a user sees go through
    :func:`revenue_orders`."""
    orders: QuerySet[Order] = Order.objects.exclude(status__in=NOT_REVENUE).filter(
        live_customer_q()
    )
    if params.get("date_from"):
        orders = orders.filter(order_date__gte=params["date_from"])
    if params.get("date_to"):
        orders = orders.filter(order_date__lte=params["date_to"])
    return orders.order_by()


class RepAnnotation(TypedDict):
    rep: int | None


def rep_interactions() -> "QuerySet[WithAnnotations[Interaction, RepAnnotation]]":
    """Interactions with customers not in the recycle bin, each with ``rep``: who logged it, or
    the account manager an assistant logged it for (whose work it counts as)."""
    interactions: QuerySet[WithAnnotations[Interaction, RepAnnotation]] = (
        Interaction.objects.filter(live_customer_q()).annotate(
            rep=Coalesce("on_behalf_of", "created_by")
        )
    )
    return interactions


def handled_service_rounds() -> QuerySet[ServiceRound]:
    """Service rounds someone handled (``handled_by``'s work), of requests not in the recycle
    bin."""
    return ServiceRound.objects.filter(handled_by__isnull=False, request__deleted_at__isnull=True)


def revenue_orders(*, actor: User, params: ReportParams) -> QuerySet[Order]:
    """Orders that count as revenue, in the period and scope, matching the filters."""
    orders = scope_queryset(all_revenue_orders(params), actor)
    return orders.filter(customer_filter(params, prefix="customer__"))


def revenue_lines(*, actor: User, params: ReportParams) -> QuerySet[OrderLine]:
    """The lines of :func:`revenue_orders` (for figures per product or category)."""
    lines = scope_queryset(OrderLine.objects.all(), actor).filter(
        live_customer_q("order__customer"), order__deleted_at__isnull=True
    )
    lines = lines.exclude(order__status__in=NOT_REVENUE)
    if params.get("date_from"):
        lines = lines.filter(order__order_date__gte=params["date_from"])
    if params.get("date_to"):
        lines = lines.filter(order__order_date__lte=params["date_to"])
    return lines.filter(customer_filter(params, prefix="order__customer__")).order_by()


_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=24, decimal_places=2)


class OverAll(Func):
    """``SUM(<aggregate>) OVER ()``: the total of an aggregate over every group of the query."""

    template = "SUM(%(expressions)s) OVER ()"


class GroupCount(Func):
    """``COUNT(*) OVER ()``: how many groups the query has (before LIMIT)."""

    template = "COUNT(*) OVER ()"
    contains_aggregate = True  # evaluated after GROUP BY, never grouped by

    def __init__(self) -> None:
        super().__init__(output_field=IntegerField())


def ranked_customers(orders: QuerySet[Order], *, limit: int) -> list[dict[str, Any]]:
    """The top ``limit`` customers of ``orders`` by amount (largest first, ties by id), each
    row ``customer_id``, ``amount``, ``orders`` with the totals over every customer beside it
    (``all_amount``, ``all_orders``, ``all_customers``): one scan of the orders."""
    with grouping_in_index_order():
        return list(
            orders.values("customer_id")
            .annotate(
                amount=Sum("total"),
                orders=Count("*"),
                all_amount=OverAll(Sum("total"), output_field=_MONEY),
                all_orders=OverAll(Count("*"), output_field=IntegerField()),
                all_customers=GroupCount(),
            )
            .order_by("-amount", "customer_id")[:limit]
        )


def revenue_percentiles(orders: QuerySet[Order]) -> list[tuple[int, int, Decimal]]:
    """(percentile, customers, revenue) for each percentile of the customers of ``orders``
    with revenue (> 0) that has customers, in order: customer at rank r of n (largest revenue
    first, ties by id) is in percentile ⌈100·r/n⌉."""
    per_customer = orders.values("customer_id").annotate(revenue=Sum("total")).filter(revenue__gt=0)
    ranked = per_customer.annotate(
        customer_rank=Window(RowNumber(), order_by=[F("revenue").desc(), F("customer_id").asc()])
    ).values("revenue", "customer_rank")
    inner, inner_params = ranked.query.sql_with_params()
    # The percentile ⌈100·rank/n⌉ in integer arithmetic (both databases); n counted by a window
    # over the same rows, so the orders are read once.
    sql = (
        "SELECT (counted.customer_rank * 100 + counted.n - 1) / counted.n AS percentile, "  # noqa: S608
        "COUNT(*), SUM(counted.revenue) FROM ("
        f"SELECT ranked.*, COUNT(*) OVER () AS n FROM ({inner}) ranked"
        ") counted GROUP BY 1 ORDER BY 1"
    )
    with grouping_in_index_order(), connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        return [(int(p), int(n), periods.money(revenue)) for p, n, revenue in cursor.fetchall()]


# How long a target's period is, to choose the longest kind (employee performance, KPIs).
_KIND_WEIGHT: dict[str | None, int] = {
    Target.PeriodKind.YEAR: 3,
    Target.PeriodKind.QUARTER: 2,
    Target.PeriodKind.MONTH: 1,
}


def rep_targets(
    *, actor: User, ids: Iterable[int], date_from: datetime.date, date_to: datetime.date
) -> dict[int, list[Any]]:
    """{rep id: (kind weight, target, achieved)} of the reps' all-product targets inside the
    period; of several kinds, the longest (so a month is never counted beside its year).

    The kinds are chosen first and achievement (a sum over the rep's orders per target) is
    read only for the chosen targets: a year's twelve month and four quarter targets would
    otherwise each sum the same orders again.
    """
    inside = target_list(actor=actor).filter(
        user__in=ids, category__isnull=True, period_start__gte=date_from, period_end__lte=date_to
    )
    longest: dict[int, str] = {}
    for user_id, kind in inside.order_by().values_list("user_id", "period_kind").distinct():
        if _KIND_WEIGHT[kind] > _KIND_WEIGHT.get(longest.get(user_id), 0):
            longest[user_id] = kind
    if not longest:
        return {}
    chosen = Q()
    for user_id, kind in longest.items():
        chosen |= Q(user_id=user_id, period_kind=kind)
    targets: dict[int, list[Any]] = {}
    for target in inside.filter(chosen):
        best = targets.setdefault(
            cast(int, target.user_id),  # one of ``ids``
            [_KIND_WEIGHT[target.period_kind], periods.money(0), periods.money(0)],
        )
        best[1] += target.amount
        # ``achieved`` is annotated by the targets selector.
        best[2] += periods.money(target.achieved)  # type: ignore[attr-defined]
    return targets
