"""The sales forecast's job 销售预测: monthly revenue series, each forecast, stored in one run.

Series (revenue as in ``analytics.selectors.reports``: orders not cancelled, customers not in
the recycle bin), from the first month with revenue — at most ``HISTORY_MONTHS`` back — to
the last complete month:

- ``all``: the company;
- ``team:<id>``: a team and its sub-teams, credited through the order's owner (the account
  manager who made the sale) and that owner's team;
- ``category:<id>``: a product category, from the order lines' amounts;
- ``owner:<id>``: one account manager's orders (their own sales).

Who reads which (``analytics.selectors.forecast``): whoever sees everything the company's and
every team's and category's series; a supervisor their team subtree's (and its teams'); an
account manager their own. A supervisor's and a manager's series are computed in the same
nightly job as the company's — never in a request — so each reads them at once; the many small
per-manager series use the quick grid of models (``forecast_series(light=True)``).

Two aggregated queries read everything: orders per month and owner (from which the company,
team and owner series are summed) and order lines per month and category.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.analytics import periods
from guanxi.analytics.intelligence.forecast import forecast_series
from guanxi.analytics.models import ModelRun
from guanxi.analytics.selectors.reports import NOT_REVENUE, all_revenue_orders, live_customer_q
from guanxi.analytics.services.runs import RunRefused, runner_register
from guanxi.core.rules import leads_own_team, sees_everything
from guanxi.sales.models import OrderLine, ProductCategory

# Six years: enough for the yearly pattern, and fits stay quick.
HISTORY_MONTHS = 72

Amounts = dict[datetime.date, Decimal]


def last_complete_month(today: datetime.date) -> datetime.date:
    """The first day of the month before ``today``'s (this month is not over yet)."""
    return periods.add_months(today.replace(day=1), -1)


def _window(until: datetime.date) -> tuple[datetime.date, datetime.date]:
    since = periods.add_months(until, -(HISTORY_MONTHS - 1))
    return since, periods.bucket_end(until, periods.MONTH)


def owner_months(until: datetime.date) -> dict[int | None, Amounts]:
    """Revenue per order owner and month (one grouped query)."""
    since, end = _window(until)
    rows = (
        all_revenue_orders({"date_from": since, "date_to": end})
        .annotate(month=TruncMonth("order_date"))
        .values_list("owner_id", "month")
        .annotate(amount=Sum("total"))
        .order_by()
    )
    found: dict[int | None, Amounts] = defaultdict(dict)
    for owner_id, month, amount in rows:
        found[owner_id][periods.local_date(month)] = amount or Decimal(0)
    return found


def category_months(until: datetime.date) -> dict[int | None, Amounts]:
    """Order lines' revenue per product category and month (one grouped query)."""
    since, end = _window(until)
    rows = (
        OrderLine.objects.filter(
            live_customer_q("order__customer"),
            order__deleted_at__isnull=True,
            order__order_date__gte=since,
            order__order_date__lte=end,
        )
        .exclude(order__status__in=NOT_REVENUE)
        .annotate(month=TruncMonth("order__order_date"))
        .values_list("product__category_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    found: dict[int | None, Amounts] = defaultdict(dict)
    for category_id, month, amount in rows:
        found[category_id][periods.local_date(month)] = amount or Decimal(0)
    return found


def _add(total: Amounts, part: Amounts) -> None:
    for month, amount in part.items():
        total[month] = total.get(month, Decimal(0)) + amount


def _values(amounts: Amounts, until: datetime.date) -> tuple[str, list[float]]:
    """The series from its first month with revenue to ``until``, missing months 0."""
    nonzero = [month for month, amount in amounts.items() if amount]
    if not nonzero:
        return until.strftime("%Y-%m"), []
    month = min(nonzero)
    start = month.strftime("%Y-%m")
    values = []
    while month <= until:
        values.append(float(amounts.get(month, 0)))
        month = periods.add_months(month, 1)
    return start, values


def build_series(
    until: datetime.date, *, teams: list[Team], owners: Mapping[int, str | None]
) -> list[dict[str, Any]]:
    """Every series to forecast: key, dimension, id, name, and the monthly amounts.

    ``owners``: user id → team path (None: in no team)."""
    by_owner = owner_months(until)
    company: Amounts = {}
    for amounts in by_owner.values():
        _add(company, amounts)
    wanted: list[dict[str, Any]] = [
        {"key": "all", "dimension": "all", "id": None, "name": "", "amounts": company}
    ]
    for team in teams:
        total: Amounts = {}
        for owner_id, amounts in by_owner.items():
            path = owners.get(owner_id) if owner_id is not None else None
            if path is not None and path.startswith(team.path):
                _add(total, amounts)
        wanted.append(
            {"key": f"team:{team.pk}", "dimension": "team", "id": team.pk, "name": team.name}
            | {"amounts": total}
        )
    names = dict(ProductCategory.objects.values_list("pk", "name"))
    for category_id, amounts in sorted(category_months(until).items(), key=lambda i: i[0] or 0):
        if category_id is None:
            continue
        wanted.append(
            {"key": f"category:{category_id}", "dimension": "category", "id": category_id}
            | {"name": names.get(category_id, ""), "amounts": amounts}
        )
    for owner_id, amounts in sorted(by_owner.items(), key=lambda i: i[0] or 0):
        if owner_id is None:
            continue
        wanted.append(
            {"key": f"owner:{owner_id}", "dimension": "owner", "id": owner_id, "name": ""}
            | {"amounts": amounts}
        )
    return wanted


def _readable(actor: User | None, item: dict[str, Any], paths: dict[int, str]) -> bool:
    """Whether a user's own run computes this series (a company run computes all)."""
    if actor is None or sees_everything(actor):
        return True
    if leads_own_team(actor) and actor.team is not None and item["dimension"] == "team":
        return bool(paths.get(item["id"], "").startswith(actor.team.path))
    return bool(item["key"] == f"owner:{actor.pk}")


def forecast_runner(run: ModelRun) -> tuple[dict[str, Any], int]:
    """Forecast every series the run's actor may read (everything for the company's run)."""
    began = time.perf_counter()
    until = last_complete_month(timezone.localdate())
    teams = list(Team.objects.order_by("path"))
    owners = dict(User.objects.values_list("pk", "team__path"))
    wanted = build_series(until, teams=teams, owners=owners)
    paths = {team.pk: team.path for team in teams}
    series: dict[str, Any] = {}
    fit_seconds = []
    months_used = 0
    for item in wanted:
        if not _readable(run.actor, item, paths):
            continue
        start, values = _values(item.pop("amounts"), until)
        # The per-manager series are many and small: the quick grid keeps the job in its minute.
        result = forecast_series(values, start=start, light=item["dimension"] == "owner")
        series[item["key"]] = {**item, **result}
        fit_seconds.append(result["fit_seconds"])
        months_used += len(values)
    if not series or all(item["refused"] for item in series.values()):
        raise RunRefused(
            _("Too little sales history for a forecast: at least 6 months with orders are needed.")
        )
    result = {
        "until": until.strftime("%Y-%m"),
        "series": series,
        "timing": {
            "series": len(series),
            "fitted": sum(1 for item in series.values() if not item["refused"]),
            "seconds": round(time.perf_counter() - began, 3),
            "max_fit_seconds": max(fit_seconds, default=0),
            "mean_fit_seconds": round(sum(fit_seconds) / len(fit_seconds), 3),
        },
    }
    return result, months_used


runner_register(ModelRun.Kind.FORECAST, forecast_runner)
