"""Customer imports: an uploaded CSV/xlsx file, its column mapping, dry run and commit."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _import_storage():
    return storages["documents"]


# A batch takes seconds; this long without one means the worker running the job is gone.
STALLED_AFTER = timedelta(minutes=15)


class ImportJob(models.Model):
    """One import of a customer file: validated first (dry run), then committed by a job.

    ``report`` holds the per-row findings (errors and duplicate warnings, capped in length);
    the counters show progress while the background job runs.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
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
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_count = models.PositiveIntegerField(_("possible duplicates"), default=0)
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Moved on every batch; a running job whose worker died stops moving (see is_stalled).
    progress_at = models.DateTimeField(null=True, blank=True, editable=False)

    scope_fields = ("created_by",)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_stalled(self) -> bool:
        """Checking or importing, but no batch done for STALLED_AFTER: its worker stopped."""
        running = self.state in (self.State.VALIDATING, self.State.IMPORTING)
        moved = self.progress_at or self.created_at
        return running and moved < timezone.now() - STALLED_AFTER

    @property
    def progress(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
