"""A batch of imported contacts written at once (``ContactImporter.write_batch``).

Every row is first checked with the rules ``contact_create`` and ``contact_update`` apply
(phones normalised and validated, the model's field checks); then the valid ones are written
in a few statements: new contacts with their audit entries (COPY on PostgreSQL), changed ones
as versioned updates with theirs, the primary-contact rule settled per customer as if the rows
had come one by one, and the search keys of every customer touched rewritten once, so the
customer is found by a new contact's name right away.
"""

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from guanxi.core.exceptions import ConflictError
from guanxi.core.imports.bulk import (
    history_write,
    instance_clean,
    records_insert,
    records_update,
    values_clean,
)
from guanxi.core.imports.registry import CREATED, UNCHANGED, UPDATED, Importer, ImportRow
from guanxi.core.phones import phone_fields_normalise
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.rules import require
from guanxi.core.selectors.divisions import DIVISION_FIELDS
from guanxi.core.services.records import record_bulk_update
from guanxi.customers import rules
from guanxi.customers.models import Contact, FlaggedValue
from guanxi.customers.services.customers import (
    CONTACT_PHONE_FIELDS,
    PRIMARY_REPLACED,
    customers_search_refresh,
    field_labels,
)

FIELDS = ("name", "gender", "title", "office_phone", "mobile", "email", "notes", *DIVISION_FIELDS)


def _allowed(actor: Any, permission: str) -> bool:
    try:
        require(actor, permission)
    except PermissionDenied:
        return False
    return True


def _new_values(row: ImportRow, labels: dict[str, Any]) -> dict[str, Any] | None:
    """The contact ``row`` creates, as ``contact_create`` would store it; None if refused."""
    fields = {name: row.values[name] for name in FIELDS if name in row.values}
    try:
        phone_fields_normalise(fields, labels)
        fields["is_primary"] = bool(row.values.get("is_primary"))
        fields["external_ref"] = row.values.get("external_ref")
        cleaned = values_clean(Contact, fields)
    except ValidationError as error:
        row.errors_from(error)
        return None
    # Stored by column: the divisions (checked by the importer's look-ups) by their codes.
    for name in DIVISION_FIELDS:
        if name in cleaned:
            division = cleaned.pop(name)
            cleaned[f"{name}_id"] = division.pk if division is not None else None
    cleaned["name_sort"] = pinyin_sort_key(cleaned["name"])
    return cleaned


def _changes(row: ImportRow, labels: dict[str, Any]) -> dict[str, Any] | None:
    """What ``row`` changes on its existing contact (checked); None if refused."""
    contact: Contact = row.existing
    values = {name: row.values[name] for name in FIELDS if name in row.values}
    try:
        # Stored in E.164: compared normalised, so an unchanged number is no change.
        phone_fields_normalise(values, labels, current=contact)
        changes = Importer.changes(contact, values)
        if "name" in changes:
            changes["name_sort"] = pinyin_sort_key(changes["name"])
        if changes:
            changed = copy.copy(contact)
            for name, value in changes.items():
                setattr(changed, name, value)
            instance_clean(changed)
        return changes
    except ValidationError as error:
        row.errors_from(error)
        return None


def _primaries(actor: Any, rows: list[ImportRow]) -> tuple[set[int], set[int]]:
    """The rows whose contact ends up primary, and those whose contact was primary when
    created but gave the flag to a later row of the batch — as ``contact_create_within``
    decides one row at a time: a row asking for it, or the first contact of a customer,
    takes the flag from the customer's current primary contact (unflagged here, with its
    audit entry)."""
    customer_ids = {row.related["customer"].pk for row in rows}
    has_contacts = set(
        Contact.objects.filter(customer_id__in=customer_ids)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    primary: dict[int, int] = {}
    replaced: set[int] = set()
    for row in rows:
        customer_id = row.related["customer"].pk
        if row.values.get("is_primary") or customer_id not in has_contacts:
            if customer_id in primary:
                replaced.add(primary[customer_id])
            primary[customer_id] = row.number
            has_contacts.add(customer_id)
    if primary:
        record_bulk_update(
            queryset=Contact.objects.filter(customer_id__in=list(primary), is_primary=True),
            values={"is_primary": False},
            reason=PRIMARY_REPLACED,
            actor=actor,
        )
    return set(primary.values()), replaced


def contacts_write(*, actor: Any, rows: list[ImportRow]) -> bool:
    """Write ``rows`` (checked already by the importer's look-ups) at once; False when the
    actor lacks a right the services check, so the engine reports it row by row."""
    if not _allowed(actor, rules.ADD_CONTACT):
        return False
    if any(row.existing is not None for row in rows) and not _allowed(actor, rules.CHANGE_CONTACT):
        return False
    labels = field_labels(Contact, CONTACT_PHONE_FIELDS)
    new: list[tuple[ImportRow, dict[str, Any]]] = []
    changed: list[tuple[ImportRow, dict[str, Any]]] = []
    for row in rows:
        if row.existing is None:
            values = _new_values(row, labels)
            if values is not None:
                new.append((row, values))
            continue
        changes = _changes(row, labels)
        if changes:
            changed.append((row, changes))
        elif changes is not None:
            row.outcome = UNCHANGED
    _insert(actor, new)
    _update(actor, changed)
    customers_search_refresh(
        customer_ids=[row.related["customer"].pk for row, _values in new]
        + [row.existing.customer_id for row, _changes in changed if row.outcome == UPDATED]
    )
    return True


def _insert(actor: Any, new: list[tuple[ImportRow, dict[str, Any]]]) -> None:
    if not new:
        return
    primary, replaced = _primaries(actor, [row for row, _values in new])
    records = []
    for row, values in new:
        values["customer_id"] = row.related["customer"].pk
        values["is_primary"] = row.number in primary
        if row.values.get("created_at") is not None:
            values["created_at"] = row.values["created_at"]
        records.append(values)
    records_insert(Contact, records, actor=actor, history=False)
    # The audit trail of one row at a time: a contact primary when created and unflagged by
    # a later row of the batch has both entries.
    history_write(
        Contact,
        [
            {**values, "is_primary": True} if row.number in replaced else values
            for row, values in new
        ],
        kind="+",
        actor=actor,
    )
    history_write(
        Contact,
        [values for row, values in new if row.number in replaced],
        kind="~",
        actor=actor,
        reason=PRIMARY_REPLACED,
    )
    for row, _values in new:
        row.outcome = CREATED


def _update(actor: Any, changed: list[tuple[ImportRow, dict[str, Any]]]) -> None:
    if not changed:
        return
    for row, changes in changed:
        for name, value in changes.items():
            setattr(row.existing, name, value)
    names = sorted({name for _row, changes in changed for name in changes})
    contacts = [row.existing for row, _changes in changed]
    stale = {c.pk for c in records_update(Contact, contacts, fields=names, actor=actor)}
    corrected: dict[str, list[int]] = {}
    for row, changes in changed:
        if row.existing.pk in stale:
            row.error("", str(ConflictError.default_message), "refused")
            continue
        row.outcome = UPDATED
        for name in CONTACT_PHONE_FIELDS:
            if name in changes:
                corrected.setdefault(name, []).append(row.existing.pk)
    # A corrected value is no longer to be corrected (as contact_update's _unflag).
    if corrected:
        condition = Q()
        for name, contact_ids in corrected.items():
            condition |= Q(field=name, contact_id__in=contact_ids)
        FlaggedValue.objects.filter(condition).delete()
