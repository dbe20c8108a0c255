"""The tabs of a customer's 360 page 关联记录: its orders, deals, service requests, documents.

A registry like the timeline's: each :class:`RelatedTab` lists, for a reader and a customer, the
newest rows of one kind as :class:`RelatedRow` (one scoped, bounded query) and may link to the
module's full list. The page loads a tab when it is opened (htmx), so the tabs cost the 360
page nothing until used. Sales and service register theirs in ``ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from guanxi.customers import rules
from guanxi.customers.models import Customer

TAB_ROWS = 20


@dataclass(frozen=True)
class RelatedRow:
    title: str
    url: str
    when: datetime.date | datetime.datetime | None = None
    status: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class RelatedTab:
    """``rows(actor=, customer=, limit=)`` → the newest rows; ``more_url(customer)`` (optional)
    → the module's list of them all."""

    key: str
    label: Any
    permission: str
    rows: Callable[..., list[RelatedRow]]
    more_url: Callable[[Customer], str] | None = None
    order: int = 100


_TABS: dict[str, RelatedTab] = {}


def register(tab: RelatedTab) -> RelatedTab:
    _TABS[tab.key] = tab
    return tab


def related_tabs(*, actor) -> list[RelatedTab]:
    """The tabs ``actor`` may open, in their order."""
    tabs = [tab for tab in _TABS.values() if actor.has_perm(tab.permission)]
    return sorted(tabs, key=lambda tab: tab.order)


def related_tab(*, actor, key: str) -> RelatedTab | None:
    return next((tab for tab in related_tabs(actor=actor) if tab.key == key), None)


def _documents(*, actor, customer: Customer, limit: int) -> list[RelatedRow]:
    from guanxi.customers.timeline import DocumentProvider  # the same documents as the timeline

    readable = DocumentProvider().queryset(actor=actor, customer=customer)
    documents = readable.order_by("-created_at", "-pk")[:limit]
    return [
        RelatedRow(title=document.title, url=document.get_absolute_url(), when=document.created_at)
        for document in documents
    ]


register(
    RelatedTab(
        key="documents",
        label=gettext_lazy("Documents"),
        permission=rules.VIEW_DOCUMENT,
        rows=_documents,
        order=40,
    )
)
