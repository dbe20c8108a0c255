"""Next steps 下一步 of a customer, at the head of its 360 page: what is due with it, soonest first.

A registry like the timeline's: each :class:`NextStepSource` gives, for a reader and a customer,
a queryset of its dated open items (a deal's expected close, a payment due, a plan step, a
service request's resolution deadline) annotated with ``step_when`` (a date) and
``step_title``. One UNION query reads them all, so the page pays one round trip however many
apps contribute. Sales and service register their sources in ``ready()``.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from guanxi.core.compiled import compiled_rows, reader_shape
from guanxi.customers.models import Customer

DEFAULT_LIMIT = 8


@dataclass(frozen=True)
class NextStepSource:
    """``rows(actor=, customer=)`` → a scoped queryset annotated with ``step_when`` (date) and
    ``step_title`` (text); ``url_name`` opens one row (reversed with its id)."""

    kind: str
    label: Any
    permission: str
    url_name: str
    rows: Callable[..., QuerySet[Any]]
    # How ``step_title`` reads (e.g. an amount as money); default: as it is.
    display: Callable[[Any], str] = str


@dataclass(frozen=True)
class NextStep:
    kind: str
    label: str
    when: datetime.date
    title: str
    url: str
    overdue: bool


_SOURCES: dict[str, NextStepSource] = {}


def register(source: NextStepSource) -> NextStepSource:
    _SOURCES[source.kind] = source
    return source


def customer_next_steps(*, actor, customer: Customer, limit: int = DEFAULT_LIMIT) -> list[NextStep]:
    """The ``limit`` soonest open dated items of ``customer`` the reader may see (overdue first,
    as they are the soonest), from one query."""
    sources = [source for source in _SOURCES.values() if actor.has_perm(source.permission)]
    if not sources:
        return []

    def build(pk: int) -> tuple[QuerySet, None]:
        same = customer if pk == customer.pk else copy.copy(customer)
        same.pk = pk
        return _union(sources, actor=actor, customer=same, limit=limit), None

    # Compiled once per reader and set of sources (core.compiled): the rows depend on the
    # customer only through its id and "overdue" is decided here, not in the SQL; a source may
    # turn a time into a date in the reader's time zone.
    kinds = tuple(source.kind for source in sources)
    zone = timezone.get_current_timezone_name()
    shape = ("next_steps", reader_shape(actor), kinds, zone, limit)
    compiled = compiled_rows(shape, build, customer.pk)
    rows = compiled.rows if compiled is not None else list(build(customer.pk)[0])
    today = timezone.localdate()
    steps = []
    for kind, pk, when, title in rows:
        source = _SOURCES[kind]
        if isinstance(when, datetime.datetime):  # SQLite hands a truncated datetime back
            when = when.date()
        steps.append(
            NextStep(
                kind=kind,
                label=str(source.label),
                when=when,
                title=source.display(title) if title is not None else "",
                url=reverse(source.url_name, args=[pk]),
                overdue=when < today,
            )
        )
    return steps


def _union(sources: list[NextStepSource], *, actor, customer: Customer, limit: int) -> QuerySet:
    """The ``limit`` soonest rows of every source: one UNION query."""
    parts = [
        source.rows(actor=actor, customer=customer)
        .order_by()
        .annotate(step_kind=Value(source.kind, output_field=CharField()))
        .values_list("step_kind", "pk", "step_when", "step_title")
        for source in sources
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("step_when", "step_kind", "pk")[:limit]
