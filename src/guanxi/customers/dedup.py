"""Duplicate check on create: same normalised name, phone digits, e-mail or tax id.

Candidates are looked up among all live customers, but only those in the actor's scope are
named; the others are only counted, so the check never reveals a customer the user may not see.

A field protected from the actor (a mask/hide rule on the phone, e-mail or tax id, see
customers.masking) must not be recoverable through the check either: naming the customer whose
tax id the actor just typed tells them that customer's hidden tax id. Customers found only
through such a field are *withheld*: the actor learns that a possible duplicate exists, not which
one nor by which field, and the service tells someone who may see it (the owner, else a
supervisor; notifications.POSSIBLE_DUPLICATE).
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.phones import phone_key
from guanxi.core.scoping import scope_queryset
from guanxi.customers.masking import field_protection
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
    """What a duplicate check found: visible candidates, and how many others exist.

    ``withheld`` are customers found only through a field protected from the actor: never shown
    to them (only that they exist), kept for the notification to someone who may see them.
    """

    visible: list = field(default_factory=list)
    hidden_count: int = 0
    withheld: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0 or bool(self.withheld)


class DuplicateError(ValidationError):
    """A create refused because likely duplicates exist; carries them for the form or API."""

    def __init__(self, duplicates: Duplicates):
        self.duplicates = duplicates
        if duplicates.visible or duplicates.hidden_count:
            message = _(
                "Similar customers already exist. Check them, then confirm to create anyway."
            )
        else:
            message = _(
                "A possible duplicate of this customer exists; someone who may see it has been "
                "told. Confirm to create anyway."
            )
        super().__init__(message, code="duplicate")


def duplicate_candidates(
    *, actor, name: str = "", phone: str = "", email: str = "", tax_id: str = "", **_other
) -> Duplicates:
    # Per protectable field (masking's rule keys) the condition it contributes; the name is
    # never protected.
    conditions: dict[str, Q] = {}
    if key := name_key(name):
        conditions["customer.name"] = Q(name_key=key)
    if digits := phone_digits(phone):
        conditions["customer.phone"] = Q(phone_digits=digits)
    if email := (email or "").strip():
        conditions["customer.email"] = Q(email__iexact=email)
    if tax_id := (tax_id or "").strip().upper():
        conditions["customer.tax_id"] = Q(tax_id=tax_id)
    protection = field_protection(actor) if conditions.keys() - {"customer.name"} else {}
    shown, protected = Q(), Q()
    for rule_key, condition in conditions.items():
        if rule_key in protection:
            protected |= condition
        else:
            shown |= condition
    duplicates = Duplicates()
    if shown:
        matches = Customer.objects.filter(shown)
        duplicates.visible = list(
            scope_queryset(matches, actor)
            .select_related("owner")
            .order_by("name", "id")[:MAX_CANDIDATES]
        )
        duplicates.hidden_count = matches.exclude(
            pk__in=scope_queryset(matches, actor).values("pk")
        ).count()
    if protected:
        withheld = Customer.objects.filter(protected)
        if shown:
            withheld = withheld.exclude(shown)
        duplicates.withheld = list(
            withheld.select_related("owner").order_by("name", "id")[:MAX_CANDIDATES]
        )
    return duplicates


def raise_if_duplicates(*, actor, **fields) -> None:
    duplicates = duplicate_candidates(actor=actor, **fields)
    if duplicates:
        raise DuplicateError(duplicates)
