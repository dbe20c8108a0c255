"""Duplicate check on create: same normalised name, phone digits, e-mail or tax id.

Candidates are looked up among all live customers, but only those in the actor's scope are
named; the others are only counted, so the check never reveals a customer the user may not see.
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.phones import phone_key
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer

# Legal-form endings that do not tell two companies apart (longest first).
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "公司",
    "coltd",
    "limited",
    "ltd",
    "inc",
    "llc",
)
MAX_CANDIDATES = 10


def name_key(name: str) -> str:
    """``name`` folded for comparison: NFKC, casefold, no spaces/punctuation, no legal suffix."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(char for char in text if unicodedata.category(char)[0] in "LN")
    for suffix in LEGAL_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def phone_digits(phone: str) -> str:
    """The duplicate-check key of a phone: the same for every spelling of one number."""
    return phone_key(phone)


@dataclass
class Duplicates:
    """What a duplicate check found: visible candidates, and how many others exist."""

    visible: list = field(default_factory=list)
    hidden_count: int = 0

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


class DuplicateError(ValidationError):
    """A create refused because likely duplicates exist; carries them for the form or API."""

    def __init__(self, duplicates: Duplicates):
        self.duplicates = duplicates
        super().__init__(
            _("Similar customers already exist. Check them, then confirm to create anyway."),
            code="duplicate",
        )


def duplicate_candidates(
    *, actor, name: str = "", phone: str = "", email: str = "", tax_id: str = "", **_other
) -> Duplicates:
    condition = Q()
    if key := name_key(name):
        condition |= Q(name_key=key)
    if digits := phone_digits(phone):
        condition |= Q(phone_digits=digits)
    if email := (email or "").strip():
        condition |= Q(email__iexact=email)
    if tax_id := (tax_id or "").strip().upper():
        condition |= Q(tax_id=tax_id)
    if not condition:
        return Duplicates()
    matches = Customer.objects.filter(condition)
    visible = list(
        scope_queryset(matches, actor)
        .select_related("owner")
        .order_by("name", "id")[:MAX_CANDIDATES]
    )
    hidden = matches.exclude(pk__in=scope_queryset(matches, actor).values("pk")).count()
    return Duplicates(visible=visible, hidden_count=hidden)


def raise_if_duplicates(*, actor, **fields) -> None:
    duplicates = duplicate_candidates(actor=actor, **fields)
    if duplicates:
        raise DuplicateError(duplicates)
