"""Imports of any registered entity (contacts, interactions, products…) and source-system ids.

An :class:`ImportJob` names the entity it imports (the key of its importer in
``guanxi.core.imports.registry``); its file, mapping, counters, first findings and the full
report (an xlsx file) are kept with it. Every importable model carries an ``external_ref``:
the record's id in the system it came from, unique among its live rows when filled.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A batch takes seconds; this long without one means the worker running the job is gone.
STALLED_AFTER = timedelta(minutes=15)
EXTERNAL_REF_LENGTH = 100


def external_ref_field() -> models.CharField:
    """The source system's id of a record. Nullable without a default, so adding it to a
    large table is a change of the catalogue only (no table rewrite on either database)."""
    return models.CharField(
        _("external id"),
        max_length=EXTERNAL_REF_LENGTH,
        null=True,
        blank=True,
        help_text=_("The record's id in the system it was imported from."),
    )


def external_ref_constraint(name: str) -> models.UniqueConstraint:
    """Unique among live rows with a value; its partial index serves the importers' look-ups."""
    return models.UniqueConstraint(
        fields=["external_ref"],
        condition=models.Q(deleted_at__isnull=True, external_ref__gt=""),
        name=name,
    )


def _import_storage():
    return storages["documents"]


class ImportJob(models.Model):
    """One import of a file into one entity: checked first (dry run), then committed.

    ``report`` keeps the first findings for the page and the API; ``report_file`` is the whole
    report (every row with a finding, as uploaded, plus its messages) as an xlsx workbook.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        VALID_ROWS = "valid_rows", _("Import the valid rows, skip the others")
        ALL_OR_NOTHING = "all_or_nothing", _("Import all rows or none")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity = models.CharField(_("entity"), max_length=40, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    file = models.FileField(_("file"), storage=_import_storage, upload_to="imports/%Y/%m")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, editable=False)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # {field: {cell text: target}} chosen in the value-mapping step: an entry or user pk, a
    # choice value, or "" for "leave empty" (see guanxi.core.imports.distinct).
    value_mapping = models.JSONField(_("value mapping"), default=dict, blank=True)
    # The distinct values of the mapped columns, counted once per column mapping (a cache).
    value_counts = models.JSONField(default=dict, blank=True, editable=False)
    # The import profile (or preset) whose mapping the job started from, by name.
    profile_name = models.CharField(_("import profile"), max_length=120, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.VALID_ROWS)
    # The importer's yes/no options chosen ({name: true}; see registry.Option).
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    warning_count = models.PositiveIntegerField(_("rows with warnings"), default=0)
    # [{"kind": code, "column": header, "label": text, "count": n}], exact for the whole file.
    kind_counts = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=list, blank=True)
    # What rows that seem to repeat a present record do: {"all": "skip" | "update" | "create",
    # "rows": {row number: choice}, "fields": [columns an update writes] or null}
    # (guanxi.core.imports.duplicates); the check and the commit both follow it.
    duplicates = models.JSONField(_("duplicates"), default=dict, blank=True)
    # The last pass's duplicate rows: {"count": n, "choices": {choice: n}, "rows": [{"row",
    # "keys", "candidate", "choice", "outcome"}, …the first ones]}.
    duplicates_found = models.JSONField(default=dict, blank=True)
    report_file = models.FileField(
        storage=_import_storage, upload_to="imports/reports/%Y/%m", blank=True
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True, editable=False)

    scope_fields = ("created_by",)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["entity", "created_by", "-created_at"], name="import_job_entity")
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_stalled(self) -> bool:
        running = self.state in (self.State.VALIDATING, self.State.IMPORTING)
        moved = self.progress_at or self.created_at
        return running and moved < timezone.now() - STALLED_AFTER

    @property
    def progress(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportProfile(models.Model):
    """A saved way to read one kind of file: column mapping and value mapping, re-applied.

    ``columns`` maps folded headers (see ``guanxi.core.imports.mapping.fold``) to field names,
    so ``Lead Source`` and ``lead_source`` are one header; ``value_mapping`` is the
    ``{field: {cell text: target}}`` of the value-mapping step. A personal profile is offered
    to its owner only; a shared one to everyone who imports the entity; only the owner (or an
    administrator) changes or deletes it. Built-in presets live in code
    (``guanxi.core.imports.presets``), not in this table.
    """

    name = models.CharField(_("name"), max_length=80)
    entity = models.CharField(_("entity"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (created_by, entity, name) constraint serves it
    )
    shared = models.BooleanField(_("shared with everyone"), default=False)
    columns = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_mapping = models.JSONField(_("value mapping"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: "models.Manager[ImportProfile]" = models.Manager()

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["entity", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "entity", "name"], name="import_profile_unique_name"
            )
        ]
        indexes = [
            models.Index(
                fields=["entity"], condition=models.Q(shared=True), name="import_profile_shared"
            )
        ]

    def __str__(self) -> str:
        return self.name
