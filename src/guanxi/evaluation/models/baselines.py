"""Before/after assessment 实施前后对比: KPI baselines frozen with their period, and the
targets agreed beforehand (事先商定指标体系) that a later comparison checks.

A baseline stores the dashboard's values as they were when it was taken (the KPI formulas may
change later; the frozen values do not). Baselines are company figures: their values are the
whole company's, as an administrator or executive sees them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.core.models import BaseModel


class BaselineScope(models.TextChoices):
    COMPANY = "company", _("Company-wide")


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class Baseline(BaseModel):
    """A snapshot of every KPI's value for a period (e.g. the month before go-live), taken at
    a moment by an administrator or executive, to compare later values with."""

    name = models.CharField(_("name"), max_length=100)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=BaselineScope.choices, default=BaselineScope.COMPANY
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("KPI baseline")
        verbose_name_plural = _("KPI baselines")
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="baseline_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:baseline_detail", args=[self.pk])


class BaselineValue(models.Model):
    """One KPI's frozen value in a baseline, with its label in both languages, its unit and
    whether up was good, as the dashboard defined them when the baseline was taken."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="values"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(_("KPI"), max_length=50)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("baseline value")
        verbose_name_plural = _("baseline values")
        ordering = ["baseline", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "key"], name="baseline_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class BaselineTarget(models.Model):
    """A target agreed beforehand for one KPI of a baseline: the value the KPI should reach
    (at least, or at most) when it is compared later."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="targets"
    )
    key = models.CharField(_("KPI"), max_length=50)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=TargetDirection.choices,
        default=TargetDirection.AT_LEAST,
    )
    note = models.CharField(_("agreed note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline target")
        verbose_name_plural = _("baseline targets")
        ordering = ["baseline", "key"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "key"], name="baseline_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.direction} {self.target}"
