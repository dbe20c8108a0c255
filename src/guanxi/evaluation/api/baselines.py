"""REST endpoints of the before/after assessment: ``/api/evaluation/baselines/`` and
``/api/evaluation/assessment/``.

Baselines are listed, taken (POST: the KPIs of a period frozen now, company-wide), read and
deleted; ``{id}/comparison/`` compares one with the KPIs now (``now_start``/``now_end``,
by default as long as the baseline's period, ending today) and ``{id}/targets/`` (PUT)
replaces the targets agreed beforehand. ``assessment/?quarter=2026Q3`` is a quarter's breadth
and effect. Reading takes the reports' right and the company's figures
(``evaluation.read_baselines``); administrators and executives write. The rules live in
``services.baselines``: no right → 403, unknown → 404, bad input → 400 naming the field
(``period_end``, ``targets[1].target``, ``quarter``).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.core.validators import validate_business_date
from guanxi.evaluation import rules
from guanxi.evaluation.models import Baseline
from guanxi.evaluation.models.baselines import TargetDirection
from guanxi.evaluation.selectors import assessment as assessment_selectors
from guanxi.evaluation.selectors import baselines as selectors
from guanxi.evaluation.services import baselines as services

MAX_TARGETS = 200  # far beyond the dashboard's KPIs; bounds the work


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=True, **kwargs
    )


class BaselineValueSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label_en = serializers.CharField(read_only=True)
    label_zh = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True, help_text="percent, money, number or hours.")
    higher_is_better = serializers.BooleanField(read_only=True, allow_null=True)
    value = _decimal(help_text="The frozen value; null when the KPI had no value (0 ÷ 0).")


class BaselineTargetSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=50, help_text="A KPI key of the baseline.")
    target = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        help_text="The value agreed, in the KPI's unit (a percentage as 85 for 85 %).",
    )
    direction = serializers.ChoiceField(
        choices=TargetDirection.choices, default=TargetDirection.AT_LEAST
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BaselineTargetsSerializer(serializers.Serializer):
    targets = BaselineTargetSerializer(  # type: ignore[call-arg]  # DRF takes max_length
        many=True, max_length=MAX_TARGETS, help_text="Every target; replaces them all."
    )
    version = serializers.IntegerField(
        required=False, help_text="The version read; a stale one is refused with 409."
    )


class BaselineSerializer(serializers.ModelSerializer):
    values = BaselineValueSerializer(many=True, read_only=True)
    targets = BaselineTargetSerializer(many=True, read_only=True)
    taken_by = serializers.StringRelatedField(read_only=True)  # type: ignore[var-annotated]
    period_start = serializers.DateField(
        required=False, help_text="Omitted with period_end: the previous full month."
    )
    period_end = serializers.DateField(required=False, help_text="Not after today.")

    class Meta:
        model = Baseline
        fields = [
            "id",
            "name",
            "period_start",
            "period_end",
            "note",
            "scope",
            "taken_at",
            "taken_by",
            "values",
            "targets",
            "version",
        ]
        read_only_fields = ["scope", "taken_at", "version"]


class BaselineListSerializer(BaselineSerializer):
    class Meta(BaselineSerializer.Meta):
        fields = [f for f in BaselineSerializer.Meta.fields if f not in ("values", "targets")]


class ComparisonTargetSerializer(serializers.Serializer):
    target = _decimal()
    direction = serializers.ChoiceField(choices=TargetDirection.choices, read_only=True)
    note = serializers.CharField(read_only=True)


class ComparisonRowSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    unit = serializers.CharField(read_only=True)
    higher_is_better = serializers.BooleanField(read_only=True, allow_null=True)
    baseline = _decimal(help_text="The frozen value; null for a KPI added since.")
    current = _decimal(help_text="The value of the now period.")
    change = _decimal(help_text="current − baseline (percentage points for a rate).")
    change_percent = _decimal(help_text="(current − baseline) ÷ baseline × 100.")
    tone = serializers.ChoiceField(choices=["good", "bad", "neutral"], read_only=True)
    target = ComparisonTargetSerializer(read_only=True, allow_null=True)
    met = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Whether current meets the target."
    )


class ComparisonSerializer(serializers.Serializer):
    baseline = serializers.IntegerField(read_only=True, source="baseline.pk")
    period_start = serializers.DateField(read_only=True, source="baseline.period_start")
    period_end = serializers.DateField(read_only=True, source="baseline.period_end")
    now_start = serializers.DateField(read_only=True)
    now_end = serializers.DateField(read_only=True)
    met_count = serializers.IntegerField(read_only=True)
    target_count = serializers.IntegerField(read_only=True)
    rows = ComparisonRowSerializer(many=True, read_only=True)


class NowPeriodSerializer(serializers.Serializer):
    now_start = serializers.DateField(required=False, validators=[validate_business_date])
    now_end = serializers.DateField(required=False, validators=[validate_business_date])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("now_start"), attrs.get("now_end")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"now_end" if end is None else "now_start": [_("Enter both days, or neither.")]}
            )
        if start and end and end < start:
            raise serializers.ValidationError(
                {"now_end": [_("The period must end on or after the day it starts.")]}
            )
        return attrs


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[str(code)])
        for code in codes
    }


class BaselineViewSet(ScopedViewSet):
    """KPI baselines with their frozen values and targets. Administrators and executives take
    and delete them; DELETE moves one to the recycle bin."""

    model = Baseline
    serializer_class = BaselineSerializer
    read_permission = rules.READ_BASELINES
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    ordering_fields = {"taken_at": "taken_at", "name": "name"}

    def get_serializer_class(self):
        if self.action == "list":
            return BaselineListSerializer
        return super().get_serializer_class()

    def select(self, actor):
        queryset = selectors.baseline_list(actor=actor)
        if self.action != "list":
            queryset = queryset.prefetch_related("values", "targets")
        return queryset

    def _fresh(self, baseline):
        return selectors.baseline_get(actor=self.request.user, pk=baseline.pk)

    def create_record(self, data):
        return self._fresh(services.baseline_take(actor=self.request.user, **data))

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        # A baseline's values are frozen: only its targets change (PUT {id}/targets/).
        return Response(status=405)

    def delete_record(self, instance, expected_version):
        services.baseline_delete(
            actor=self.request.user, baseline=instance, expected_version=expected_version
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("now_start", OpenApiTypes.DATE, description="First day of now."),
            OpenApiParameter("now_end", OpenApiTypes.DATE, description="Last day of now."),
        ],
        responses={200: ComparisonSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="comparison")
    def comparison(self, request, pk=None):
        """Each KPI then and now, the change and whether its target is met."""
        baseline = self.get_object()
        period = NowPeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        comparison = selectors.baseline_comparison(
            actor=request.user,
            baseline=baseline,
            now_start=period.validated_data.get("now_start"),
            now_end=period.validated_data.get("now_end"),
        )
        return Response(ComparisonSerializer(comparison).data)

    @extend_schema(
        request=BaselineTargetsSerializer,
        responses={200: BaselineSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"], url_path="targets")
    def targets(self, request, pk=None):
        """Replace the baseline's targets (an empty list clears them)."""
        baseline = self.get_object()
        incoming = BaselineTargetsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        updated = services.baseline_targets_set(
            actor=request.user,
            baseline=baseline,
            targets=incoming.validated_data["targets"],
            expected_version=incoming.validated_data.get("version"),
        )
        return self.output(self._fresh(updated))


class ModuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(help_text="Records of this kind created in the quarter.")


class AssessmentKPISerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    value = _decimal()
    previous = _decimal(help_text="The quarter before.")
    change = _decimal()
    tone = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text="e.g. 2026Q3")
    start = serializers.DateField()
    end = serializers.DateField()
    ongoing = serializers.BooleanField(help_text="The quarter is not over yet.")
    active_users = serializers.IntegerField(help_text="Users who signed in in the quarter.")
    users = serializers.IntegerField(help_text="Active user accounts.")
    teams = serializers.ListField(child=serializers.CharField())
    departments = serializers.ListField(child=serializers.CharField())
    modules = ModuleSerializer(many=True)
    modules_in_use = serializers.IntegerField()
    kpis = AssessmentKPISerializer(many=True, source="kpis.kpis")
    depth = serializers.SerializerMethodField()

    def get_depth(self, report: Any) -> str | None:
        """Depth per function will come from the usage log (none yet)."""
        return None


class AssessmentView(UserLanguageMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_assessment",
        summary="Periodic application assessment of a quarter",
        tags=["evaluation"],
        parameters=[
            OpenApiParameter(
                "quarter", OpenApiTypes.STR, description="e.g. 2026Q3; default the last full one."
            )
        ],
        responses={200: AssessmentSerializer, **_errors(400, 403)},
    )
    def get(self, request: Request) -> Response:
        if not request.user.has_perm(rules.READ_BASELINES):
            raise PermissionDenied()
        quarter = str(request.query_params.get("quarter", "")).strip()[:20]
        try:
            report = assessment_selectors.assessment(
                actor=request.user,  # type: ignore[arg-type]
                quarter=quarter or assessment_selectors.default_quarter(),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(AssessmentSerializer(report).data)


router = SimpleRouter()
router.register("evaluation/baselines", BaselineViewSet, basename="api-evaluation-baselines")
urlpatterns = [
    *router.urls,
    path("evaluation/assessment/", AssessmentView.as_view(), name="api-evaluation-assessment"),
]
