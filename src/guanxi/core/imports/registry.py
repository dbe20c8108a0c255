"""The importers of every entity: apps register theirs in ``AppConfig.ready()``.

An importer describes one entity: its columns (with Chinese and English headers), the right
needed, how a batch of rows finds its related records and existing rows (a few queries per
batch, never per row), and how one row becomes a service call. The framework does the rest:
reading, mapping, typed values, owners, source ids, original creation dates, the dry run,
the commit, progress and the report.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.core.imports.readers import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

# Column kinds: how a cell's text becomes a value (see guanxi.core.imports.values).
# DICT cells name an entry of the column's dictionary (by code, name or pinyin) and parse to
# the DictionaryEntry; OWNER cells name a user and parse to the user's pk.
TEXT, INT, DECIMAL, DATE, DATETIME, BOOL, CHOICE, OWNER, REF, DICT = (
    "text",
    "int",
    "decimal",
    "date",
    "datetime",
    "bool",
    "choice",
    "owner",
    "ref",
    "dict",
)
# The kinds whose distinct values a user maps in the value-mapping step.
MAPPED_KINDS = (CHOICE, OWNER, DICT)

# Row outcomes.
CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"

EXTERNAL_REF_SYNONYMS = (
    "外部编号",
    "外部ID",
    "原系统编号",
    "原系统ID",
    "源系统编号",
    "来源编号",
    "externalref",
    "externalid",
    "sourceid",
    "legacyid",
)
CREATED_AT_SYNONYMS = (
    "原始创建时间",
    "创建时间",
    "创建日期",
    "createdat",
    "createddate",
    "created",
)


@dataclass(frozen=True)
class Column:
    """One importable field: its name, label (shown and used as header), kind and synonyms."""

    name: str
    label: Promise | str
    kind: str = TEXT
    synonyms: tuple[str, ...] = ()
    required: bool = False
    choices: type[models.TextChoices] | None = None
    max_length: int | None = None
    # For DICT columns: the DictionaryKind whose entries the cells name.
    dictionary: str | None = None

    def as_triple(self) -> tuple[str, object, tuple[str, ...]]:
        return (self.name, self.label, self.synonyms)


@dataclass(frozen=True)
class Option:
    """A yes/no choice of an import beside its mapping (``create_products`` of the orders):
    a tick box on the page, a boolean field of ``POST /api/<entity>/import/``, kept on the job
    (``ImportJob.options``) and read by the importer as ``self.options[name]``."""

    name: str
    label: Promise | str
    help_text: Promise | str = ""


def external_ref_column() -> Column:
    return Column("external_ref", _("External id"), synonyms=EXTERNAL_REF_SYNONYMS, max_length=100)


def created_at_column() -> Column:
    return Column("created_at", _("Original creation date"), DATETIME, CREATED_AT_SYNONYMS)


@dataclass
class ImportRow:
    """One row of the file on its way in: cells as typed, values parsed, what happened."""

    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    # Related records an importer found for the row (customer, contact, category…).
    related: dict[str, Any] = field(default_factory=dict)
    existing: Any = None
    # A record the row seems to repeat (same name, phone…) without naming it by external id:
    # what the import does with it is the user's choice (skip by default).
    duplicate: Any = None
    # What the job's duplicate policy chose for the row: "skip", "update" or "create".
    duplicate_choice: str = ""
    outcome: str = ""
    # (level, kind, field name, message); level is "error" or "warning".
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(level == "error" for level, *_rest in self.findings)

    def error(self, field_name: str, message: str, kind: str = "invalid") -> None:
        self.findings.append(("error", kind, field_name, str(message)))

    def warning(self, field_name: str, message: str, kind: str = "warning") -> None:
        self.findings.append(("warning", kind, field_name, str(message)))

    def mark_duplicate(self, candidate: Any, field_name: str, message: str) -> None:
        """``candidate`` looks like the record this row describes: skipped unless the user
        chooses to update it or to create the row anyway."""
        self.duplicate = candidate
        self.warning(field_name, message, "present")
        self.outcome = UNCHANGED

    @property
    def create_anyway(self) -> bool:
        """The user chose to create this duplicate row: a service that refuses likely
        duplicates (customers) is told to accept it."""
        return self.duplicate is not None and self.duplicate_choice == "create"

    def errors_from(self, error: ValidationError, default_field: str = "") -> None:
        """Each message of a service's refusal, on the column of the field it names."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error("" if name == "__all__" else name, message, "refused")
        else:
            for message in error.messages:
                self.error(default_field, message, "refused")


class Importer:
    """Base of an entity's importer; one instance per pass over a file, for one actor.

    Subclasses set the class attributes and implement :meth:`prepare` and :meth:`write`;
    ``external_ref`` and ``created_at`` columns are added to every importer by the framework.
    """

    entity: ClassVar[str]  # the URL segment and ImportJob.entity: "contacts"
    model: ClassVar[type[models.Model]]
    label: ClassVar[Promise]  # "contacts", as in "Import contacts"
    columns: ClassVar[tuple[Column, ...]]
    permission: ClassVar[str]  # the rule (django-rules permission) importing needs
    url_namespace: ClassVar[str]  # the app's URL namespace holding the import pages
    list_url: ClassVar[str]  # where the records are listed, as a URL name
    # Who is named in the "owner" column: None when the entity has none.
    owner_field: ClassVar[str | None] = None
    # The columns that make a row the same as a present record (shown next to duplicates);
    # the required columns when empty.
    key_columns: ClassVar[tuple[str, ...]] = ()
    # The columns an update of a duplicate may write; every column of ``columns`` when None.
    update_columns: ClassVar[tuple[str, ...] | None] = None
    # A column whose equal values on consecutive rows make one record (the lines of one order):
    # the engine never splits such rows across batches, so ``prepare`` and ``write_batch`` see
    # every row of a record together. None: each row is a record.
    group_by: ClassVar[str | None] = None
    # The largest file taken (an importer writing in bulk may take more).
    max_rows: ClassVar[int] = MAX_IMPORT_ROWS
    max_bytes: ClassVar[int] = MAX_IMPORT_BYTES
    # Rows per batch: its look-ups are a few queries whatever its size, so an importer that
    # writes a batch at once takes larger ones (fewer round trips per row).
    batch_size: ClassVar[int] = 500
    # Field keys an earlier version of the importer used: {old key: current key}. A mapping,
    # profile or job naming the old key keeps working (``resolve_aliases``).
    aliases: ClassVar[dict[str, str]] = {}
    # Yes/no choices of the import (see ``Option``); all off unless given.
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, *, actor: Any) -> None:
        self.actor = actor
        # The ImportJob of this pass (set by the import service), for records naming it.
        self.job: Any = None
        # The job's options ({name: bool}), set by the engine.
        self.chosen: dict[str, bool] = {}

    @classmethod
    def resolve_aliases(cls, mapping: Mapping[str, Any]) -> dict[str, Any]:
        """``mapping`` ({header: field}) with old field keys replaced by the current ones."""
        return {
            header: cls.aliases.get(name, name) if isinstance(name, str) else name
            for header, name in mapping.items()
        }

    @classmethod
    def mapping_check(cls, mapping: dict[str, str]) -> None:
        """Refuse (ValidationError on ``mapping``) a cleaned mapping the rows could not use:
        for rules beyond "every required field once" (one of several columns)."""

    @classmethod
    def options_clean(cls, *, actor: Any, given: Mapping[str, Any] | None) -> dict[str, bool]:
        """``given`` as the job's options: known names only, booleans; an importer refuses one
        the actor may not use with a ValidationError naming it (``options_allowed``)."""
        names = {option.name for option in cls.options}
        cleaned: dict[str, bool] = {}
        for name, value in (given or {}).items():
            if name not in names:
                raise ValidationError(
                    {
                        "options": _("“%(option)s” is not an option of this import.")
                        % {"option": name}
                    }
                )
            if not isinstance(value, bool):
                raise ValidationError({name: _("Give true or false.")})
            if value:
                cleaned[name] = True
        cls.options_allowed(actor=actor, options=cleaned)
        return cleaned

    @classmethod
    def options_allowed(cls, *, actor: Any, options: dict[str, bool]) -> None:
        """Refuse an option ``actor`` may not use (ValidationError naming the option)."""

    @classmethod
    def all_columns(cls) -> tuple[Column, ...]:
        return (*cls.columns, external_ref_column(), created_at_column())

    @classmethod
    def field_table(cls) -> tuple[tuple[str, object, tuple[str, ...]], ...]:
        return tuple(column.as_triple() for column in cls.all_columns())

    @classmethod
    def required(cls) -> tuple[str, ...]:
        return tuple(column.name for column in cls.columns if column.required)

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return cls.key_columns or cls.required()

    @classmethod
    def updatable(cls) -> tuple[Column, ...]:
        """The columns a user may choose to update a duplicate's record with."""
        names = cls.update_columns
        return tuple(c for c in cls.columns if names is None or c.name in names)

    def describe(self, candidate: Any) -> dict[str, str]:
        """``candidate`` as the report names it: label, code and the page showing it."""
        url = getattr(candidate, "get_absolute_url", None)
        return {
            "label": str(candidate),
            "code": str(
                getattr(candidate, "code", "") or getattr(candidate, "external_ref", "") or ""
            ),
            "url": url() if callable(url) else "",
        }

    def visible(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """``queryset`` narrowed to the rows the actor may see (catalogue-wide by default)."""
        return queryset

    def prepare(self, rows: list[ImportRow]) -> None:
        """Find the batch's related records (a few queries for the whole batch)."""

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Mark rows without an external id that seem to repeat a present record with
        ``row.mark_duplicate(candidate, field, message)``, the candidates found for the whole
        batch at once; the job's duplicate policy then skips, updates or creates them.

        An update goes through :meth:`write` with ``row.existing`` set to the candidate and
        ``values``/``related`` narrowed to the chosen columns (``related`` is keyed by column
        name); a create comes with ``row.create_anyway`` set."""

    def write(self, row: ImportRow) -> str:
        """Create ``row`` (or update ``row.existing``) through the entity's services.

        Returns CREATED, UPDATED or UNCHANGED; a ValidationError refuses the row.
        """
        raise NotImplementedError

    def write_batch(self, rows: list[ImportRow]) -> bool:
        """Write every row of ``rows`` at once (bulk inserts); False when this importer can't.

        An importer that can sets each row's ``outcome`` (and ``existing`` to the record) or
        records its refusal with ``row.error``; it checks every row before writing any, since
        the batch has no savepoint per row, keeps ``created_at`` itself, and writes what the
        services would (history rows, search keys, events) in bulk. The engine falls back to
        :meth:`write` row by row when this returns False.
        """
        return False

    @staticmethod
    def changes(instance: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """The ``values`` that differ from ``instance``'s."""
        return {name: value for name, value in values.items() if getattr(instance, name) != value}

    def keep_created_at(self, instance: Any, created_at: datetime | None) -> None:
        if created_at is not None:
            type(instance)._base_manager.filter(pk=instance.pk).update(created_at=created_at)
            instance.created_at = created_at


_IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    """Register ``importer`` (usable as a class decorator); each entity once."""
    current = _IMPORTERS.get(importer.entity)
    if current is not None and current is not importer:
        raise ValueError(f"An importer for {importer.entity!r} is registered already.")
    _IMPORTERS[importer.entity] = importer
    return importer


def importer_for(entity: str) -> type[Importer]:
    """The importer of ``entity``; LookupError when none is registered."""
    try:
        return _IMPORTERS[entity]
    except KeyError:
        raise LookupError(entity) from None


def importers() -> dict[str, type[Importer]]:
    return dict(_IMPORTERS)


Rule = Callable[[Any], bool]
