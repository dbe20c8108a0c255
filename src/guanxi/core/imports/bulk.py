"""Writing an importer's batch at once: the model's own field checks on plain values, new
records with their history rows, and versioned updates with theirs — a few statements per
batch, however many rows it has.

The rows are what :func:`guanxi.core.services.records.record_create` and ``record_update``
would store (author, version, audit entry), so a record imported in bulk looks exactly like
one entered by hand; only the work is set-wise (ids reserved ahead, COPY on PostgreSQL).
"""

import sqlite3
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from guanxi.core.bulk import bulk_insert, reserve_ids


@cache
def _checked_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    # The fields full_clean checks with a value of their own: relations are found by the
    # importer's look-ups, and non-editable fields are the system's (Field.validate skips them).
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.is_relation and field.editable and not field.primary_key
    )


def values_clean(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (field name → value) checked and converted as ``full_clean`` would on a new
    ``model`` holding them: a field left out holds its default. Raises one ValidationError
    naming every refused field, with the model field's own messages."""
    cleaned = dict(values)
    errors: dict[str, list[ValidationError]] = {}
    for field in _checked_fields(model):
        if field.name in values:
            raw = values[field.name]
        elif field.blank or field.has_default():
            continue
        else:
            raw = field.get_default()
        if field.blank and raw in field.empty_values:
            continue
        try:
            cleaned[field.name] = field.clean(raw, None)
        except ValidationError as error:
            errors[field.name] = error.error_list
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return cleaned


def instance_clean(instance: models.Model) -> None:
    """``instance``'s own fields checked as ``full_clean`` would (before an update)."""
    values_clean(
        type(instance),
        {field.name: getattr(instance, field.attname) for field in _checked_fields(type(instance))},
    )


def values_update(
    model: type[models.Model], names: list[str], rows: Mapping[Any, tuple[Any, ...]]
) -> int:
    """Set the fields ``names`` of each record ``pk`` of ``rows`` to its own values, in one
    ``UPDATE … FROM (VALUES …)`` statement (PostgreSQL and SQLite alike): no expression per
    row to build, unlike ``bulk_update``'s CASE. Plain writes: no version, no audit entry."""
    if not rows:
        return 0
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        # UPDATE … FROM came with SQLite 3.33; Django supports older ones.
        records = [
            model(pk=pk, **dict(zip(names, values, strict=True))) for pk, values in rows.items()
        ]
        return model._base_manager.bulk_update(records, names, batch_size=500)
    fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    params: list[Any] = []
    for pk, values in rows.items():
        params.append(pk)
        params.extend(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        )
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"] * len(rows))
    # PostgreSQL types a VALUES column by its first row (NULL is text): cast it to the field's.
    typed = connection.vendor == "postgresql"
    assignments = ", ".join(
        f"{quote(field.column)} = "
        + (f"CAST(v.column{index} AS {field.db_type(connection)})" if typed else f"v.column{index}")
        for index, field in enumerate(fields, start=2)
    )
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM (VALUES {placeholders}) AS v "  # noqa: S608
            f"WHERE {table}.{pk_column} = v.column1",
            params,
        )
        return cursor.rowcount


def _history_model(model: type[models.Model]) -> Any:
    return getattr(model, "history").model  # noqa: B009  (simple-history's manager)


@cache
def history_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in _history_model(model).tracked_fields)


def history_write(
    model: type[models.Model],
    records: Iterable[Mapping[str, Any]],
    *,
    kind: str,
    actor: Any,
    reason: str | None = None,
) -> None:
    """One audit entry per record (attname → value, all of ``history_fields``) of kind "+",
    "~" or "-", by ``actor`` (None: the system) — as simple-history writes on save."""
    records = list(records)
    if not records:
        return
    history = _history_model(model)
    now = timezone.now()
    names = history_fields(model)
    ids = reserve_ids(history, len(records))
    bulk_insert(
        history,
        [
            {
                **{name: record[name] for name in names if name in record},
                "history_id": history_id,
                "history_date": now,
                "history_type": kind,
                "history_user_id": getattr(actor, "pk", None),
                "history_change_reason": reason,
            }
            for record, history_id in zip(records, ids, strict=True)
        ],
    )


def records_insert(
    model: type[models.Model], rows: list[dict[str, Any]], *, actor: Any, history: bool = True
) -> list[int]:
    """Insert new records (attname → value; ``created_at`` kept when given) authored by
    ``actor``, with their "created" audit entries (unless ``history`` is False: the caller
    writes them). Returns their primary keys, in order."""
    if not rows:
        return []
    now = timezone.now()
    ids = reserve_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk
        row.setdefault("created_at", now)
        row["updated_at"] = now
        row["created_by_id"] = row["updated_by_id"] = actor.pk
        row.setdefault("version", 1)
    bulk_insert(model, rows)
    if history:
        history_write(model, rows, kind="+", actor=actor)
    return ids


def records_update(
    model: type[models.Model], records: list[Any], *, fields: Iterable[str], actor: Any
) -> list[Any]:
    """Save ``fields`` of ``records`` (instances changed in memory) if nobody saved them since
    they were read, as ``record_update`` does, with one "changed" audit entry each.

    The rows are locked and their versions compared first; a record saved by someone else
    meanwhile (or moved to the recycle bin) is left alone and returned with the others, for
    the caller to report as a conflict.
    """
    if not records:
        return []
    manager = model._base_manager
    current = dict(
        manager.select_for_update()
        .filter(pk__in=[record.pk for record in records], deleted_at__isnull=True)
        .values_list("pk", "version")
    )
    fresh = [record for record in records if current.get(record.pk) == record.version]
    stale = [record for record in records if current.get(record.pk) != record.version]
    if fresh:
        now = timezone.now()
        for record in fresh:
            record.version += 1
            record.updated_by = actor
            record.updated_at = now
        manager.bulk_update(fresh, [*fields, "version", "updated_by", "updated_at"])
        history_write(
            model,
            [{name: getattr(record, name) for name in history_fields(model)} for record in fresh],
            kind="~",
            actor=actor,
        )
    return stale
