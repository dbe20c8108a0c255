"""Sales opportunities 销售机会 and their customer development plans 客户开发计划.

An opportunity moves unassigned 未指派 → assigned 已指派 → won 开发成功 or lost 开发失败. A
supervisor assigns it to an account manager, who writes dated plan items 计划项, records the
result 执行效果 of each, and finishes: success creates the customer, termination records the
lost reason. Every write goes through ``guanxi.sales.services.opportunities``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Customer


class Opportunity(BaseModel):
    """A chance to win a customer: who the prospect is, how likely, and who develops it.

    The prospect need not be a customer yet (``prospect_name``); ``customer`` links an existing
    one, or the customer created when development succeeded. Creator and assignee both see it,
    and so does everyone whose scope covers either of them.
    """

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        ASSIGNED = "assigned", _("Assigned")
        WON = "won", _("Development succeeded")
        LOST = "lost", _("Development failed")

    CLOSED_STATUSES = (Status.WON, Status.LOST)

    source = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("opportunity source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.SOURCE},
    )
    prospect_name = models.CharField(_("prospect name"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        help_text=_("An existing customer this opportunity is about, if there is one."),
    )
    probability = models.PositiveSmallIntegerField(
        _("success probability (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    summary = models.CharField(_("summary"), max_length=200)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(pgettext_lazy("opportunity", "description"), blank=True)
    # What winning it would be worth and when: an assigned opportunity counts in the weighted
    # forecast at its probability, and the deal opened on success carries the amount.
    expected_amount = models.DecimalField(
        _("expected amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNASSIGNED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_opportunities",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.LOST_REASON},
    )
    lost_details = models.TextField(_("lost reason details"), blank=True)
    external_ref = external_ref_field()

    # Creator and assignee: both see it, and so do those whose scope covers either.
    scope_fields = ("created_by", "assigned_to")

    class Meta:
        verbose_name = _("sales opportunity")
        verbose_name_plural = _("sales opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="opportunity_recent"),
            models.Index(fields=["created_by", "-created_at"], name="opportunity_creator_recent"),
            models.Index(fields=["assigned_to", "-created_at"], name="opportunity_assignee_recent"),
            models.Index(fields=["status", "-created_at"], name="opportunity_status_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100),
                name="opportunity_probability_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_amount__isnull=True) | models.Q(expected_amount__gte=0),
                name="opportunity_expected_amount_positive",
            ),
            # Only an unassigned opportunity lacks an assignee; every later state keeps one.
            models.CheckConstraint(
                condition=models.Q(status="unassigned", assigned_to__isnull=True)
                | (~models.Q(status="unassigned") & models.Q(assigned_to__isnull=False)),
                name="opportunity_assignee_matches_status",
            ),
            external_ref_constraint("opportunity_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_name} · {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("sales:opportunity_detail", args=[self.pk])

    @property
    def is_unassigned(self) -> bool:
        return self.status == self.Status.UNASSIGNED

    @property
    def is_open(self) -> bool:
        """Assigned and not yet finished: the development plan is being executed."""
        return self.status == self.Status.ASSIGNED

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class PlanItem(BaseModel):
    """One dated step of an opportunity's development plan 计划项, and its result 执行效果."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("sales opportunity"),
        on_delete=models.CASCADE,
        related_name="plan_items",
    )
    date = models.DateField(_("date"))
    content = models.TextField(pgettext_lazy("plan item", "plan"))
    # The latest result; every result recorded, earlier ones included, is a PlanItemResult.
    result = models.TextField(pgettext_lazy("plan item", "result"), blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("result recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_fields = ("opportunity__created_by", "opportunity__assigned_to")

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["opportunity", "date"], name="plan_item_by_opportunity")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.content[:40]}"

    @property
    def earlier_results(self) -> list["PlanItemResult"]:
        """The results recorded before the latest, newest first (from the prefetched rows)."""
        return list(reversed(list(self.results.all())[:-1]))


class PlanItemResult(BaseModel):
    """One result 执行效果 recorded for a plan item, by ``created_by`` at ``created_at``.

    Recording again adds a row, so the plan shows every result in turn and who wrote it; the
    item keeps the latest for lists.
    """

    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("plan item"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    text = models.TextField(pgettext_lazy("plan item", "result"))

    scope_fields = ("item__opportunity__created_by", "item__opportunity__assigned_to")

    class Meta:
        verbose_name = _("plan item result")
        verbose_name_plural = _("plan item results")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="plan_result_by_item")]

    def __str__(self) -> str:
        return self.text[:40]
