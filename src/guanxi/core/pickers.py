"""The registry of record pickers: which kinds of record a form field can choose by typing.

A field that points to a customer, a product or a user is an autocomplete picker
(``core.forms.pickers.PickerField``), answered by ``GET /pick/<kind>/?q=``
(``core.views.pickers``). Core knows no domain model: each app registers its kinds in its
``AppConfig.ready()`` with a provider in ``<app>/selectors/pickers.py`` that uses the app's own
scoped selectors, so a picker never offers, and a form never accepts, a record the acting user
may not see. The provider also words the options, masking what the reader may not see in full.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

# Longer terms are cut: nobody types more, and it bounds the work of one request.
MAX_TERM_LENGTH = 100
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class PickerOption:
    """One record offered: its id, the first line (name) and a second one (code · owner …).

    ``data`` carries values a page's script needs about the record (a product's price), sent
    as ``data-*`` attributes and in the JSON answer.
    """

    pk: int
    label: str
    detail: str = ""
    data: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.pk, "label": self.label, "detail": self.detail, "data": self.data}


@dataclass(frozen=True)
class PickerKind:
    """How one kind of record is picked.

    ``queryset(actor)`` is every record ``actor`` may choose (a posted id outside it is refused);
    ``search(actor, term, limit)`` returns up to ``limit`` of those records matching ``term`` in
    the order to offer them; ``option(actor, record, request)`` words one of them (``request``
    is given when a page or the endpoint shows it, for the sensitive-access log).
    """

    key: str
    label: str | Promise
    queryset: Callable[[Any], QuerySet[Any]]
    search: Callable[..., Sequence[Model]]
    option: Callable[[Any, Any, HttpRequest | None], PickerOption]
    # Shorter terms answer nothing: they would match too much to be useful.
    min_length: int = 1
    placeholder: str | Promise = ""
    # The right needed to ask the endpoint (empty: anyone signed in); scope still applies.
    permission: str = ""
    # Query parameters (besides ``q``) that narrow the options, passed to ``search`` as keyword
    # arguments (always as strings, "" when absent): e.g. the customer whose contacts to offer.
    params: tuple[str, ...] = ()


_KINDS: dict[str, PickerKind] = {}


def register(*kinds: PickerKind) -> None:
    """Add (or replace, by key) picker kinds; called from the apps' ``ready()``."""
    for kind in kinds:
        _KINDS[kind.key] = kind


def picker_kind(key: str) -> PickerKind:
    """The registered kind ``key``; ``KeyError`` when no app registered it."""
    return _KINDS[key]


def picker_kinds() -> list[PickerKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def picker_search(
    *,
    kind: PickerKind,
    actor: Any,
    term: str,
    limit: int = DEFAULT_LIMIT,
    request=None,
    params: Mapping[str, str] | None = None,
) -> tuple[list[PickerOption], bool]:
    """The options ``term`` finds for ``actor`` and whether more records match than shown;
    ``params`` are the narrowing parameters the kind takes (others are ignored)."""
    term = (term or "").strip()[:MAX_TERM_LENGTH]
    if len(term) < kind.min_length:
        return [], False
    given = params or {}
    narrowing = {name: str(given.get(name) or "")[:MAX_TERM_LENGTH] for name in kind.params}
    records = list(kind.search(actor, term, limit + 1, **narrowing))
    options = [kind.option(actor, record, request) for record in records[:limit]]
    return options, len(records) > limit
