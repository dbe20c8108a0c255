"""Merging two customers 合并客户: the duplicate's records move to the survivor, in one step.

Every row that points at a customer moves, found by walking ``Customer._meta.related_objects``
(so the foreign keys of apps written later move too) plus every generic relation (comments).
Audit history tables are left alone: they describe the past. The merged customer goes to the
recycle bin with a change reason naming the survivor, and both timelines get a MERGED event.
All of it is one transaction: any failure leaves both customers exactly as they were.
"""

from typing import Any, cast

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.exceptions import ConflictError
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import record_bulk_update, record_update, system_reason
from guanxi.customers import events, reassign_hooks, rules
from guanxi.customers.models import ChurnCase, Contact, Customer
from guanxi.customers.services.customers import (
    CUSTOMER_EDITABLE_FIELDS,
    derive_keys,
    tags_normalise,
)

# Fields the survivor always keeps as they are (identity, ownership, its own state).
_KEPT_FIELDS = {"name", "kind", "owner", "tags", "credit_status"}
# 省/市/区县 move together: a city taken alone could lie outside the survivor's province.
_DIVISION_IDS = ("province_id", "city_id", "district_id")
# Dates kept on the row for the jobs: the later of the two is the truth after a merge.
_LATEST_DATES = ("last_follow_up_at", "last_order_at", "last_won_at")
MERGE_MOVE = system_reason(
    "customers.merge_move", gettext_lazy("Moved to the surviving customer of a merge")
)


def _is_history(model: type[Model]) -> bool:
    # simple-history's generated models carry the model they record as ``instance_type``.
    return hasattr(model, "instance_type")


def _lock_both(*, actor: User, survivor: Customer, merged: Customer) -> tuple[Customer, Customer]:
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": _("A customer cannot be merged into itself.")})
    visible = {
        customer.pk: customer
        for customer in scope_queryset(
            Customer.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]), actor
        ).order_by("pk")
    }
    if len(visible) != 2:
        raise Customer.DoesNotExist
    return visible[survivor.pk], visible[merged.pk]


def _check_version(customer: Customer, expected: int | None) -> None:
    if expected is not None and int(expected) != customer.version:
        raise ConflictError(current_version=customer.version)


def _update(*, actor: User, rows: QuerySet[Any], values: dict[str, Any]) -> int:
    """Move ``rows`` set-wise; an audited model gets its history rows (by ``actor``) in bulk."""
    if hasattr(rows.model, "history"):
        return record_bulk_update(queryset=rows, values=values, reason=MERGE_MOVE, actor=actor)
    return rows.update(**values)


def _move_contacts(*, actor: User, survivor: Customer, merged: Customer) -> int:
    """The survivor's primary contact stays the one; the duplicate's becomes an ordinary one."""
    if Contact.objects.filter(customer=survivor, is_primary=True).exists():
        _update(
            actor=actor,
            rows=Contact.all_objects.filter(customer=merged, is_primary=True),
            values={"is_primary": False},
        )
    return _update(
        actor=actor,
        rows=Contact.all_objects.filter(customer=merged),
        values={"customer": survivor},
    )


def _close_churn_cases(*, actor: User, merged: Customer) -> None:
    """A customer has at most one open churn case, and the survivor's status speaks for it; the
    duplicate's open case is closed as cleared (it stays in the history)."""
    ChurnCase.objects.filter(customer=merged, state__in=ChurnCase.OPEN_STATES).update(
        state=ChurnCase.State.CLEARED, closed_at=timezone.now(), closed_by=actor
    )


def _move_related(*, actor: User, survivor: Customer, merged: Customer) -> dict[str, int]:
    """Point every foreign key and many-to-many row at the survivor; returns counts per model."""
    moved: dict[str, int] = {}
    for relation in Customer._meta.related_objects:
        # A reverse relation's model is a class, never the "self" placeholder.
        model = cast(type[Model], relation.related_model)
        if _is_history(model):
            continue
        label = model._meta.label_lower
        if relation.many_to_many:
            accessor = cast(str, relation.get_accessor_name())
            others = list(getattr(merged, accessor).all())
            getattr(survivor, accessor).add(*others)
            getattr(merged, accessor).clear()
            moved[label] = len(others)
            continue
        field = relation.field
        rows = model._base_manager.filter(**{field.name: merged})
        if relation.one_to_one and model._base_manager.filter(**{field.name: survivor}).exists():
            continue  # the survivor already has its own; the duplicate's stays with it
        count = _update(actor=actor, rows=rows, values={field.name: survivor})
        moved[label] = moved.get(label, 0) + count
    return moved


def _move_generic(*, actor: User, survivor: Customer, merged: Customer) -> dict[str, int]:
    """Rows attached through a generic relation (comments, ...) follow the customer too."""
    content_type = ContentType.objects.get_for_model(Customer)
    moved: dict[str, int] = {}
    for model in apps.get_models():
        if _is_history(model):
            continue
        for field in model._meta.private_fields:
            if not isinstance(field, GenericForeignKey):
                continue
            id_field = cast("Field[Any, Any]", model._meta.get_field(field.fk_field))
            count = _update(
                actor=actor,
                rows=model._base_manager.filter(
                    **{field.ct_field: content_type, field.fk_field: id_field.to_python(merged.pk)}
                ),
                values={field.fk_field: id_field.to_python(survivor.pk)},
            )
            label = model._meta.label_lower
            moved[label] = moved.get(label, 0) + count
    return moved


def _merge_fields(*, survivor: Customer, merged: Customer) -> None:
    """Fill the survivor's empty fields from the duplicate, unite tags, keep the latest dates."""
    for name in CUSTOMER_EDITABLE_FIELDS:
        if name in _KEPT_FIELDS:
            continue
        attname = cast("Field[Any, Any]", Customer._meta.get_field(name)).attname
        if attname in _DIVISION_IDS:
            continue
        if getattr(survivor, attname) in (None, "") and getattr(merged, attname) not in (None, ""):
            setattr(survivor, attname, getattr(merged, attname))
    if not any(getattr(survivor, attname) for attname in _DIVISION_IDS):
        for attname in _DIVISION_IDS:
            setattr(survivor, attname, getattr(merged, attname))
    survivor.tags = tags_normalise(survivor.tag_list + merged.tag_list)
    if merged.on_credit_hold and not survivor.on_credit_hold:
        # The hold was set by someone allowed to (services.credit) and binds the business, not
        # the row: merging it away must not lift it.
        for name in ("credit_status", "credit_hold_reason", "credit_hold_by", "credit_hold_at"):
            setattr(survivor, name, getattr(merged, name))
    for name in _LATEST_DATES:
        dates = [d for d in (getattr(survivor, name), getattr(merged, name)) if d is not None]
        setattr(survivor, name, max(dates) if dates else None)


@transaction.atomic
def customer_merge(
    *,
    actor: User,
    survivor: Customer,
    merged: Customer,
    survivor_version: int | None = None,
    merged_version: int | None = None,
) -> Customer:
    """Merge ``merged`` (a duplicate) into ``survivor``; returns the survivor.

    The actor needs the right to change customers and must see both (403 / ``DoesNotExist``).
    With ``*_version`` given, a customer changed since it was read is a conflict and nothing
    happens. Contacts, interactions, documents, events, churn cases, comments and any other
    related rows move; the survivor's primary contact stays primary; its empty fields are
    filled from the duplicate and the tags united; the duplicate goes to the recycle bin.
    """
    require(actor, rules.CHANGE_CUSTOMER)
    survivor, merged = _lock_both(actor=actor, survivor=survivor, merged=merged)
    _check_version(survivor, survivor_version)
    _check_version(merged, merged_version)

    if merged.owner_id != survivor.owner_id:
        # The duplicate's open work passes to the survivor's owner before it moves over, as in
        # any change of owner; its closed work moves unchanged.
        reassign_hooks.run(
            actor=actor, customer=merged, previous=merged.owner, owner=survivor.owner
        )
    contacts = _move_contacts(actor=actor, survivor=survivor, merged=merged)
    _close_churn_cases(actor=actor, merged=merged)
    moved = _move_related(actor=actor, survivor=survivor, merged=merged)
    moved[Contact._meta.label_lower] = contacts
    moved.update(_move_generic(actor=actor, survivor=survivor, merged=merged))
    _merge_fields(survivor=survivor, merged=merged)
    derive_keys(survivor)  # the moved contacts' names become searchable on the survivor

    facts = {"survivor": survivor.code, "merged": merged.code}
    record_update(
        instance=survivor,
        actor=actor,
        change_reason=_("Merged %(merged)s into this customer") % facts,
    )
    merged.deleted_at = timezone.now()
    merged.deleted_by = actor
    record_update(instance=merged, actor=actor, change_reason=_("Merged into %(survivor)s") % facts)
    counts = {label: count for label, count in moved.items() if count}
    events.customer_merged_in_event(survivor=survivor, merged=merged, actor=actor, moved=counts)
    events.customer_merged_away_event(merged=merged, survivor=survivor, actor=actor)
    return survivor
