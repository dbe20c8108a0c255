"""Importing contacts from vCard files 导入电子名片 (the rules; parsing is in ``vcard``).

A preview (``dry_run``) and a commit run the same checks, so what the preview promised is what
the commit does. The commit is all or nothing: one card with an error and nothing is written.
Importing the same file again adds nothing: a card whose name plus mobile or e-mail already
belongs to a contact of the customer is skipped.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guanxi.accounts.models import User
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.rules import require
from guanxi.customers import rules
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services.customers import (
    CONTACT_PHONE_FIELDS,
    contact_create_within,
    field_labels,
)
from guanxi.customers.vcard import ParsedCard, VCardFileError, parse_vcards, phone_key

NEW, DUPLICATE, INVALID = "new", "duplicate", "error"


@dataclass
class VCardImportRow:
    """One card of the file and what the import does with it."""

    number: int
    status: str
    fields: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    primary: bool = False


@dataclass
class VCardImportReport:
    rows: list[VCardImportRow]
    committed: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count(NEW) if self.committed else 0

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def invalid(self) -> int:
        return self.count(INVALID)


def _keys(name: str, mobile: str, email: str) -> set[tuple[str, str, str]]:
    """Identities of a contact: (name, mobile) and (name, e-mail); the bare name without both."""
    name = " ".join(name.split()).casefold()
    keys: set[tuple[str, str, str]] = set()
    if phone_key(mobile):
        keys.add((name, "tel", phone_key(mobile)))
    if email.strip():
        keys.add((name, "email", email.strip().casefold()))
    return keys or {(name, "", "")}


def _validate(card: ParsedCard, customer: Customer) -> dict[str, list[str]]:
    """The model's own checks (lengths, e-mail syntax) keyed by the field's name."""
    errors = dict(card.errors)
    if errors:
        return errors
    try:
        phone_fields_normalise(
            dict(card.fields),
            field_labels(Contact, CONTACT_PHONE_FIELDS),
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        Contact(customer=customer, **card.fields).full_clean(
            exclude=["customer"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            model_field = Contact._meta.get_field(name) if name in card.fields else None
            label = str(getattr(model_field, "verbose_name", name))
            errors.setdefault(name, []).extend(f"{label}: {message}" for message in messages)
    return errors


def _plan(*, customer: Customer, cards: list[ParsedCard]) -> list[VCardImportRow]:
    existing: set[tuple[str, str, str]] = set()
    for name, mobile, email in Contact.objects.filter(customer=customer).values_list(
        "name", "mobile", "email"
    ):
        existing |= _keys(name, mobile, email)
    rows: list[VCardImportRow] = []
    for card in cards:
        errors = _validate(card, customer)
        if errors:
            rows.append(VCardImportRow(card.number, INVALID, card.fields, errors))
            continue
        keys = _keys(card.fields["name"], card.fields["mobile"], card.fields["email"])
        status = DUPLICATE if keys & existing else NEW
        existing |= keys  # the same person twice in one file is imported once
        rows.append(VCardImportRow(card.number, status, card.fields, primary=card.primary))
    return rows


@transaction.atomic
def contacts_import_vcards(
    *, actor: User, customer: Customer, data: bytes, dry_run: bool = False
) -> VCardImportReport:
    """Check (``dry_run``) or import the cards of ``data`` as contacts of ``customer``.

    ``customer`` comes from a scoped selector. A file that cannot be read raises
    ``ValidationError`` on ``file``; cards with errors make the report uncommitted and nothing
    is written. A card marked preferred on its ORG line becomes the primary contact only if
    the customer has none yet, so an import never takes the role from an existing contact.
    """
    require(actor, rules.ADD_CONTACT)
    try:
        cards = parse_vcards(data)
    except VCardFileError as error:
        raise ValidationError({"file": [str(error)]}) from error
    if not dry_run:
        # Serialise imports into one customer: a concurrent import of the same file adds nothing.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
    report = VCardImportReport(rows=_plan(customer=customer, cards=cards))
    if dry_run or report.invalid:
        return report
    wants_primary = not Contact.objects.filter(customer=customer, is_primary=True).exists()
    for row in report.rows:
        if row.status != NEW:
            continue
        primary = wants_primary and row.primary
        contact_create_within(
            actor=actor, customer=customer, fields={**row.fields, "is_primary": primary}
        )
        wants_primary = wants_primary and not primary
    report.committed = True
    return report
