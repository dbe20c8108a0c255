"""The sensitive-access log 敏感访问日志: who read or took personal data out, and when."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    """One sensitive access: an unmasked protected field shown, an export, a document
    download, a subject-access export or an anonymisation.

    Entries are written by ``core.services.access_log.access_log_record`` only, never changed,
    and deleted by the cleanup job after ``GUANXI_ACCESS_LOG_DAYS`` (no history, no soft
    delete: the log is itself the audit). ``details`` holds parameters, never a sentence, so
    the page words them in the reader's language.
    """

    class Kind(models.TextChoices):
        VIEWED_PROTECTED = "viewed_protected", _("Viewed protected fields")
        EXPORTED = "exported", _("Exported")
        DOWNLOADED_DOCUMENT = "downloaded_document", _("Downloaded a document")
        SUBJECT_ACCESS_EXPORT = "subject_access_export", _("Subject-access export")
        ANONYMISED = "anonymised", _("Anonymised")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("record type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects: "models.Manager[AccessLogEntry]" = models.Manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-created_at", "-id"]
        # Not a ``view_*`` right (executives hold every ``core.view_*``): reading who looked
        # at what is for administrators only (``core.rules.SEARCH_ACCESS_LOG``).
        default_permissions = ()
        permissions = [("search_access_log", _("Can search the sensitive-access log"))]
        indexes = [
            models.Index(fields=["user", "created_at"], name="access_log_user_when"),
            models.Index(fields=["kind", "created_at"], name="access_log_kind_when"),
            models.Index(fields=["target_type", "target_id"], name="access_log_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.user_id}"
