"""A batch of imported interactions written at once (``InteractionImporter.write_batch``).

Every row is first checked with the rules ``interaction_create`` and ``interaction_update``
apply (``interaction_fields_clean``: the contact's customer, no future or pre-1970 dates,
trimmed texts; then the model's field checks); then the valid ones are written in a few
statements: new interactions with their audit entries (COPY on PostgreSQL), changed ones as
versioned updates with theirs, who had each one (``on_behalf_of``) as the row-by-row import
records it, and every customer's last follow-up moved forward once per batch.
"""

import copy
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.exceptions import ConflictError
from guanxi.core.imports.bulk import instance_clean, records_insert, records_update, values_clean
from guanxi.core.imports.registry import CREATED, UNCHANGED, UPDATED, Importer, ImportRow
from guanxi.core.rules import require
from guanxi.customers import rules
from guanxi.customers.models import Interaction
from guanxi.customers.services.interactions import (
    customers_follow_up_record,
    interaction_fields_clean,
)

FIELDS = ("kind", "occurred_at", "place", "summary", "details")


def _allowed(actor: Any, permission: str) -> bool:
    try:
        require(actor, permission)
    except PermissionDenied:
        return False
    return True


def _given(row: ImportRow) -> dict[str, Any]:
    values: dict[str, Any] = {name: row.values[name] for name in FIELDS if name in row.values}
    if "contact" in row.related:
        values["contact"] = row.related["contact"]
    return values


def _behalf(actor: Any, row: ImportRow, current: int | None) -> int | None:
    """Whom the interaction was entered for: the person named in the file (none if it is the
    importer), else what the service recorded (``current``)."""
    owner_id = row.values.get("owner")
    if owner_id is None:
        return current
    return None if owner_id == actor.pk else owner_id


def _new_values(actor: Any, row: ImportRow) -> dict[str, Any] | None:
    customer = row.related["customer"]
    try:
        fields = interaction_fields_clean(
            customer, {**_given(row), "external_ref": row.values.get("external_ref")}
        )
        contact = fields.pop("contact", None)
        values = values_clean(Interaction, fields)
    except ValidationError as error:
        row.errors_from(error)
        return None
    owner_id = customer.owner_id
    values.update(
        customer_id=customer.pk,
        contact_id=contact.pk if contact is not None else None,
        # As interaction_create records it: entered for the customer's manager.
        on_behalf_of_id=_behalf(
            actor, row, owner_id if owner_id is not None and owner_id != actor.pk else None
        ),
    )
    if row.values.get("created_at") is not None:
        values["created_at"] = row.values["created_at"]
    return values


def _changes(row: ImportRow) -> dict[str, Any] | None:
    interaction: Interaction = row.existing
    changes = Importer.changes(interaction, _given(row))
    if not changes:
        return changes
    try:
        changes = interaction_fields_clean(interaction.customer, changes)
        changed = copy.copy(interaction)
        for name, value in changes.items():
            setattr(changed, name, value)
        instance_clean(changed)
    except ValidationError as error:
        row.errors_from(error)
        return None
    return changes


def interactions_write(*, actor: Any, rows: list[ImportRow]) -> bool:
    """Write ``rows`` at once; False when the actor lacks a right the services check, so the
    engine reports it row by row."""
    if not _allowed(actor, rules.ADD_INTERACTION):
        return False
    if any(r.existing is not None for r in rows) and not _allowed(actor, rules.CHANGE_INTERACTION):
        return False
    new: list[tuple[ImportRow, dict[str, Any]]] = []
    changed: list[tuple[ImportRow, dict[str, Any]]] = []
    behalf: list[tuple[ImportRow, int | None]] = []
    for row in rows:
        if row.existing is None:
            values = _new_values(actor, row)
            if values is not None:
                new.append((row, values))
            continue
        changes = _changes(row)
        if changes is None:
            continue
        if changes:
            changed.append((row, changes))
        else:
            row.outcome = UNCHANGED
        current = row.existing.on_behalf_of_id
        if row.values.get("owner") is not None and _behalf(actor, row, current) != current:
            behalf.append((row, _behalf(actor, row, current)))
    latest: dict[int, datetime] = {}
    records_insert(Interaction, [values for _row, values in new], actor=actor)
    for row, values in new:
        row.outcome = CREATED
        _later(latest, values["customer_id"], values["occurred_at"])
    _update(actor, changed, latest)
    _behalf_write(behalf)
    customers_follow_up_record(latest=latest)
    return True


def _later(latest: dict[int, datetime], customer_id: int, occurred_at: datetime) -> None:
    if customer_id not in latest or latest[customer_id] < occurred_at:
        latest[customer_id] = occurred_at


def _update(
    actor: Any, changed: list[tuple[ImportRow, dict[str, Any]]], latest: dict[int, datetime]
) -> None:
    if not changed:
        return
    for row, changes in changed:
        for name, value in changes.items():
            setattr(row.existing, name, value)
    names = sorted({name for _row, changes in changed for name in changes})
    interactions = [row.existing for row, _changes in changed]
    stale = {i.pk for i in records_update(Interaction, interactions, fields=names, actor=actor)}
    for row, changes in changed:
        if row.existing.pk in stale:
            row.error("", str(ConflictError.default_message), "refused")
            continue
        row.outcome = UPDATED
        if "occurred_at" in changes:
            _later(latest, row.existing.customer_id, row.existing.occurred_at)


def _behalf_write(behalf: list[tuple[ImportRow, int | None]]) -> None:
    """Who had the interaction, written as the row-by-row import does: a plain UPDATE."""
    groups: dict[int | None, list[int]] = {}
    for row, owner_id in behalf:
        if row.failed:
            continue
        groups.setdefault(owner_id, []).append(row.existing.pk)
        row.outcome = row.outcome if row.outcome == CREATED else UPDATED
    for owner_id, ids in groups.items():
        Interaction.all_objects.filter(pk__in=ids).update(on_behalf_of_id=owner_id)
