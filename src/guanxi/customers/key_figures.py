"""Key figures 关键指标 of a customer, shown at the top of the 360 page.

A small registry, like the timeline's: each provider is a function ``(*, actor, customer)``
returning :class:`KeyFigure` rows. The customers app registers what exists today (follow-ups,
interactions, documents, contacts, completeness, last order, churn, ownership, credit); the
sales and service apps register lifetime revenue, RFM and open services when they exist, so
nothing here is faked in the meantime.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


Provider = Callable[..., Iterable[KeyFigure]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (usable as a decorator); figures appear in registration order."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def customer_key_figures(*, actor, customer: Customer) -> list[KeyFigure]:
    """Every registered figure for ``customer`` (already read within ``actor``'s scope)."""
    return [
        figure for provider in _PROVIDERS for figure in provider(actor=actor, customer=customer)
    ]


def _date(value: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d") if value else NONE


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


@register
def customer_basics(*, actor, customer: Customer) -> list[KeyFigure]:
    """The figures the customers app knows, from one query of correlated subqueries."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    open_case = ChurnCase.objects.filter(
        customer=OuterRef("pk"), state__in=ChurnCase.OPEN_STATES
    ).order_by("-warned_at")
    facts = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            recent_interactions=_count(Interaction, occurred_at__gte=since),
            document_count=_count(Document, interaction__isnull=True),
            # What the contacts panel lists: the contacts this reader may read.
            contact_count=_count(contact_readable(actor=actor)),
            open_churn_state=Subquery(open_case.values("state")[:1]),
        )
        .values("recent_interactions", "document_count", "contact_count", "open_churn_state")
        .get()
    )
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
