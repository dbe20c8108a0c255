"""Reads of the core pages: the home dashboard, audit history, dictionaries and the recycle bin."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias, cast

from django.db import models
from django.db.models import CharField, Count, F, QuerySet, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.dependents import dependents_of, parents_of
from guanxi.core.history import reason_label
from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.phones import STORED_PHONE, phone_display
from guanxi.core.recycle_bin import model_for_label, model_label, recycle_bin_models
from guanxi.core.rules import VIEW_TEAM_RECORDS
from guanxi.core.scoping import scope_queryset, sees_everything

EMPTY = "—"

# Core cannot name the accounts app's user model: the reader is any Django user.
Actor: TypeAlias = Any
# ``(pk, deleted_at, model label)`` of one record in the recycle bin.
BinRow: TypeAlias = tuple[int, datetime, str]

# --- home dashboard -------------------------------------------------------------------------


def scope_description(*, actor: Actor) -> str:
    """In words, whose records the actor sees."""
    if sees_everything(actor):
        return _("You see the records of the whole company.")
    if actor.team_id and actor.has_perm(VIEW_TEAM_RECORDS):
        return _("You see the records of your team and its sub-teams.")
    if actor.supports.exists():
        return _("You see your own records and those of the account managers you support.")
    return _("You see your own records.")


# --- audit history --------------------------------------------------------------------------

ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
    "deleted": gettext_lazy("moved to the recycle bin"),
    "restored": gettext_lazy("restored"),
    "purged": gettext_lazy("deleted for good"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one history entry: its label and the values before and after, for display."""

    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry of a record: who did what when, and which fields changed how."""

    when: datetime
    user: object | None
    on_behalf_of: object | None
    action: str
    action_label: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _action(new: Any, old: Any) -> str:
    if new.history_type == "+":
        return "created"
    if new.history_type == "-":
        return "purged"
    was_deleted = old is not None and getattr(old, "deleted_at", None) is not None
    is_deleted = getattr(new, "deleted_at", None) is not None
    if is_deleted and not was_deleted:
        return "deleted"
    if was_deleted and not is_deleted:
        return "restored"
    return "changed"


def _display(model_field: Any, value: Any, related_labels: dict[tuple[Any, Any], str]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(model_field, models.ForeignKey):
        return related_labels.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date | Decimal | float | int):
        return formats.localize(value)
    if isinstance(value, str) and STORED_PHONE.fullmatch(value):
        return phone_display(value)  # stored E.164, read the way people write it
    return str(value)


def _related_labels(wanted: dict[Any, set[Any]]) -> dict[tuple[Any, Any], str]:
    """``{(model, pk): str(obj)}`` with one query per related model, soft-deleted rows included."""
    labels = {}
    for related_model, ids in wanted.items():
        for obj in related_model._base_manager.filter(pk__in=ids):
            labels[(related_model, obj.pk)] = str(obj)
    return labels


# Every save changes these; the entry's who/when already says what they would. The derived
# search/duplicate keys of customers follow from fields that are shown themselves.
BOOKKEEPING_FIELDS = frozenset(
    {
        "version",
        "updated_by",
        "updated_at",
        "search_text",
        "search_phone",
        "search_email",
        "name_key",
        "name_sort",
        "phone_digits",
    }
)


def record_history(*, instance: models.Model, limit: int | None = None) -> list[HistoryEntry]:
    """Every audit entry of ``instance``, newest first, with field-level before → after values.

    Each entry is diffed against the one before it. Foreign keys are shown by their label
    (a dictionary entry in the reader's language, a user's name), looked up in one query
    per related model rather than one per change.
    """
    history = getattr(instance, "history").all()  # noqa: B009  (simple-history's manager)
    # Users and teams have history too, but only business records carry ``on_behalf_of``.
    has_behalf = any(f.name == "on_behalf_of" for f in history.model._meta.fields)
    related = ("history_user", "on_behalf_of") if has_behalf else ("history_user",)
    history = history.select_related(*related)
    # One more than shown, so the oldest shown entry can still be diffed.
    rows = list(history if limit is None else history[: limit + 1])
    opts = instance._meta
    diffs = []
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for index, new in enumerate(rows):
        old = rows[index + 1] if index + 1 < len(rows) else None
        changes = new.diff_against(old).changes if old is not None else []
        changes = [change for change in changes if change.field not in BOOKKEEPING_FIELDS]
        for change in changes:
            model_field = opts.get_field(change.field)
            if isinstance(model_field, models.ForeignKey):
                for value in (change.old, change.new):
                    if value is not None:
                        wanted[model_field.related_model].add(value)
        diffs.append((new, old, changes))
    if limit is not None:
        diffs = diffs[:limit]
    labels = _related_labels(wanted)

    entries = []
    for new, old, changes in diffs:
        action = _action(new, old)
        behalf = None
        # Shown where it was set, not repeated on every later edit by someone else.
        if has_behalf and (old is None or old.on_behalf_of_id != new.on_behalf_of_id):
            behalf = new.on_behalf_of
        entries.append(
            HistoryEntry(
                when=new.history_date,
                user=new.history_user,
                on_behalf_of=behalf,
                action=action,
                action_label=str(ACTION_LABELS[action]),
                reason=reason_label(new.history_change_reason or ""),
                changes=[
                    FieldChange(
                        field=change.field,
                        label=str(getattr(opts.get_field(change.field), "verbose_name")),  # noqa: B009
                        before=_display(opts.get_field(change.field), change.old, labels),
                        after=_display(opts.get_field(change.field), change.new, labels),
                    )
                    for change in changes
                ],
            )
        )
    return entries


# --- dictionaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DictionaryGroup:
    """The entries of one dictionary kind, for the grouped list page."""

    kind: str
    label: str
    entries: list[DictionaryEntry]


def dictionary_groups(*, kind: str | None = None) -> list[DictionaryGroup]:
    """Every dictionary kind with its entries (active and inactive), in one query."""
    entries = DictionaryEntry.objects.order_by("kind", "sort_order", "code")
    if kind:
        entries = entries.filter(kind=kind)
    by_kind: dict[str, list[DictionaryEntry]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    return [
        DictionaryGroup(kind=value, label=str(label), entries=by_kind[value])
        for value, label in DictionaryKind.choices
        if not kind or value == kind
    ]


def dictionary_entries() -> models.QuerySet[DictionaryEntry]:
    """Dictionaries are shared reference data: everyone signed in reads all of them."""
    entries: QuerySet[DictionaryEntry] = DictionaryEntry.objects.all()
    return entries


def dictionary_entry_get(*, pk: int | str) -> DictionaryEntry:
    """A live dictionary entry; ``DictionaryEntry.DoesNotExist`` otherwise (a 404)."""
    entry: DictionaryEntry = DictionaryEntry.objects.get(pk=pk)
    return entry


# --- recycle bin ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletedRecord:
    """A row of the recycle bin: the record with its type and who deleted it when."""

    label: str
    type_name: str
    record: BaseModel
    deleted_at: datetime
    deleted_by: object | None
    followers: int = 0

    @property
    def pk(self) -> Any:
        return self.record.pk


def _followers_count(model: type[BaseModel], records: list[BaseModel]) -> dict[int, int]:
    """How many records went to the bin with each of ``records``, in one UNION query."""
    parts = [
        relation.model.all_objects.filter(
            **{f"{relation.field}__in": records},
            deleted_at=F(f"{relation.field}__deleted_at"),
        )
        .order_by()
        .values_list(relation.field)
        .annotate(count=Count("pk"))
        for relation in dependents_of(model)
    ]
    counts: dict[int, int] = defaultdict(int)
    if not parts or not records:
        return counts
    for parent, count in parts[0].union(*parts[1:], all=True):
        counts[parent] += count
    return counts


def deleted_record_followers(*, record: BaseModel) -> int:
    """How many records went to the bin with ``record`` (restored and purged with it)."""
    return _followers_count(type(record), [record]).get(record.pk, 0)


def _in_bin(model: type[BaseModel]) -> QuerySet[BaseModel]:
    """Every row of ``model`` in the recycle bin."""
    return model.all_objects.filter(deleted_at__isnull=False)


def _in_bin_on_their_own(model: type[BaseModel]) -> QuerySet[BaseModel]:
    """The rows of ``model`` in the bin, less those that went there with a parent record
    (listed with it, and restored or purged with it)."""
    rows = _in_bin(model)
    for relation in parents_of(model):
        rows = rows.exclude(**{f"{relation.field}__deleted_at": F("deleted_at")})
    return rows


def deleted_record_rows(
    *, actor: Actor, label: str | None = None
) -> QuerySet[Any, BinRow] | list[BinRow]:
    """``(pk, deleted_at, model_label)`` of every record in the bin the actor sees, newest first.

    One UNION query over the bin's models, so the page can be counted and sliced in the
    database; :func:`deleted_records_resolve` then loads the rows of one page.
    """
    models_ = recycle_bin_models()
    if label:
        models_ = [model for model in models_ if model_label(model) == label]
    parts = [
        scope_queryset(_in_bin_on_their_own(model), actor)
        .annotate(bin_label=Value(model_label(model), output_field=CharField()))
        .order_by()
        .values_list("pk", "deleted_at", "bin_label")
        for model in models_
    ]
    if not parts:
        return []
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    # The union of value rows of several models: the stubs cannot name its row type.
    return cast(QuerySet[Any, BinRow], rows.order_by("-deleted_at", "bin_label", "-pk"))


def deleted_records_resolve(rows: Iterable[BinRow]) -> list[DeletedRecord]:
    """Load the records behind ``rows`` (one page), one query per model on the page."""
    rows = list(rows)
    wanted: dict[str, list[int]] = defaultdict(list)
    for pk, _deleted_at, label in rows:
        wanted[label].append(pk)
    loaded: dict[tuple[str, int], BaseModel] = {}
    followers: dict[tuple[str, int], int] = {}
    for label, pks in wanted.items():
        model = model_for_label(label)
        if model is None:  # not a bin model (any more)
            continue
        records = list(model.all_objects.filter(pk__in=pks).select_related("deleted_by"))
        for record in records:
            loaded[(label, record.pk)] = record
        for pk, count in _followers_count(model, records).items():
            followers[(label, pk)] = count
    result = []
    for pk, deleted_at, label in rows:
        found = loaded.get((label, pk))
        if found is None:  # purged between the two queries
            continue
        record = found
        result.append(
            DeletedRecord(
                label=label,
                type_name=str(record._meta.verbose_name),
                record=record,
                deleted_at=deleted_at,
                deleted_by=record.deleted_by,
                followers=followers.get((label, pk), 0),
            )
        )
    return result


def deleted_record_get(*, actor: Actor, label: str, pk: int | str) -> BaseModel:
    """A record in the bin the actor sees; ``LookupError`` (a 404) for anything else."""
    model = model_for_label(label)
    if model is None:
        raise LookupError(label)
    try:
        record: BaseModel = scope_queryset(_in_bin(model), actor).get(pk=pk)
        return record
    except (model.DoesNotExist, ValueError, TypeError) as missing:
        raise LookupError(label) from missing


def recycle_bin_types() -> list[tuple[str, str]]:
    """``(label, verbose name plural)`` of the bin's models, for the type filter."""
    return [
        (model_label(model), str(model._meta.verbose_name_plural)) for model in recycle_bin_models()
    ]
