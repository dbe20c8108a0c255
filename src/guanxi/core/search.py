"""The global search 全局搜索: one box finding customers, leads, orders... grouped by kind.

Core owns the box, the page, the API and the rules every kind shares (what a valid term is,
how many results a group shows, that a kind is searched only by holders of its view right),
but knows no record. Each app registers its kinds with :func:`register` in its
``AppConfig.ready()``; a kind's provider reads through the app's own scoped selectors and its
existing search rule, so the global search finds exactly what that reader's lists would.

A provider is called once per search with a :class:`SearchQuery` and answers at most
``query.limit + 1`` hits in one database query (the extra one only tells that there are more):
the search costs at most one query per kind, whatever the number of matches.
"""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _

MIN_TERM_LENGTH = 2
MAX_TERM_LENGTH = 100
DROPDOWN_LIMIT = 5  # per kind, in the header's dropdown
PAGE_LIMIT = 20  # per kind, on /search/
MAX_LIMIT = PAGE_LIMIT

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SearchQuery:
    """One search: who asks, the cleaned term, how many hits per kind, and the request (for the
    sensitive-access log when a hit shows a protected field in full; None outside a request).

    ``memo`` holds what several kinds of one search share (the customers the term finds, whose
    orders, requests... are found with them), so it is read once per search, not once per kind.
    """

    actor: Any
    term: str
    limit: int
    request: Any = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SearchHit:
    """One record found, as the dropdown, the page and the API show it."""

    id: int
    kind: str
    kind_label: str
    title: str
    subtitle: str
    url: str


Provider = Callable[[SearchQuery], Sequence[SearchHit]]


@dataclass(frozen=True)
class SearchKind:
    """A kind of record the global search finds.

    ``provider`` answers the hits (at most ``limit + 1``); ``permission`` is the right needed to
    search the kind at all; ``list_url_name`` (optional) is the kind's list page, which takes
    the term as ``?q=`` (with ``list_params``) to show every match.
    """

    key: str
    label: str | Promise
    permission: str
    provider: Provider
    order: int = 1000
    list_url_name: str = ""
    list_params: tuple[tuple[str, str], ...] = ()

    def list_url(self, term: str) -> str:
        if not self.list_url_name:
            return ""
        return f"{reverse(self.list_url_name)}?{urlencode([*self.list_params, ('q', term)])}"


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one kind, and whether more records of the kind match."""

    kind: str
    label: str
    hits: list[SearchHit]
    more: bool
    list_url: str = ""


@dataclass(frozen=True)
class SearchOutcome:
    term: str
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(group.hits for group in self.groups)


def first_matches(shown: "QuerySet[M]", matches: "QuerySet[M]", count: int) -> "QuerySet[M]":
    """The first ``count`` of ``matches`` (in its order), as ``shown`` reads them: one query.

    ``matches`` picks the ids (a subquery with its LIMIT), ``shown`` adds what a hit displays
    (its joins) for those rows only. Joined straight to the filtered table, the planner may
    misjudge how many rows an OR of conditions keeps and join the whole customer table first.
    """
    return shown.filter(pk__in=matches.values("pk")[:count])


_KINDS: dict[str, SearchKind] = {}


def register(*kinds: SearchKind) -> None:
    """Add (or replace, by key) searchable kinds; called from the apps' ``ready()``."""
    for kind in kinds:
        _KINDS[kind.key] = kind


def search_kinds() -> list[SearchKind]:
    """Every registered kind, in the order the results show them."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def search_kinds_for(user: Any) -> list[SearchKind]:
    """The kinds ``user`` may search: those whose view right they hold."""
    if user is None or not user.is_authenticated:
        return []
    return [
        kind for kind in search_kinds() if not kind.permission or user.has_perm(kind.permission)
    ]


def search_term_clean(raw: Any) -> str:
    """The term to search for, or a ValidationError saying what is wrong with it.

    Whitespace runs become one space and the ends are trimmed; other control characters are
    refused, so are terms of fewer than two characters (they would match most records) and of
    more than a hundred.
    """
    text = "" if raw is None else str(raw)
    if any(unicodedata.category(char) == "Cc" and not char.isspace() for char in text):
        raise ValidationError(_("Enter a search term without control characters."), code="invalid")
    term = " ".join(text.split())
    if len(term) > MAX_TERM_LENGTH:
        raise ValidationError(
            _("Enter at most %(limit)d characters to search for.") % {"limit": MAX_TERM_LENGTH},
            code="max_length",
        )
    if len(term.replace(" ", "")) < MIN_TERM_LENGTH:
        raise ValidationError(
            _("Enter at least %(limit)d characters to search for.") % {"limit": MIN_TERM_LENGTH},
            code="min_length",
        )
    return term


def global_search(
    *, actor: Any, term: str, limit: int = DROPDOWN_LIMIT, request: Any = None
) -> SearchOutcome:
    """What ``term`` (already cleaned) finds of every kind ``actor`` may search, grouped by kind.

    Groups without hits are left out. Each kind costs its provider's one query.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    query = SearchQuery(actor=actor, term=term, limit=limit, request=request)
    groups = []
    for kind in search_kinds_for(actor):
        hits = list(kind.provider(query))[: limit + 1]
        if hits:
            groups.append(
                SearchGroup(
                    kind=kind.key,
                    label=str(kind.label),
                    hits=hits[:limit],
                    more=len(hits) > limit,
                    list_url=kind.list_url(term),
                )
            )
    return SearchOutcome(term=term, groups=groups)
