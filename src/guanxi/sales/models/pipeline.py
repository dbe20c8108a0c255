"""The sales pipeline 销售漏斗: configurable stages 阶段 and the deals 商机 moving through them.

A deal belongs to its owner (``Deal.scope_fields``) and is about one customer. It sits in one
stage; its probability defaults to the stage's and may be overridden. Moving it to a lost stage
needs a lost reason; reaching a won or lost stage records the date. Every write goes through
``guanxi.sales.services.pipeline``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Customer

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class PipelineStage(BaseModel):
    """One column of the pipeline 销售阶段, in ``order``; administrators edit them.

    ``probability`` is the default for deals entering the stage. A stage is either open, won
    (``is_won``) or lost (``is_lost``), never both.
    """

    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(_("default probability (%)"), validators=PERCENT)
    is_won = models.BooleanField(_("won stage"), default=False)
    is_lost = models.BooleanField(_("lost stage"), default=False)

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_won=True, is_lost=True),
                name="pipeline_stage_won_or_lost",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100),
                name="pipeline_stage_probability_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.name_zh if language.startswith("zh") else self.name_en

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Deal(BaseModel):
    """A deal 商机 with a customer: what it is worth, how likely, when it should close."""

    customer = models.ForeignKey(
        # A customer purged from the recycle bin takes its deals along.
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="deals",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    title = models.CharField(_("title"), max_length=200)
    stage = models.ForeignKey(
        PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), validators=PERCENT)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    competitors = models.TextField(
        _("competitors"), blank=True, help_text=_("One competitor per line.")
    )
    lost_reason = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.LOST_REASON},
    )
    # The opportunity 销售机会 whose success opened this deal: one prospect's story from first
    # contact to order.
    opportunity = models.OneToOneField(
        "sales.Opportunity",
        verbose_name=_("sales opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deal",
        editable=False,
    )
    won_on = models.DateField(_("won on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    external_ref = external_ref_field()

    scope_fields = ("owner",)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "-amount", "id"], name="deal_by_stage"),
            models.Index(fields=["owner", "expected_close_date"], name="deal_owner_close"),
            # A rep's kanban column, largest first, and the deal list's newest-first pages.
            models.Index(fields=["owner", "stage", "-amount", "id"], name="deal_owner_stage"),
            models.Index(fields=["-created_at", "-id"], name="deal_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100),
                name="deal_probability_percent",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deal_amount_positive"),
            external_ref_constraint("deal_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sales:deal_detail", args=[self.pk])

    @property
    def competitor_list(self) -> list[str]:
        return [line.strip() for line in self.competitors.splitlines() if line.strip()]
