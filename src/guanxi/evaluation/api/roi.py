"""REST endpoints of ROI assessments 投资回报率: ``/api/evaluation/roi/``.

Lists, creates, reads, updates and deletes assessments. Reading one gives its ``result``:
the revenue of the measured and the baseline period from the CRM's orders, the yearly cost
reduction and revenue growth, ROI, NPV at the discount rate, the payback period, the yearly
cash flows and the sensitivity table (the list leaves the result out: it reads the orders).
Administrators and executives write. No right → 403, unknown → 404, bad input → 400 naming
the field, a stale ``version`` → 409.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.evaluation import export
from guanxi.evaluation.api.tco import FileDownloads, money_field, share_field, xlsx_schema
from guanxi.evaluation.methods import roi as method
from guanxi.evaluation.methods.tco import MAX_AMOUNT
from guanxi.evaluation.models import ROIAssessment, TCOPlan
from guanxi.evaluation.selectors import roi as selectors
from guanxi.evaluation.services import roi as services

FIELDS = [
    "id",
    "name",
    "plan",
    "period_start",
    "period_end",
    "baseline_start",
    "baseline_end",
    "baseline_amount",
    "hours_saved",
    "hourly_rate",
    "other_savings",
    "staff_cost",
    "process_cost",
    "discount_rate",
    "version",
    "created_at",
    "updated_at",
]


class SensitivityCellSerializer(serializers.Serializer):
    step = serializers.IntegerField(read_only=True, help_text="Per cent the input moved.")
    roi = share_field()
    npv = money_field()


class SensitivityRowSerializer(serializers.Serializer):
    variable = serializers.ChoiceField(choices=list(method.SENSITIVITY_VARIABLES), read_only=True)
    cells = SensitivityCellSerializer(many=True, read_only=True)


class ROIResultSerializer(serializers.Serializer):
    period_revenue = money_field(help_text="Revenue of the orders in the measured period.")
    baseline_revenue = money_field(help_text="Of the baseline period, or the yearly amount.")
    revenue_growth = money_field(help_text="A year: measured yearly rate − baseline's.")
    cost_reduction = money_field(help_text="A year: hours saved × hourly rate + other.")
    it_investment = money_field(help_text="The TCO plan's five-year total.")
    total_cost = money_field(help_text="IT investment + 5 × (staff + process cost).")
    total_benefit = money_field(help_text="5 × (cost reduction + revenue growth).")
    roi = share_field(help_text="total_benefit ÷ total_cost, e.g. 1.3387; null without cost.")
    npv = money_field(help_text="Σ cash flow_t ÷ (1 + rate)^t, t = 1…5.")
    payback_years = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Years until the cumulative cash flow is back at zero; null: not in 5 years.",
    )
    costs = serializers.ListField(child=money_field(), help_text="Total cost of each year.")
    benefits = serializers.ListField(child=money_field(), help_text="Benefits of each year.")
    cash_flows = serializers.ListField(child=money_field(), help_text="Benefits − costs.")
    cumulative = serializers.ListField(child=money_field())
    sensitivity = SensitivityRowSerializer(many=True, read_only=True)


class ROIAssessmentSerializer(VersionedModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=TCOPlan.objects.all(), help_text="Id of the TCO plan whose costs are weighed."
    )

    class Meta:
        model = ROIAssessment
        fields = FIELDS
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "baseline_amount": {"max_value": MAX_AMOUNT},
            "hourly_rate": {"max_value": MAX_AMOUNT},
            "other_savings": {"max_value": MAX_AMOUNT},
            "staff_cost": {"max_value": MAX_AMOUNT},
            "process_cost": {"max_value": MAX_AMOUNT},
        }


class ROIAssessmentDetailSerializer(ROIAssessmentSerializer):
    result = serializers.SerializerMethodField()

    class Meta(ROIAssessmentSerializer.Meta):
        fields = [*FIELDS, "result"]

    @extend_schema_field(ROIResultSerializer)
    def get_result(self, assessment: ROIAssessment) -> dict[str, Any]:
        report = selectors.roi_report(actor=self.context["request"].user, assessment=assessment)
        r = report.result
        data = {
            "period_revenue": report.period_revenue,
            "baseline_revenue": report.baseline_revenue,
            "revenue_growth": report.revenue_growth,
            "cost_reduction": report.cost_reduction,
            **{
                name: getattr(r, name)
                for name in (
                    "it_investment",
                    "total_cost",
                    "total_benefit",
                    "roi",
                    "npv",
                    "payback_years",
                    "costs",
                    "benefits",
                    "cash_flows",
                    "cumulative",
                )
            },
            "sensitivity": [
                {
                    "variable": row.variable,
                    "cells": [{"step": c.step, "roi": c.roi, "npv": c.npv} for c in row.cells],
                }
                for row in report.sensitivity
            ],
        }
        return dict(ROIResultSerializer(data).data)


class ROIAssessmentViewSet(FileDownloads, ScopedViewSet):
    """ROI assessments; one read gives its result. Administrators and executives write them;
    DELETE moves one to the recycle bin."""

    model = ROIAssessment
    ordering_fields = {"name": "name", "updated_at": "updated_at"}

    def get_serializer_class(self):
        if self.action == "list":
            return ROIAssessmentSerializer
        return ROIAssessmentDetailSerializer

    def select(self, actor):
        return selectors.roi_assessment_list(actor=actor).prefetch_related("plan__costs")

    def _fresh(self, assessment):
        return selectors.roi_assessment_get(actor=self.request.user, pk=assessment.pk)

    def create_record(self, data):
        return self._fresh(services.roi_assessment_create(actor=self.request.user, **data))

    def update_record(self, instance, data, expected_version):
        return self._fresh(
            services.roi_assessment_update(
                actor=self.request.user,
                assessment=instance,
                expected_version=expected_version,
                **data,
            )
        )

    def delete_record(self, instance, expected_version):
        services.roi_assessment_delete(
            actor=self.request.user, assessment=instance, expected_version=expected_version
        )

    @xlsx_schema("assessment")
    @action(detail=True, methods=["get"], url_path="xlsx")
    def xlsx(self, request, pk=None):
        """The assessment's tables as on its page, as xlsx (written to the access log)."""
        assessment = self.get_object()
        report = selectors.roi_report(actor=request.user, assessment=assessment)
        response = export.roi_response(assessment, report)
        export.log_export(request, target=assessment)
        return response


router = SimpleRouter()
router.register("evaluation/roi", ROIAssessmentViewSet, basename="api-evaluation-roi")
urlpatterns = [*router.urls]
