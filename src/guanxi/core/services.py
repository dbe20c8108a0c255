"""Writes shared by every app: versioned saves, the recycle bin, code sequences.

Each entity's own service (customer_update, ...) validates its rules and then calls these,
so optimistic locking, audit attribution and soft delete behave the same everywhere.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.exceptions import ConflictError
from guanxi.core.models import BaseModel, CodeSequence


def _attribute(instance: BaseModel, actor) -> None:
    # simple-history reads this to record who made the change, also outside a request.
    instance._history_user = actor


@transaction.atomic
def record_create(*, instance: BaseModel, actor, on_behalf_of=None) -> BaseModel:
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
    *, instance: BaseModel, actor, expected_version: int | None = None,
    change_reason: str = "",
) -> BaseModel:
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
        instance._change_reason = change_reason
    instance.save()
    return instance


@transaction.atomic
def record_soft_delete(*, instance: BaseModel, actor, expected_version: int | None = None) -> None:
    """Move a record to the recycle bin; it vanishes from lists, search, reports and the API."""
    instance.deleted_at = timezone.now()
    instance.deleted_by = actor
    record_update(instance=instance, actor=actor, expected_version=expected_version,
                  change_reason=_("Moved to the recycle bin"))


def _require_recycle_bin_right(actor) -> None:
    if not actor.has_perm("accounts.manage_recycle_bin"):
        raise PermissionDenied(_("Only administrators manage the recycle bin."))


@transaction.atomic
def record_restore(*, instance: BaseModel, actor) -> BaseModel:
    _require_recycle_bin_right(actor)
    model = type(instance)
    model.all_objects.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version += 1
    instance.deleted_at = None
    instance.deleted_by = None
    instance.updated_by = actor
    _attribute(instance, actor)
    instance._change_reason = _("Restored from the recycle bin")
    instance.save()
    return instance


@transaction.atomic
def record_purge(*, instance: BaseModel, actor) -> None:
    """Delete a record from the recycle bin for good (its audit history stays)."""
    _require_recycle_bin_right(actor)
    if not instance.is_deleted:
        raise PermissionDenied(_("Only records in the recycle bin can be purged."))
    _attribute(instance, actor)
    instance.delete()


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
