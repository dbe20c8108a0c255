"""Sales targets 销售目标/配额: per rep or team, optionally per product category, for a
month, quarter or year.

A target's subject is either a user (a rep 销售代表) or a team (``accounts.Team``), never both.
``period_start`` is always the first day of its month, quarter or year and ``period_end`` its
last day (both set by ``services.targets``), so achievement is a plain date-range sum of the
orders (see ``selectors.targets``).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel
from guanxi.sales.models.product import MONEY, ProductCategory

_LIVE = Q(deleted_at__isnull=True)


class Target(BaseModel):
    """A sales target 销售目标: an amount to sell in a period, for a rep or a team."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_targets",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_targets",
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), editable=False)
    amount = models.DecimalField(_("target amount"), validators=[MinValueValidator(0)], **MONEY)

    # Team targets are scoped by the selectors (team subtree); the generic scope sees reps'.
    scope_fields = ("user",)

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-period_start", "id"]
        indexes = [models.Index(fields=["-period_start", "id"], name="target_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="target_one_subject",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_amount_positive"),
            models.UniqueConstraint(
                fields=["user", "category", "period_kind", "period_start"],
                condition=_LIVE & Q(user__isnull=False, category__isnull=False),
                name="target_unique_user_category",
            ),
            models.UniqueConstraint(
                fields=["user", "period_kind", "period_start"],
                condition=_LIVE & Q(user__isnull=False, category__isnull=True),
                name="target_unique_user",
            ),
            models.UniqueConstraint(
                fields=["team", "category", "period_kind", "period_start"],
                condition=_LIVE & Q(team__isnull=False, category__isnull=False),
                name="target_unique_team_category",
            ),
            models.UniqueConstraint(
                fields=["team", "period_kind", "period_start"],
                condition=_LIVE & Q(team__isnull=False, category__isnull=True),
                name="target_unique_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.period_label}"

    @property
    def subject(self):
        return self.user if self.user_id else self.team

    @property
    def period_label(self) -> str:
        start = self.period_start
        if self.period_kind == self.PeriodKind.YEAR:
            return f"{start.year}"
        if self.period_kind == self.PeriodKind.QUARTER:
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return f"{start.year}-{start.month:02d}"

    @property
    def rate(self):
        """Achieved ÷ target (``achieved`` is annotated by the selectors); None for a 0 target."""
        achieved = getattr(self, "achieved", None)
        if achieved is None or not self.amount:
            return None
        return achieved / self.amount

    @property
    def rate_percent(self):
        rate = self.rate
        return None if rate is None else round(rate * 100, 1)
