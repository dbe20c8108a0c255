"""The pivot's numbers 多维分析: a measure by one or two dimensions in the actor's scope, with
row, column and grand totals, and the records behind any cell (``analytics.pivot`` holds the
registry of dimensions and measures).

**One GROUP BY.** The cells are one grouped query over the measure's base (revenue orders,
their lines or service requests; scoped and filtered as every report's). A measure that adds
up (revenue, orders on orders, order lines, requests, satisfaction as a sum and a count) gets
its totals from the cells; one that does not (customers who bought: the same customer in two
months is one customer of the year) is grouped again by rows, by columns and not at all —
four queries, whatever the data. The keys' names take one query per dictionary-like dimension.

**Rollups.** Revenue, orders and order lines by month, quarter or year and account manager or
team (or either alone), without a region or level filter, are read from the day figures
(``AccountDayFacts``) up to their last refresh and counted live after it, like the KPI
dashboard (``selectors.rollups.DaySplit``); the result then carries the refresh time as
``as_of``, and the account manager is the one at that refresh.

A cell's key is a string: a time bucket's first day (``2026-03-01``), a record's id, or
``none`` for records without one (a customer in the pool has no account manager).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.analytics import periods
from guanxi.analytics.caching import cached
from guanxi.analytics.framework import ReportData, ReportParams
from guanxi.analytics.models import AccountDayFacts
from guanxi.analytics.pivot import (
    CATEGORY,
    CUSTOMER_RECORDS,
    DICTIONARY,
    DIMENSIONS,
    LINE_RECORDS,
    LINES,
    MEASURES,
    ORDER_RECORDS,
    ORDERS,
    REQUESTS,
    TEAM,
    TIME,
    USER,
    Dimension,
    Measure,
    base_for,
)
from guanxi.analytics.selectors import rollups
from guanxi.analytics.selectors.reports import customer_filter, revenue_lines, revenue_orders
from guanxi.analytics.sessions import report_transaction
from guanxi.core.models import DictionaryEntry
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import Order, OrderLine, ProductCategory
from guanxi.service.models import ServiceRequest

NONE = "none"
Key = tuple[str, str]
Parts = dict[str, Any]

# The sums a cell is made of, per measure and base; :func:`_value` turns them into the value.
_PARTS: dict[tuple[str, str], dict[str, Any]] = {
    ("revenue", ORDERS): {"amount": Sum("total")},
    ("revenue", LINES): {"amount": Sum("amount")},
    ("orders", ORDERS): {"count": Count("*")},
    ("orders", LINES): {"count": Count("order", distinct=True)},
    ("customers", ORDERS): {"count": Count("customer", distinct=True)},
    ("customers", LINES): {"count": Count("order__customer", distinct=True)},
    ("lines", ORDERS): {"count": Sum("line_count")},
    ("lines", LINES): {"count": Count("*")},
    ("requests", REQUESTS): {"count": Count("*")},
    ("satisfaction", REQUESTS): {"total": Sum("satisfaction"), "rated": Count("satisfaction")},
}
# Dimensions and columns of the day figures.
_ROLLUP_DIMENSIONS = {"owner": "account_manager", "team": "account_manager__team"}


def base_records(*, actor: User, params: ReportParams, base: str) -> QuerySet[Any]:
    """The records of ``base`` in the period, scope and filters."""
    if base == ORDERS:
        return revenue_orders(actor=actor, params=params)
    if base == LINES:
        return revenue_lines(actor=actor, params=params)
    start, end = periods.day_bounds(params["date_from"], params["date_to"])
    requests = scope_queryset(ServiceRequest.objects.all(), actor)
    requests = requests.filter(created_at__gte=start, created_at__lt=end)
    return requests.filter(customer_filter(params, prefix="customer__")).order_by()


def _dimensions(params: ReportParams) -> list[Dimension]:
    return [DIMENSIONS[params[name]] for name in ("rows", "columns") if params.get(name)]


def _expression(dimension: Dimension, base: str) -> Any:
    path = dimension.paths[base]
    if dimension.granularity:
        return periods.TRUNC[dimension.granularity](path)
    return F(path)


def _key(dimension: Dimension, value: Any) -> str:
    if value is None:
        return NONE
    if dimension.names == TIME:
        return periods.local_date(value).isoformat()
    return str(value)


def _grouped(
    records: QuerySet[Any], names: dict[str, Any], parts: dict[str, Any]
) -> list[dict[str, Any]]:
    """``records`` grouped by the expressions ``names`` (alias: expression), with ``parts``."""
    if not names:
        return [records.aggregate(**parts)]
    return list(records.annotate(**names).values(*names).annotate(**parts).order_by())


def _collect(rows: Iterable[dict[str, Any]], dims: list[Dimension], into: dict[Key, Parts]) -> None:
    """Add each grouped row's parts to the cell of its keys (absent dimension: "")."""
    aliases = ("r", "c")
    for row in rows:
        keys = [_key(dim, row[alias]) for dim, alias in zip(dims, aliases, strict=False)]
        keys += [""] * (2 - len(keys))
        cell = into[(keys[0], keys[1])]
        for name, value in row.items():
            if name not in aliases and value is not None:
                cell[name] = cell.get(name, 0) + value


def _value(measure: Measure, parts: Parts | None) -> Any:
    parts = parts or {}
    if measure.key == "revenue":
        return periods.money(parts.get("amount"))
    if measure.key == "satisfaction":
        rated = parts.get("rated") or 0
        return periods.money(Decimal(parts["total"]) / rated) if rated else None
    return int(parts.get("count") or 0)


def _add(into: Parts, parts: Parts) -> None:
    for name, value in parts.items():
        into[name] = into.get(name, 0) + value


def _rollup_eligible(measure: Measure, dims: list[Dimension], params: ReportParams) -> bool:
    if not measure.rollup or params.get("region") is not None or params.get("level") is not None:
        return False
    return all(dim.names == TIME or dim.key in _ROLLUP_DIMENSIONS for dim in dims)


def _rollup_cells(
    actor: User, params: ReportParams, measure: Measure, dims: list[Dimension]
) -> tuple[dict[Key, Parts], datetime.datetime | None]:
    """The cells from the day figures up to their refresh and live orders after it (all live
    when there is no rollup), and the refresh time."""
    split = rollups.day_split(params["date_from"], params["date_to"])
    cells: dict[Key, Parts] = defaultdict(dict)
    names = dict(zip(("r", "c"), dims, strict=False))
    if split.through is not None and split.date_from <= split.through:
        facts = scope_queryset(AccountDayFacts.objects.all(), actor).filter(
            day__gte=split.date_from, day__lte=min(split.date_to, split.through)
        )
        if params.get("owner") is not None:
            facts = facts.filter(account_manager=params["owner"])
        if params.get("team") is not None:
            facts = facts.filter(account_manager__team__path__startswith=params["team"].path)
        expressions = {
            alias: periods.TRUNC[dim.granularity]("day")
            if dim.granularity
            else F(_ROLLUP_DIMENSIONS[dim.key])
            for alias, dim in names.items()
        }
        parts = {"amount" if measure.key == "revenue" else "count": Sum(measure.rollup)}
        _collect(_grouped(facts, expressions, parts), dims, cells)
    if split.live_from is not None:
        live = {**params, "date_from": split.live_from}
        records = base_records(actor=actor, params=live, base=ORDERS)
        expressions = {alias: _expression(dim, ORDERS) for alias, dim in names.items()}
        _collect(_grouped(records, expressions, _PARTS[(measure.key, ORDERS)]), dims, cells)
    return cells, split.refresh.refreshed_at if split.refresh is not None else None


def _live_cells(
    records: QuerySet[Any], base: str, measure: Measure, dims: list[Dimension]
) -> tuple[dict[Key, Parts], dict[str, dict[Key, Parts]]]:
    """The cells, and for a measure that does not add up its totals grouped again: by rows
    (``"rows"``), by columns (``"columns"``) and overall (``"all"``)."""
    parts = _PARTS[(measure.key, base)]
    names = {alias: _expression(dim, base) for alias, dim in zip(("r", "c"), dims, strict=False)}
    cells: dict[Key, Parts] = defaultdict(dict)
    _collect(_grouped(records, names, parts), dims, cells)
    totals: dict[str, dict[Key, Parts]] = {}
    if base not in measure.additive:
        for name, kept in (("rows", dims[:1]), ("columns", dims[1:2]), ("all", [])):
            if name == "columns" and len(dims) < 2:
                continue
            grouped: dict[Key, Parts] = defaultdict(dict)
            aliases = {"r": _expression(kept[0], base)} if kept else {}
            _collect(_grouped(records, aliases, parts), kept, grouped)
            totals[name] = grouped
    return cells, totals


def _labels(dimension: Dimension, keys: set[str], params: ReportParams) -> list[tuple[str, str]]:
    """(key, label) of ``keys`` in the dimension's order; a time dimension lists every bucket of
    the period, those without records too; records without a value come last."""
    if dimension.names == TIME:
        assert dimension.granularity is not None
        granularity = dimension.granularity
        starts = periods.bucket_starts(params["date_from"], params["date_to"], granularity)
        return [(start.isoformat(), periods.bucket_label(start, granularity)) for start in starts]
    ids = [int(key) for key in keys if key != NONE]
    named: list[tuple[str, str]] = []
    if ids and dimension.names == DICTIONARY:
        entries = DictionaryEntry.all_objects.filter(pk__in=ids).order_by("sort_order", "code")
        named = [(str(entry.pk), entry.label) for entry in entries]
    elif ids and dimension.names == USER:
        users = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")
        named = [(str(user.pk), str(user)) for user in users]
    elif ids and dimension.names == TEAM:
        named = [(str(t.pk), t.name) for t in Team.objects.filter(pk__in=ids).order_by("path")]
    elif ids and dimension.names == CATEGORY:
        categories = ProductCategory.all_objects.filter(pk__in=ids).order_by("sort_order", "name")
        named = [(str(category.pk), category.name) for category in categories]
    if NONE in keys:
        named.append((NONE, none_label(dimension)))
    return named


def none_label(dimension: Dimension) -> str:
    """How records without a value of ``dimension`` are named."""
    if dimension.key == "owner":
        return _("Customer pool")
    return _("Not set")


def pivot_compute(*, actor: User, params: ReportParams) -> ReportData:
    """The pivot of ``params`` (cleaned by ``analytics.pivot.PivotForm``) for ``actor``."""
    measure = MEASURES[params["measure"]]
    dims = _dimensions(params)
    base = base_for(measure, dims)
    if base is None:  # the form refuses this first; a caller passing params of its own
        raise ValidationError({"measure": _("This measure cannot be broken down this way.")})
    totals: dict[str, dict[Key, Parts]] = {}
    as_of = None
    if base == ORDERS and _rollup_eligible(measure, dims, params):
        cells, as_of = _rollup_cells(actor, params, measure, dims)
        source = "rollup" if as_of else "live"
    else:
        records = base_records(actor=actor, params=params, base=base)
        cells, totals = _live_cells(records, base, measure, dims)
        source = "live"
    row_dim = dims[0]
    column_dim = dims[1] if len(dims) > 1 else None
    row_keys = _labels(row_dim, {key[0] for key in cells}, params)
    column_keys = _labels(column_dim, {key[1] for key in cells}, params) if column_dim else []
    row_parts: dict[str, Parts] = defaultdict(dict)
    column_parts: dict[str, Parts] = defaultdict(dict)
    all_parts: Parts = {}
    for (row, column), parts in cells.items():
        _add(row_parts[row], parts)
        _add(column_parts[column], parts)
        _add(all_parts, parts)
    if totals:
        row_parts = {key[0]: parts for key, parts in totals["rows"].items()}
        column_parts = {key[0]: parts for key, parts in totals.get("columns", {}).items()}
        all_parts = totals["all"].get(("", ""), {})
    rows = [
        {
            "key": key,
            "label": label,
            "cells": [_value(measure, cells.get((key, column))) for column, _l in column_keys],
            "total": _value(measure, row_parts.get(key)),
        }
        for key, label in row_keys
    ]
    result: ReportData = {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "rows_dimension": row_dim.key,
        "columns_dimension": column_dim.key if column_dim else "",
        "measure": measure.key,
        "source": source,
        "columns": [
            {"key": key, "label": label, "total": _value(measure, column_parts.get(key))}
            for key, label in column_keys
        ],
        "rows": rows,
        "total": _value(measure, all_parts),
    }
    if as_of is not None:
        result["as_of"] = as_of
    return result


def pivot_run(actor: User, params: ReportParams) -> ReportData:
    """:func:`pivot_compute` in one report transaction, through the short-lived report cache
    (with ``as_of``)."""

    def compute() -> ReportData:
        with report_transaction():
            return pivot_compute(actor=actor, params=params)

    return cached("pivot", actor=actor, params=params, compute=compute)


def _bucket(dimension: Dimension, key: str, name: str) -> tuple[datetime.date, datetime.date]:
    assert dimension.granularity is not None
    try:
        start = datetime.date.fromisoformat(key)
    except ValueError:
        start = None
    if start is None or start != periods.bucket_start(start, dimension.granularity):
        raise ValidationError({name: _("This is not a period of the pivot.")})
    return start, periods.bucket_end(start, dimension.granularity)


def _cell_condition(dimension: Dimension, base: str, key: str, name: str) -> Q:
    """The records of ``base`` whose ``dimension`` has the value ``key`` (named ``name``)."""
    path = dimension.paths[base]
    if dimension.names == TIME:
        first, last = _bucket(dimension, key, name)
        if base == REQUESTS:
            start, end = periods.day_bounds(first, last)
            return Q(**{f"{path}__gte": start, f"{path}__lt": end})
        return Q(**{f"{path}__gte": first, f"{path}__lte": last})
    if key == NONE:
        return Q(**{f"{path}__isnull": True})
    if not key.isdigit() or len(key) > 18:
        raise ValidationError({name: _("This is not a value of the pivot's dimension.")})
    return Q(**{path: int(key)})


def pivot_cell_records(
    *, actor: User, params: ReportParams, row: str | None, column: str | None
) -> tuple[str, QuerySet[Any]]:
    """The kind of records behind a cell (``analytics.pivot.*_RECORDS``) and those records,
    scoped: ``row`` and ``column`` are the cell's keys, None for a total over that dimension.

    They are read live: a cell read from a rollup shows the records as they are now.
    """
    measure = MEASURES[params["measure"]]
    dims = _dimensions(params)
    base = base_for(measure, dims)
    if base is None:
        raise ValidationError({"measure": _("This measure cannot be broken down this way.")})
    records = base_records(actor=actor, params=params, base=base)
    for dimension, key, name in zip(dims, (row, column), ("row", "column"), strict=False):
        if key is not None:
            records = records.filter(_cell_condition(dimension, base, key, name))
    kind = measure.bases[base]
    if measure.key == "satisfaction":
        records = records.filter(satisfaction__isnull=False)
    if kind == CUSTOMER_RECORDS:
        path = "customer" if base == ORDERS else "order__customer"
        customers = scope_queryset(Customer.objects.all(), actor)
        return kind, customers.filter(pk__in=records.values(path))
    if kind == ORDER_RECORDS and base == LINES:
        orders = scope_queryset(Order.objects.all(), actor)
        return kind, orders.filter(pk__in=records.values("order"))
    if kind == LINE_RECORDS and base == ORDERS:
        lines = scope_queryset(OrderLine.objects.all(), actor)
        return kind, lines.filter(order__in=records.values("pk"))
    return kind, records
