"""Every read of ROI assessments, and the figures of one: its plan's costs, the revenue of the
measured and the baseline period from the sales records, ROI, NPV, payback, sensitivity.

Revenue is the analytics app's definition (``analytics.selectors.reports.revenue_orders``:
orders not cancelled, of customers not in the recycle bin, dated in the period), read within
the reader's scope — everyone's orders for administrators and executives, who hold the rights
by default.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from guanxi.accounts.models import User
from guanxi.analytics.selectors.reports import revenue_orders
from guanxi.evaluation import rules
from guanxi.evaluation.methods import roi as method
from guanxi.evaluation.methods.tco import TCOResult
from guanxi.evaluation.models import ROIAssessment
from guanxi.evaluation.selectors.tco import tco_figures


def roi_assessment_list(*, actor: User) -> QuerySet[ROIAssessment]:
    """The live assessments of live plans, with their plan (none without the rights), by
    name."""
    if not rules.reads_roi(actor):
        return ROIAssessment.objects.none()
    # An assessment restored from the bin while its plan is still there stays out of sight.
    return (
        ROIAssessment.objects.filter(plan__deleted_at__isnull=True)
        .select_related("plan")
        .order_by("name", "id")
    )


def roi_assessment_get(*, actor: User, pk: int | str) -> ROIAssessment:
    """One live assessment with its plan and the plan's amounts (``DoesNotExist`` when not
    readable)."""
    if not rules.reads_roi(actor):
        raise ROIAssessment.DoesNotExist
    assessment: ROIAssessment = (
        ROIAssessment.objects.select_related("plan", "created_by", "updated_by")
        .prefetch_related("plan__costs")
        .get(pk=pk, plan__deleted_at__isnull=True)
    )
    return assessment


def revenue_between(*, actor: User, start: datetime.date, end: datetime.date) -> Decimal:
    """The revenue of the orders ``actor`` may see dated ``start`` to ``end`` (both included)."""
    orders = revenue_orders(actor=actor, params={"date_from": start, "date_to": end})
    total = orders.aggregate(total=Sum("total"))["total"]
    return total if total is not None else Decimal("0.00")


def _days(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days + 1


@dataclass(frozen=True)
class ROIReport:
    """Everything an assessment's page, API answer and export show."""

    assessment: ROIAssessment
    tco: TCOResult
    period_revenue: Decimal
    period_days: int
    baseline_revenue: Decimal  # of the baseline period, or the yearly amount entered
    baseline_days: int | None  # None: the baseline is a yearly amount
    cost_reduction: Decimal  # a year
    revenue_growth: Decimal  # a year
    result: method.ROIResult
    sensitivity: list[method.SensitivityRow]


def roi_report(*, actor: User, assessment: ROIAssessment) -> ROIReport:
    """The assessment's figures (two revenue sums; the rest is arithmetic)."""
    a = assessment
    tco = tco_figures(a.plan)
    period_days = _days(a.period_start, a.period_end)
    period_revenue = revenue_between(actor=actor, start=a.period_start, end=a.period_end)
    baseline_days: int | None = None
    if a.baseline_amount is not None:
        baseline_revenue = a.baseline_amount
    else:
        start, end = a.baseline_start, a.baseline_end
        assert start is not None and end is not None  # the model's constraint
        baseline_days = _days(start, end)
        baseline_revenue = revenue_between(actor=actor, start=start, end=end)
    savings = method.cost_reduction(a.hours_saved, a.hourly_rate, a.other_savings)
    growth = method.revenue_growth(
        period_revenue=period_revenue,
        period_days=period_days,
        baseline_revenue=baseline_revenue,
        baseline_days=baseline_days,
    )
    inputs = method.ROIInput(
        it_costs=tco.year_totals,
        staff_cost=a.staff_cost,
        process_cost=a.process_cost,
        cost_reduction=savings,
        revenue_growth=growth,
        discount_rate=a.discount_rate,
    )
    return ROIReport(
        assessment=a,
        tco=tco,
        period_revenue=period_revenue,
        period_days=period_days,
        baseline_revenue=baseline_revenue,
        baseline_days=baseline_days,
        cost_reduction=savings,
        revenue_growth=growth,
        result=method.roi(inputs),
        sensitivity=method.sensitivity(inputs),
    )
