"""Writes shared by every app: versioned saves, the recycle bin, code sequences.

Each entity's own service (customer_update, ...) validates its rules and then calls these,
so optimistic locking, audit attribution and soft delete behave the same everywhere.
"""

from collections.abc import Collection, Iterable, Mapping
from itertools import islice
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.dependents import bin_changed, dependents_of
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.history import system_reason as system_reason  # writers register here
from guanxi.core.models import BaseModel, CodeSequence, DictionaryEntry
from guanxi.core.rules import ADD_DICTIONARY_ENTRY, CHANGE_DICTIONARY_ENTRY, MANAGE_RECYCLE_BIN

# Core cannot name the accounts app's user model: the acting user is any Django user.
Actor = Any
RecordT = TypeVar("RecordT", bound=BaseModel)


def record_attribute(*, instance: Model, actor: Actor) -> None:
    """Name ``actor`` as the author of ``instance``'s next audit entry (simple-history reads
    it to record who made the change, also outside a request)."""
    instance._history_user = actor  # type: ignore[attr-defined]


def _attribute(instance: Model, actor: Actor) -> None:
    record_attribute(instance=instance, actor=actor)


# --- writes made by the system -----------------------------------------------------------------
#
# Jobs and recalculations write business records too (a recall notice, the last follow-up, the
# last win). Each such write gets its own history row, by nobody (the history shows "System")
# with the writer's neutral name as the reason; otherwise the change would surface in the next
# person's entry, as if they had made it. Set-wise writes stay set-wise: one UPDATE, then their
# history rows in bulk, never a save per row.

HISTORY_BATCH = 1000


@transaction.atomic(savepoint=False)
def record_history_bulk(*, rows: Iterable[Model], reason: str, actor: Actor | None = None) -> int:
    """One history row per record of ``rows`` as it is stored now, by ``actor`` (``None``: the
    system), with ``reason``; written in batches. Returns how many rows were written."""
    written = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, HISTORY_BATCH)):
        for row in batch:
            _attribute(row, actor)
            row._change_reason = reason  # type: ignore[attr-defined]
        history = getattr(type(batch[0]), "history")  # noqa: B009  (simple-history's manager)
        history.bulk_history_create(batch, update=True, default_change_reason=reason)
        written += len(batch)
    return written


def record_history_copy(
    *,
    model: type[Model],
    ids: Collection[int],
    reason: str,
    actor: Actor | None = None,
    history_type: str = "~",
) -> None:
    """What :func:`record_history_bulk` writes for the rows ``ids`` of ``model``, as one
    ``INSERT … SELECT`` in the database: no row is read into Python (imports write thousands
    a batch, and building model and history instances cost more than the rows' own insert)."""
    if not ids:
        return
    history = getattr(model, "history").model  # noqa: B009  (simple-history's manager)
    kept = {f.column for f in history._meta.concrete_fields}
    columns = [f.column for f in model._meta.concrete_fields if f.column in kept]
    quoted = connection.ops.quote_name
    names = ", ".join(quoted(c) for c in columns)
    statement = (
        f"INSERT INTO {quoted(history._meta.db_table)} ({names}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {names}, %s, %s, %s, %s FROM {quoted(model._meta.db_table)} "
        f"WHERE {quoted(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})"
    )
    params = [timezone.now(), reason, history_type, actor.pk if actor is not None else None]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *ids])


@transaction.atomic(savepoint=False)
def record_bulk_update(
    *,
    queryset: "QuerySet[Any]",
    values: Mapping[str, Any],
    reason: str,
    actor: Actor | None = None,
) -> int:
    """``queryset.update(**values)`` with a history row for every record it changed.

    A derived value (a date kept from other records, a notice's time) is no edit of the record:
    no version bump, so a form open on it stays valid. The matching rows are read first; the
    caller locks them or narrows the queryset to its own rows when concurrent writers matter.
    Returns the number of rows updated.
    """
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    if not pks:
        return 0
    updated = 0
    for start in range(0, len(pks), HISTORY_BATCH):
        chunk = pks[start : start + HISTORY_BATCH]
        changed = queryset.filter(pk__in=chunk).update(**values)
        if not changed:  # a concurrent writer got there first: nothing of ours to record
            continue
        updated += changed
        record_history_bulk(
            rows=model._base_manager.filter(pk__in=chunk).order_by("pk"),
            reason=reason,
            actor=actor,
        )
    return updated


@transaction.atomic
def record_create(*, instance: RecordT, actor: Actor, on_behalf_of: Actor | None = None) -> RecordT:
    instance.created_by = actor
    instance.updated_by = actor
    if on_behalf_of is not None and on_behalf_of != actor:
        instance.on_behalf_of = on_behalf_of
    instance.full_clean()
    _attribute(instance, actor)
    instance.save(force_insert=True)
    return instance


@transaction.atomic
def record_update(
    *,
    instance: RecordT,
    actor: Actor,
    expected_version: int | None = None,
    change_reason: str = "",
) -> RecordT:
    """Save ``instance`` if nobody else saved it since ``expected_version`` was read.

    The version is bumped with a conditional UPDATE, so of two concurrent editors exactly one
    wins on SQLite and PostgreSQL alike; the other gets :class:`ConflictError` and nothing of
    theirs is written.
    """
    expected = instance.version if expected_version is None else int(expected_version)
    instance.updated_by = actor
    instance.full_clean()
    model = type(instance)
    bumped = model.all_objects.filter(
        pk=instance.pk, version=expected, deleted_at__isnull=True
    ).update(version=F("version") + 1)
    if not bumped:
        current = model.all_objects.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise ConflictError(current_version=current)
    instance.version = expected + 1
    _attribute(instance, actor)
    if change_reason:
        instance._change_reason = change_reason  # type: ignore[attr-defined]
    instance.save()
    return instance


@transaction.atomic
def record_set_status(
    *,
    instance: RecordT,
    actor: Actor,
    status: str,
    moves: Mapping[str, Collection[str]],
    choose_message: str,
    refused_message: str,
    expected_version: int | None = None,
) -> RecordT:
    """Move ``instance`` to ``status`` if its current status allows it.

    ``moves`` maps each target status to the statuses it may be reached from; a status not in
    it is refused with ``choose_message``, a move from the wrong status with
    ``refused_message`` (formatted with the lower-case ``status`` and ``new`` labels).
    """
    allowed_from = moves.get(status)
    if allowed_from is None:
        raise ValidationError({"status": choose_message})
    # Every model moved through statuses has a ``status`` field and its ``Status`` choices.
    labels: Any = getattr(type(instance), "Status")  # noqa: B009
    current: str = getattr(instance, "status")  # noqa: B009
    if current not in allowed_from:
        raise BusinessRuleError(
            {
                "status": refused_message
                % {
                    "status": str(labels(current).label).lower(),
                    "new": str(labels(status).label).lower(),
                }
            }
        )
    setattr(instance, "status", status)  # noqa: B010
    return record_update(
        instance=instance,
        actor=actor,
        expected_version=expected_version,
        change_reason=str(labels(status).label),
    )


@transaction.atomic
def record_soft_delete(
    *, instance: BaseModel, actor: Actor, expected_version: int | None = None
) -> int:
    """Move a record to the recycle bin; it vanishes from lists, search, reports and the API.

    The records that depend on it (:mod:`guanxi.core.dependents`) go with it, stamped with the
    same time so a restore brings back exactly those. Returns how many went with it.
    """
    instance.deleted_at = timezone.now()
    instance.deleted_by = actor
    record_update(
        instance=instance,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Moved to the recycle bin"),
    )
    followers = _followers_move(
        parents=type(instance).all_objects.filter(pk=instance.pk),
        parent_model=type(instance),
        values={"deleted_at": instance.deleted_at, "deleted_by": actor},
        live=True,
        actor=actor,
        reason=_("Moved to the recycle bin with the record it belongs to"),
    )
    _bin_changed_on_commit(instance, "deleted", followers)
    return followers


def _followers_move(
    *,
    parents: "QuerySet[Any]",
    parent_model: type[BaseModel],
    values: Mapping[str, Any],
    live: bool,
    actor: Actor,
    reason: str,
) -> int:
    """Set ``values`` on the dependents of ``parents`` (and theirs), set-wise with history.

    ``live``: the dependents still outside the bin (a delete); otherwise those that went to
    the bin at the parents' own ``deleted_at`` (a restore).
    """
    moved = 0
    for dependent in dependents_of(parent_model):
        rows = dependent.model.all_objects.filter(**{f"{dependent.field}__in": parents})
        if live:
            rows = rows.filter(deleted_at__isnull=True)
        else:
            rows = rows.filter(deleted_at=F(f"{dependent.field}__deleted_at"))
        # Read before the update: afterwards the restored rows no longer match ``rows``.
        pks = list(rows.order_by().values_list("pk", flat=True))
        if not pks:
            continue
        deeper = dependent.model.all_objects.filter(pk__in=pks)
        if not live:
            moved += _followers_move(
                parents=deeper,
                parent_model=dependent.model,
                values=values,
                live=live,
                actor=actor,
                reason=reason,
            )
        moved += record_bulk_update(
            queryset=dependent.model.all_objects.filter(pk__in=pks),
            values=values,
            reason=reason,
            actor=actor,
        )
        if live:
            moved += _followers_move(
                parents=deeper,
                parent_model=dependent.model,
                values=values,
                live=live,
                actor=actor,
                reason=reason,
            )
    return moved


def _bin_changed_on_commit(instance: BaseModel, action: str, followers: int) -> None:
    model = type(instance)
    transaction.on_commit(
        lambda: bin_changed.send(
            sender=model, instance=instance, action=action, followers=followers
        )
    )


def _require_recycle_bin_right(actor: Actor) -> None:
    if not actor.has_perm(MANAGE_RECYCLE_BIN):
        raise PermissionDenied(_("Only administrators manage the recycle bin."))


@transaction.atomic
def record_restore(*, instance: RecordT, actor: Actor) -> RecordT:
    """Bring a record back from the bin with the dependents that went there with it."""
    _require_recycle_bin_right(actor)
    model = type(instance)
    stored = model.all_objects.filter(pk=instance.pk)
    # The dependents are found by the parent's stored deletion time: restore them first.
    followers = _followers_move(
        parents=stored,
        parent_model=model,
        values={"deleted_at": None, "deleted_by": None},
        live=False,
        actor=actor,
        reason=_("Restored from the recycle bin with the record it belongs to"),
    )
    stored.update(version=F("version") + 1)
    instance.version += 1
    instance.deleted_at = None
    instance.deleted_by = None
    instance.updated_by = actor
    _attribute(instance, actor)
    instance._change_reason = _("Restored from the recycle bin")  # type: ignore[attr-defined]
    instance.save()
    _bin_changed_on_commit(instance, "restored", followers)
    return instance


@transaction.atomic
def record_purge(*, instance: BaseModel, actor: Actor) -> None:
    """Delete a record from the recycle bin for good (its audit history stays)."""
    _require_recycle_bin_right(actor)
    if not instance.is_deleted:
        raise PermissionDenied(_("Only records in the recycle bin can be purged."))
    _attribute(instance, actor)
    instance.delete()
    _bin_changed_on_commit(instance, "purged", 0)


@transaction.atomic
def code_next(*, prefix: str, year: int | None = None, width: int = 4) -> str:
    """Hand out the next code such as ``KH20260001``; unique even under concurrent creates."""
    year = year or timezone.localdate().year
    sequence, _created = CodeSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    CodeSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{prefix}{year}{sequence.last_value:0{width}d}"


def code_reserve(*, prefix: str, year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers (bulk seeding); returns the first one."""
    with transaction.atomic():
        sequence, _created = CodeSequence.objects.select_for_update().get_or_create(
            prefix=prefix, year=year
        )
        first = sequence.last_value + 1
        CodeSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return first


# --- dictionaries 数据字典 ---------------------------------------------------------------------

DICTIONARY_EDITABLE_FIELDS = ("code", "name_zh", "name_en", "sort_order", "is_active")


def _require_dictionary_right(actor: Actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Only administrators edit the dictionaries."))


def _code_taken_error(code: str) -> ValidationError:
    return ValidationError(
        {"code": _("The code “%(code)s” is already used in this dictionary.") % {"code": code}}
    )


def _check_code_free(entry: DictionaryEntry) -> None:
    """Codes are unique per dictionary among live entries (the constraint's own condition)."""
    taken = DictionaryEntry.objects.filter(kind=entry.kind, code=entry.code)
    if entry.pk is not None:
        taken = taken.exclude(pk=entry.pk)
    if taken.exists():
        raise _code_taken_error(entry.code)


@transaction.atomic
def dictionary_entry_create(
    *,
    actor: Actor,
    kind: str,
    code: str,
    name_zh: str,
    name_en: str,
    sort_order: int = 0,
    is_active: bool = True,
) -> DictionaryEntry:
    _require_dictionary_right(actor, ADD_DICTIONARY_ENTRY)
    entry = DictionaryEntry(
        kind=kind,
        code=code.strip(),
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        sort_order=sort_order,
        is_active=is_active,
    )
    _check_code_free(entry)
    try:
        with transaction.atomic():
            return record_create(instance=entry, actor=actor)
    except IntegrityError as clash:
        # Two administrators created the same code at the same moment; the database chose one.
        raise _code_taken_error(entry.code) from clash


@transaction.atomic
def dictionary_entry_update(
    *, actor: Actor, entry: DictionaryEntry, expected_version: int | None, **fields: Any
) -> DictionaryEntry:
    """Change an entry's code, names, order or active flag; the kind never changes."""
    _require_dictionary_right(actor, CHANGE_DICTIONARY_ENTRY)
    unknown = set(fields) - set(DICTIONARY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _check_code_free(entry)
    try:
        with transaction.atomic():
            return record_update(instance=entry, actor=actor, expected_version=expected_version)
    except IntegrityError as clash:
        raise _code_taken_error(entry.code) from clash


@transaction.atomic
def dictionary_entry_deactivate(
    *, actor: Actor, entry: DictionaryEntry, expected_version: int | None = None
) -> DictionaryEntry:
    """Retire an entry: existing records keep it, new records can no longer choose it."""
    _require_dictionary_right(actor, CHANGE_DICTIONARY_ENTRY)
    entry.is_active = False
    return record_update(
        instance=entry,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Deactivated"),
    )
