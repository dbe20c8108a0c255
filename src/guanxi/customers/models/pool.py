"""Customer pool 公海 settings: recall rules per customer level and caps on owned customers."""

from django.contrib.auth.models import Group
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind


class PoolPolicy(BaseModel):
    """When customers of one level go back to the pool, and how many of them a rep may own.

    The row without a level is the default for levels that have no row of their own. A day
    count left empty switches that recall rule off.
    """

    level = models.OneToOneField(
        DictionaryEntry,
        verbose_name=_("customer level"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.CUSTOMER_LEVEL},
    )
    follow_up_days = models.PositiveIntegerField(
        _("recall after days without follow-up"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    won_days = models.PositiveIntegerField(
        _("recall after days without a won deal or order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    notice_days = models.PositiveIntegerField(
        _("notify the owner days before"), default=3, validators=[MinValueValidator(0)]
    )
    max_owned = models.PositiveIntegerField(
        _("most customers of this level a rep may own"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("pool policy")
        verbose_name_plural = _("pool policies")
        ordering = ["level__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level"],
                condition=models.Q(level__isnull=True),
                name="pool_policy_one_default",
            )
        ]

    def __str__(self) -> str:
        return str(self.level) if self.level_id else str(_("All levels"))


class OwnershipCap(BaseModel):
    """The most customers a user of ``role`` may own in all (claims beyond it are refused)."""

    role = models.OneToOneField(
        Group, verbose_name=_("role"), on_delete=models.CASCADE, related_name="+"
    )
    max_owned = models.PositiveIntegerField(_("most customers owned"))

    class Meta:
        verbose_name = _("ownership cap")
        verbose_name_plural = _("ownership caps")
        ordering = ["role__name"]

    def __str__(self) -> str:
        return f"{self.role}: {self.max_owned}"
