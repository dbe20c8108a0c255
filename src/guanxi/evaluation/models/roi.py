"""ROI assessments 投资回报率 of the CRM: the TCO plan they weigh, the revenue baseline and the
measured period, the savings and the other costs, the discount rate.

The arithmetic is :mod:`guanxi.evaluation.methods.roi`; the revenue comes from the sales
records (``evaluation.selectors.roi``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel
from guanxi.evaluation.methods.roi import MAX_HOURS
from guanxi.evaluation.models.tco import MONEY, TCOPlan


class ROIAssessment(BaseModel):
    """An ROI assessment 投资回报率: a TCO plan's costs against the savings and the revenue
    growth measured in the CRM's orders, with NPV and payback at a discount rate."""

    name = models.CharField(_("name"), max_length=100)
    plan = models.ForeignKey(
        TCOPlan,
        verbose_name=_("TCO plan"),
        on_delete=models.PROTECT,
        related_name="roi_assessments",
    )
    period_start = models.DateField(_("measured from"))
    period_end = models.DateField(_("measured until"))
    baseline_start = models.DateField(_("baseline from"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline until"), null=True, blank=True)
    baseline_amount = models.DecimalField(
        _("baseline revenue a year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Yearly revenue before the CRM; leave empty to use the baseline period."),
        **MONEY,
    )
    hours_saved = models.DecimalField(
        _("hours saved a year"),
        max_digits=9,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_HOURS)],
    )
    hourly_rate = models.DecimalField(
        _("hourly rate"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    other_savings = models.DecimalField(
        _("other savings a year"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    staff_cost = models.DecimalField(
        _("staff cost a year"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("People's time on the CRM the TCO plan does not hold (training, adoption)."),
        **MONEY,
    )
    process_cost = models.DecimalField(
        _("process cost a year"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("The cost of changing the ways of working around the CRM."),
        **MONEY,
    )
    discount_rate = models.DecimalField(
        _("discount rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("ROI assessment")
        verbose_name_plural = _("ROI assessments")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="roi_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(baseline_amount__isnull=False)
                | Q(
                    baseline_start__isnull=False,
                    baseline_end__isnull=False,
                    baseline_end__gte=F("baseline_start"),
                ),
                name="roi_has_baseline",
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lte=100),
                name="roi_discount_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    hours_saved__gte=0,
                    hourly_rate__gte=0,
                    other_savings__gte=0,
                    staff_cost__gte=0,
                    process_cost__gte=0,
                ),
                name="roi_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:roi_detail", args=[self.pk])
