"""What every record list shares beyond its rows: optional columns, the count and the totals.

A list page (``core.views.generic.ObjectListView``) names a ``list_key`` and its optional
columns; the key registers the list here, so a saved list view (``core.models.SavedListView``)
can only name a list and columns that exist.

The count. Counting every matching row costs as much as reading them, which a million-row
table cannot afford on every page. Up to ``COUNT_EXACT_LIMIT`` matching rows the count is
exact (a capped ``COUNT``: the database stops at the limit). Beyond it, PostgreSQL's planner
gives its estimate of the filtered query (``EXPLAIN``: the statistics it plans with, no rows
read) and the page says so ("约 12,340 条"). SQLite has no such estimate; embedded databases
are small enough to count exactly, so there the count is always exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet, Sum
from django.urls import get_resolver
from django.utils.functional import Promise

# Up to this many matching rows a list counts them; beyond, PostgreSQL estimates.
COUNT_EXACT_LIMIT = 10_000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ListColumn:
    """A column a reader may show or hide (``key`` is what templates and saved views name)."""

    key: str
    label: str | Promise
    shown_by_default: bool = True


@dataclass(frozen=True)
class RegisteredList:
    key: str
    columns: tuple[ListColumn, ...]

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    def default_columns(self) -> list[str]:
        return [column.key for column in self.columns if column.shown_by_default]


_LISTS: dict[str, RegisteredList] = {}


def register(key: str, columns: Sequence[ListColumn] = ()) -> None:
    """Make ``key`` a list that saved views may name (called once per list page class)."""
    _LISTS[key] = RegisteredList(key=key, columns=tuple(columns))


def registered(key: str) -> RegisteredList | None:
    """The list ``key``, or ``None``. List page classes register when their module loads; the
    URLconf imports every one of them, so it is loaded first (a service or an API call may
    come before any page was shown)."""
    if key not in _LISTS:
        get_resolver().url_patterns  # noqa: B018 - imports the page modules
    return _LISTS.get(key)


def shown_columns(entry: RegisteredList, requested: Sequence[str] | None) -> list[str]:
    """The optional columns to show: the requested known ones, else the defaults."""
    if requested is None:
        return entry.default_columns()
    known = set(entry.column_keys)
    return [key for key in requested if key in known]


@dataclass(frozen=True)
class ListCount:
    """How many rows match; ``estimated`` when it is the planner's guess, not a count."""

    value: int
    estimated: bool = False


def _planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns, without reading them."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(queryset: QuerySet[Any], *, limit: int = COUNT_EXACT_LIMIT) -> ListCount:
    """The exact count up to ``limit``; beyond it the planner's estimate where there is one."""
    rows = queryset.order_by()
    if connections[queryset.db].vendor != "postgresql":
        return ListCount(rows.count())
    capped = rows[: limit + 1].count()
    if capped <= limit:
        return ListCount(capped)
    estimate = _planner_estimate(rows)
    # The planner can guess low; the capped count already proved more than ``limit`` rows.
    return ListCount(max(estimate or 0, capped), estimated=True)


def total_of(queryset: QuerySet[Any], field: str) -> Decimal:
    """The sum of ``field`` over every row of ``queryset`` (one aggregate query), in cents.

    SQLite sums decimals as floating point (599.700000000000); money has two places."""
    value = queryset.order_by().aggregate(total=Sum(field))["total"]
    return Decimal(value if value is not None else 0).quantize(CENT, rounding=ROUND_HALF_UP)
