"""Shared building blocks: the base model of every business record, dictionaries, code sequences."""

from typing import ClassVar, Self, TypeVar, cast

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_M = TypeVar("_M", bound=models.Model)


class LiveQuerySet(models.QuerySet[_M, _M]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)


# Built at module level (not inline in the class bases) so the type checker sees its methods.
_LiveQuerySetManager = models.Manager.from_queryset(LiveQuerySet)


class LiveManager(_LiveQuerySetManager[_M]):
    """The default manager: records in the recycle bin are invisible everywhere by default."""

    def get_queryset(self) -> LiveQuerySet[_M]:
        # The generated manager's stub returns a plain QuerySet; at runtime it is a LiveQuerySet.
        return cast("LiveQuerySet[_M]", super().get_queryset()).alive()


class BaseModel(models.Model):
    """Base of every business record: who/when, optimistic-lock version, soft delete, audit history.

    ``objects`` hides soft-deleted rows; ``all_objects`` sees the recycle bin too. Writes go
    through services, which bump ``version`` with a conditional UPDATE so a stale edit fails.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("Set when a sales assistant enters the record for an account manager."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    # ClassVar[...[Self]]: each concrete model's managers are typed for that model.
    objects: ClassVar[LiveManager[Self]] = LiveManager()
    all_objects: ClassVar[_LiveQuerySetManager[Self]] = _LiveQuerySetManager()

    # Fields through which a record belongs to users; the scope mechanism reads these.
    scope_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class DictionaryKind(models.TextChoices):
    CUSTOMER_LEVEL = "customer_level", _("Customer level")
    REGION = "region", _("Region")
    INDUSTRY = "industry", _("Industry")
    SOURCE = "source", _("Customer source")
    SERVICE_TYPE = "service_type", _("Service type")
    UNIT = "unit", _("Unit")
    CHANNEL = "channel", _("Service channel")
    CHURN_REASON = "churn_reason", _("Churn reason")
    LOST_REASON = "lost_reason", _("Lost reason")


class DictionaryEntry(BaseModel):
    """One value of an admin-editable dictionary 数据字典 (a customer level, a region...)."""

    kind = models.CharField(_("dictionary"), max_length=32, choices=DictionaryKind.choices)
    code = models.SlugField(_("code"), max_length=64)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dictionary entry")
        verbose_name_plural = _("dictionary entries")
        ordering = ["kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=models.Q(deleted_at__isnull=True),
                name="dictionary_entry_unique_code",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.name_zh if language.startswith("zh") else self.name_en


class CodeSequence(models.Model):
    """The last number handed out for a code prefix and year (KH2026 → 1, 2, ...)."""

    prefix = models.CharField(_("prefix"), max_length=16)
    year = models.PositiveIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    objects: "models.Manager[CodeSequence]" = models.Manager()

    class Meta:
        verbose_name = _("code sequence")
        verbose_name_plural = _("code sequences")
        ordering = ["prefix", "year"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="code_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}:{self.last_value}"


class ScheduledRun(models.Model):
    """When a periodic job was last enqueued, so a restarted scheduler neither skips nor repeats."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    objects: "models.Manager[ScheduledRun]" = models.Manager()

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
