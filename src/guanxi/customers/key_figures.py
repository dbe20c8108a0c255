"""Key figures 关键指标 of a customer, shown at the top of the 360 page.

A small registry, like the timeline's, of :class:`FigureSource`: each names the facts it needs
as correlated subqueries over the customer's row (``facts``) and words their values as
:class:`KeyFigure` rows (``figures``). Every source's facts are read in one query, so the 360
page pays one round trip for all its figures however many apps contribute. The customers app
registers what it knows (follow-ups, interactions, documents, contacts, completeness, last
order, churn, ownership, credit); sales and service add revenue, pipeline, receivables and
service.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Field, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.core.compiled import compiled_rows, reader_shape
from guanxi.core.formatting import format_date
from guanxi.customers.models import ChurnCase, Customer, Document, Interaction
from guanxi.customers.selectors.pool import contact_readable

RECENT_DAYS = 90
NONE = "—"


@dataclass(frozen=True)
class KeyFigure:
    """One figure: ``value`` is the raw value (for tests and the API), ``display`` its text.

    ``tone`` is "" or "warning" (shown highlighted, e.g. a credit hold).
    """

    key: str
    label: str
    value: Any
    display: str
    tone: str = ""


@dataclass(frozen=True)
class FigureSource:
    """``facts(*, actor)`` → ``{name: expression over a Customer row}`` (empty when the reader
    may not see them); ``figures(*, actor, customer, facts)`` → the figures, from the values.
    Fact names are shared by every source: prefix them with the source's topic."""

    facts: Callable[..., dict[str, Any]]
    figures: Callable[..., Iterable[KeyFigure]]


_SOURCES: list[FigureSource] = []


def register(source: FigureSource) -> FigureSource:
    """Add a source; figures appear in registration order."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def _facts_query(actor, pk: int) -> tuple[QuerySet[Any], list[tuple[FigureSource, tuple]]]:
    """The one query of every source's facts for customer ``pk``, and each source's names."""
    wanted = [(source, source.facts(actor=actor)) for source in _SOURCES]
    expressions: dict[str, Any] = {}
    for _source, facts in wanted:
        clash = expressions.keys() & facts.keys()
        assert not clash, f"key figure facts named twice: {sorted(clash)}"
        expressions.update(facts)
    query = Customer.all_objects.filter(pk=pk).annotate(**expressions).values(*expressions)
    return query, [(source, tuple(facts)) for source, facts in wanted]


def customer_key_figures(*, actor, customer: Customer) -> list[KeyFigure]:
    """Every registered figure for ``customer`` (already read within ``actor``'s scope), from
    one query of correlated subqueries — compiled once per reader and day
    (``core.compiled``): the facts depend on the reader's rights and scope and on the day,
    never on the time of day."""
    shape = ("customer_key_figures", reader_shape(actor), timezone.localdate())
    found = compiled_rows(shape, lambda pk: _facts_query(actor, pk), customer.pk)
    if found is not None:
        [row] = found.rows
        values = dict(zip(found.names, row, strict=True))
        wanted = found.extra
    else:
        query, wanted = _facts_query(actor, customer.pk)
        values = query.get() if any(names for _source, names in wanted) else {}
    return [
        figure
        for source, names in wanted
        if names
        for figure in source.figures(
            actor=actor, customer=customer, facts={name: values[name] for name in names}
        )
    ]


def count_of(rows: Any, **filters: Any) -> Coalesce:
    """How many of ``rows`` (a model or a queryset) belong to the customer, as a subquery."""
    return _count(rows, **filters)


def aggregate_of(
    rows: QuerySet[Any],
    aggregate: Any,
    *,
    output_field: Field[Any, Any],
    default: Any = None,
    customer_field: str = "customer",
) -> Subquery | Coalesce:
    """``aggregate`` over the customer's ``rows`` (a queryset whose ``customer_field`` leads
    to the customer), as a subquery; ``default`` replaces "no rows"."""
    subquery = Subquery(
        rows.filter(**{customer_field: OuterRef("pk")})
        .order_by()
        .values(customer_field)
        .annotate(value=aggregate)
        .values("value"),
        output_field=output_field,
    )
    if default is None:
        return subquery
    return Coalesce(subquery, default, output_field=output_field)


def _date(value: datetime.datetime | None) -> str:
    return format_date(value) if value else NONE


def _count(rows, **filters) -> Coalesce:
    """How many of ``rows`` (a model or a queryset) belong to the customer, as a subquery."""
    if not hasattr(rows, "query"):
        rows = rows.objects.all()
    rows = (
        rows.filter(customer=OuterRef("pk"), **filters)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _basic_facts(*, actor) -> dict[str, Any]:
    # From the start of the day: the same for every page of the day (see core.compiled).
    since = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=RECENT_DAYS), datetime.time.min
        )
    )
    open_case = ChurnCase.objects.filter(
        customer=OuterRef("pk"), state__in=ChurnCase.OPEN_STATES
    ).order_by("-warned_at")
    return {
        "recent_interactions": _count(Interaction, occurred_at__gte=since),
        "document_count": _count(Document, interaction__isnull=True),
        # What the contacts panel lists: the contacts this reader may read.
        "contact_count": _count(contact_readable(actor=actor)),
        "open_churn_state": Subquery(open_case.values("state")[:1]),
    }


def _basic_figures(*, actor, customer: Customer, facts: dict[str, Any]) -> list[KeyFigure]:
    """The figures the customers app knows."""
    figures = [
        KeyFigure(
            "last_follow_up",
            _("Last follow-up"),
            customer.last_follow_up_at,
            _date(customer.last_follow_up_at),
        ),
        KeyFigure(
            "recent_interactions",
            ngettext(
                "Interactions in the last %(days)d day",
                "Interactions in the last %(days)d days",
                RECENT_DAYS,
            )
            % {"days": RECENT_DAYS},
            facts["recent_interactions"],
            str(facts["recent_interactions"]),
        ),
        KeyFigure(
            "documents", _("Documents"), facts["document_count"], str(facts["document_count"])
        ),
        KeyFigure("contacts", _("Contacts"), facts["contact_count"], str(facts["contact_count"])),
        KeyFigure(
            "completeness",
            _("Completeness"),
            customer.completeness,
            f"{customer.completeness}%",
        ),
        KeyFigure(
            "last_order", _("Last order"), customer.last_order_at, _date(customer.last_order_at)
        ),
    ]
    state = facts["open_churn_state"]
    figures.append(
        KeyFigure(
            "churn",
            _("Churn status"),
            state,
            str(ChurnCase.State(state).label) if state else _("No open churn case"),
            "warning" if state else "",
        )
    )
    days = None
    if customer.owner_id and customer.owned_since:
        days = (timezone.now() - customer.owned_since).days
    figures.append(
        KeyFigure(
            "owned_days",
            _("Days with the account manager"),
            days,
            str(days) if days is not None else NONE,
        )
    )
    figures.append(
        KeyFigure(
            "credit_status",
            _("Credit status"),
            customer.credit_status,
            customer.get_credit_status_display(),
            "warning" if customer.on_credit_hold else "",
        )
    )
    return figures


register(FigureSource(facts=_basic_facts, figures=_basic_figures))
