"""TCO plans 总拥有成本: a CRM's costs over five years, by category, year and kind.

The arithmetic is :mod:`guanxi.evaluation.methods.tco`; a plan stores only what was entered.
"""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.core.models import BaseModel
from guanxi.evaluation.methods import tco as method

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class CostCategory(models.TextChoices):
    LICENCE = method.LICENCE, _("Software licences")
    MAINTENANCE = method.MAINTENANCE, _("Software maintenance")
    HARDWARE = method.HARDWARE, _("Hardware")
    TELECOM = method.TELECOM, _("Telecommunications")
    EXTERNAL_SERVICES = method.EXTERNAL_SERVICES, _("External service providers")
    VENDOR_SERVICES = method.VENDOR_SERVICES, _("Vendor professional services")
    INTERNAL_STAFF = method.INTERNAL_STAFF, _("Internal staff")
    OTHER = method.OTHER, _("Other costs")


class CostKind(models.TextChoices):
    INITIAL = method.INITIAL, _("Initial")
    ONGOING = method.ONGOING, _("Ongoing")


class TCOPlan(BaseModel):
    """A five-year total-cost-of-ownership plan 总拥有成本 of the CRM for a number of users,
    with how much of the years 3–5 budget keeps it running and how much buys advantage."""

    name = models.CharField(_("name"), max_length=100)
    users = models.PositiveIntegerField(
        _("users"),
        validators=[MinValueValidator(1), MaxValueValidator(method.MAX_USERS)],
        help_text=_("How many people use the CRM (for the cost per user)."),
    )
    keep_running = models.DecimalField(
        _("keeping it running (years 3–5)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Of the budget of years 3 to 5, the amount that keeps the system running."),
        **MONEY,
    )
    competitive_advantage = models.DecimalField(
        _("competitive advantage (years 3–5)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Of the budget of years 3 to 5, the amount spent on new capabilities that give "
            "an advantage."
        ),
        **MONEY,
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("TCO plan")
        verbose_name_plural = _("TCO plans")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(users__gte=1), name="tco_plan_users_positive"),
            models.CheckConstraint(
                condition=Q(keep_running__gte=0, competitive_advantage__gte=0),
                name="tco_plan_split_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:tco_detail", args=[self.pk])


class TCOCost(models.Model):
    """One amount of a TCO plan: a category's initial or ongoing cost in one year (1–5)."""

    plan = models.ForeignKey(
        TCOPlan, verbose_name=_("TCO plan"), on_delete=models.CASCADE, related_name="costs"
    )
    category = models.CharField(_("category"), max_length=24, choices=CostCategory.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1), MaxValueValidator(method.YEARS)]
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CostKind.choices)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TCO amount")
        verbose_name_plural = _("TCO amounts")
        ordering = ["plan", "year", "category", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category", "year", "kind"], name="tco_cost_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1, year__lte=method.YEARS), name="tco_cost_year_range"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tco_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year} {self.get_kind_display()}"
