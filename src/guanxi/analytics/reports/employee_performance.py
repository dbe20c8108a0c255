"""Employee performance 员工业绩分析 and sales ranking 销售业务分析: per rep, in the period —

- opportunities 销售机会 assigned to them and created in the period, and those they won
  (development succeeded, closed in the period): counts, and the expected amounts of each
  (an opportunity without an expected amount adds nothing);
- deals 商机 won (``won_on`` in the period, still in a won stage): count and amount;
- orders they took (``Order.owner``, revenue as in ``analytics.selectors.reports``): count and
  amount;
- service rounds they handled (``handled_at`` in the period);
- interactions logged (by them, or by an assistant on their behalf);
- target achievement: their all-product sales targets lying inside the period, achieved ÷
  target as the targets page computes it. When a rep has targets of several kinds in the
  period (months and a year), the longest kind counts, so nothing is counted twice.

Reps: the active users in the actor's scope who belong to a team, plus anyone with figures in
the period; ranked by the chosen measure. One grouped query per measure. Orders taken,
interactions logged and services handled are summed from the day figures
(``analytics.selectors.rollups``) for the days up to their last refresh, later days counted live;
the result then carries the refresh time as ``as_of``.
"""

from typing import Any

from django import forms
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    ID,
    INTEGER,
    MONEY,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors import rollups
from guanxi.analytics.selectors.reports import (
    all_revenue_orders,
    handled_service_rounds,
    live_customer_q,
    rep_interactions,
    rep_targets,
    report_owner_choices,
)
from guanxi.sales.models import Deal, Opportunity

RANKINGS = [
    ("order_amount", _("Order amount")),
    ("orders", _("Orders")),
    ("deals_won_amount", _("Won deal amount")),
    ("opportunities_won", _("Opportunities won")),
    ("services_handled", _("Services handled")),
    ("interactions", _("Interactions logged")),
    ("achievement", _("Target achievement")),
]


class PerformanceForm(ReportFilterForm):
    drop = ("region", "level")
    rank_by = forms.ChoiceField(
        label=_("Rank by"), required=False, choices=RANKINGS, initial="order_amount"
    )
    api_help = {
        "owner": "Id of a user: only this rep.",
        "team": "Id of a team: only the reps of the team and its sub-teams.",
        "rank_by": "The measure the ranking follows (default order_amount).",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label = _("Sales rep")


ROWS = TableSpec(
    "rows",
    _("Sales ranking"),
    (
        Column("rank", _("Rank"), INTEGER),
        Column("user", _("User id"), ID),
        Column("name", _("Sales rep")),
        Column("team", _("Team")),
        Column("opportunities", _("Opportunities"), INTEGER),
        Column("opportunity_amount", _("Opportunity amount"), MONEY),
        Column("opportunities_won", _("Opportunities won"), INTEGER),
        Column("opportunities_won_amount", _("Won opportunity amount"), MONEY),
        Column("deals_won", _("Deals won"), INTEGER),
        Column("deals_won_amount", _("Won deal amount"), MONEY),
        Column("orders", _("Orders"), INTEGER),
        Column("order_amount", _("Order amount"), MONEY),
        Column("services_handled", _("Services handled"), INTEGER),
        Column("interactions", _("Interactions logged"), INTEGER),
        Column("target", _("Target"), MONEY),
        Column("achieved", _("Achieved"), MONEY),
        Column("achievement", _("Target achievement (%)"), PERCENT),
    ),
    hidden=("user",),
)
SUMMARY = (
    Column("reps", _("Sales reps"), INTEGER),
    Column("orders", _("Orders"), INTEGER),
    Column("order_amount", _("Order amount"), MONEY),
    Column("deals_won_amount", _("Won deal amount"), MONEY),
    Column("achievement", _("Target achievement (%)"), PERCENT),
)
_COUNTS: tuple[str, ...] = ("opportunities", "opportunities_won", "deals_won", "orders")
_COUNTS += ("services_handled", "interactions")


def _reps(actor: User, params: ReportParams) -> list[User]:
    users = report_owner_choices(actor=actor).select_related("team")
    if params.get("owner") is not None:
        users = users.filter(pk=params["owner"].pk)
    if params.get("team") is not None:
        users = users.filter(team__path__startswith=params["team"].path)
    return list(users)


def _grouped(rows, key: str, **measures) -> dict:
    return {row[key]: row for row in rows.order_by().values(key).annotate(**measures)}


def _live_work(ids, date_from, date_to, start, end) -> list[dict]:
    """Orders taken, service rounds handled and interactions logged per rep, counted live."""
    orders = _grouped(
        all_revenue_orders({"date_from": date_from, "date_to": date_to}).filter(owner__in=ids),
        "owner",
        orders=Count("*"),  # COUNT(*): order_revenue_owner then holds every column
        order_amount=Sum("total"),
    )
    services = _grouped(
        handled_service_rounds().filter(
            handled_by__in=ids, handled_at__gte=start, handled_at__lt=end
        ),
        "handled_by",
        services_handled=Count("id"),
    )
    interactions = _grouped(
        rep_interactions().filter(rep__in=ids, occurred_at__gte=start, occurred_at__lt=end),
        "rep",
        interactions=Count("*"),  # COUNT(*): interaction_live_occurred holds every column
    )
    return [orders, services, interactions]


def _work_done(ids, split, start, end) -> dict:
    """{rep id: {measure: value}}: the day rollup's days, plus the later days counted live."""
    totals: dict = {}
    sources = [rollups.rep_sums(ids=ids, split=split)]
    if split.live_from is not None:
        live = (split.live_from, split.date_to, split.live_since(start), end)
        sources += _live_work(ids, *live)
    for source in sources:
        for rep, row in source.items():
            into = totals.setdefault(rep, dict.fromkeys(rollups.REP_SUMS, 0))
            for name in rollups.REP_SUMS:
                into[name] += row.get(name) or 0
    return totals


def compute(actor: User, params: ReportParams) -> ReportData:
    date_from, date_to = params["date_from"], params["date_to"]
    start, end = periods.day_bounds(date_from, date_to)
    reps = _reps(actor, params)
    ids = [user.pk for user in reps]
    created = Q(created_at__gte=start, created_at__lt=end)
    won = Q(status=Opportunity.Status.WON, closed_at__gte=start, closed_at__lt=end)
    opportunities = _grouped(
        Opportunity.objects.filter(created | won, assigned_to__in=ids),
        "assigned_to",
        opportunities=Count("id", filter=created),
        opportunities_won=Count("id", filter=won),
        opportunity_amount=Sum("expected_amount", filter=created),
        opportunities_won_amount=Sum("expected_amount", filter=won),
    )
    deals = _grouped(
        Deal.objects.filter(
            owner__in=ids,
            stage__is_won=True,
            won_on__gte=date_from,
            won_on__lte=date_to,
        ).filter(live_customer_q()),
        "owner",
        deals_won=Count("id"),
        deals_won_amount=Sum("amount"),
    )
    split = rollups.day_split(date_from, date_to)
    work = _work_done(ids, split, start, end)
    targets = rep_targets(actor=actor, ids=ids, date_from=date_from, date_to=date_to)
    rows: list[dict[str, Any]] = []
    for user in reps:
        row: dict[str, Any] = {"user": user.pk, "name": str(user)}
        row["team"] = user.team.name if user.team else ""
        for source in (opportunities, deals, work):
            row.update({k: v for k, v in source.get(user.pk, {}).items() if k in ROW_KEYS})
        for key in _COUNTS:
            row.setdefault(key, 0)
        for key in ("opportunity_amount", "opportunities_won_amount", "deals_won_amount"):
            row[key] = periods.money(row.get(key))
        row["order_amount"] = periods.money(row.get("order_amount"))
        _weight, target, achieved = targets.get(user.pk, (0, None, None))
        row.update(target=target, achieved=achieved, achievement=periods.percent(achieved, target))
        active = any(row[key] for key in _COUNTS) or target is not None
        # The plugin leaves the accounts models' relations untyped, so it misses team_id.
        if user.team_id or active:  # type: ignore[attr-defined]
            rows.append(row)
    rank_by = params.get("rank_by") or "order_amount"
    rows.sort(key=lambda row: (row[rank_by] is None, -(row[rank_by] or 0), row["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    with_target = [row for row in rows if row["target"] is not None]
    target_sum = sum((row["target"] for row in with_target), periods.money(0))
    achieved_sum = sum((row["achieved"] for row in with_target), periods.money(0))
    return {
        "date_from": date_from,
        "date_to": date_to,
        "summary": {
            "reps": len(rows),
            "orders": sum(row["orders"] for row in rows),
            "order_amount": sum((row["order_amount"] for row in rows), periods.money(0)),
            "deals_won_amount": sum((row["deals_won_amount"] for row in rows), periods.money(0)),
            "achievement": periods.percent(achieved_sum, target_sum),
        },
        "rows": rows,
        "rank_by": rank_by,
        **({"as_of": split.refresh.refreshed_at} if split.refresh else {}),
    }


ROW_KEYS = {column.key for column in ROWS.columns}


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["rows"]
    rank_by = data.get("rank_by", "order_amount")
    label = str(dict(RANKINGS)[rank_by])
    values = [row[rank_by] for row in rows]
    kind = {column.key: column.kind for column in ROWS.columns}.get(rank_by, INTEGER)
    if kind == MONEY:
        hover, axis = charts.money_hover(values, label="%{y}"), charts.money_axis(values)
    elif kind == PERCENT:
        hover, axis = charts.percent_hover(values, label="%{y}"), charts.percent_axis()
    else:
        hover, axis = {}, charts.count_axis()
    return charts.figure(
        charts.go.Bar(
            x=charts.numbers(values),
            y=[row["name"] for row in rows],
            orientation="h",
            name=label,
            **hover,
        ),
        xaxis={**axis, "title": {"text": label}},
        yaxis={"type": "category", "autorange": "reversed"},
    )


REPORT = register(
    ReportDefinition(
        slug="employee-performance",
        name="employee_performance",
        title=_("Employee performance"),
        description=_(
            "Per sales rep in the period: opportunities, won deals, orders, services handled, "
            "interactions logged and target achievement, ranked."
        ),
        form_class=PerformanceForm,
        compute=compute,
        chart=chart,
        tables=(ROWS,),
        summary=SUMMARY,
    )
)
