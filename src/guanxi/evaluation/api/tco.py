"""REST endpoints of TCO plans 总拥有成本: ``/api/evaluation/tco/``.

Lists, creates, reads, updates (the plan with all its amounts) and deletes plans; each comes
with its read-only ``figures`` (totals, the initial/ongoing split against the usual range,
cost per user per year, maintenance rates, the years 3–5 budget split). Administrators and
executives write; a reader needs ``evaluation.view_tcoplan``. The rules live in
``services.tco``: no right → 403, unknown → 404, bad input → 400 naming the field
(``costs.2.amount``, ``costs[1]``), a stale ``version`` (or If-Match → 412) → 409.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from guanxi.core import export as core_export
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.evaluation import export
from guanxi.evaluation.methods import tco as method
from guanxi.evaluation.models import TCOPlan
from guanxi.evaluation.selectors import tco as selectors
from guanxi.evaluation.services import tco as services

MAX_COSTS = len(method.CATEGORIES) * len(method.KINDS) * method.YEARS


def money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True, **kwargs)


def share_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=4, read_only=True, allow_null=True, **kwargs
    )


def position_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=list(method.POSITIONS),
        read_only=True,
        allow_null=True,
        **kwargs,
    )


def xlsx_schema(what: str) -> Any:
    """The schema of a ``…/{id}/xlsx/`` download."""
    return extend_schema(
        request=None,
        responses={
            (200, core_export.XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=f"The {what}'s tables as an xlsx workbook."
            ),
            403: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["403"]),
            404: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["404"]),
        },
    )


class FileDownloads:
    """A viewset mixin: the ``xlsx`` action answers a file, whatever the Accept header says
    (content negotiation picks JSON, which its errors use)."""

    def perform_content_negotiation(self, request: Any, force: bool = False) -> Any:
        if getattr(self, "action", None) == "xlsx":
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)  # type: ignore[misc]


class TCOCostSerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=list(method.CATEGORIES), help_text="One of the eight cost categories."
    )
    year = serializers.IntegerField(min_value=1, max_value=method.YEARS, help_text="Year 1–5.")
    kind = serializers.ChoiceField(
        choices=list(method.KINDS), help_text="initial (one-off) or ongoing (running)."
    )
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=method.MAX_AMOUNT,
        help_text="Amount in CNY, two decimals, zero or more.",
    )


class CategoryFiguresSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=list(method.CATEGORIES), read_only=True)
    years = serializers.ListField(child=money_field(), help_text="Amount of each year 1–5.")
    total = money_field()


class TCOFiguresSerializer(serializers.Serializer):
    total = money_field(help_text="Five-year TCO.")
    initial_total = money_field()
    ongoing_total = money_field()
    year_totals = serializers.ListField(child=money_field(), help_text="Cost of each year 1–5.")
    categories = CategoryFiguresSerializer(many=True, read_only=True)
    initial_share = share_field(help_text="initial ÷ total, e.g. 0.5536; null without costs.")
    ongoing_share = share_field(help_text="ongoing ÷ total.")
    initial_position = position_field(help_text="Against the usual 55–65 % initial.")
    ongoing_position = position_field(help_text="Against the usual 35–45 % ongoing.")
    cost_per_user_year = money_field(help_text="total ÷ (users × 5).")
    maintenance_rates = serializers.ListField(
        child=share_field(),
        help_text="Maintenance of each year ÷ licences bought so far (usually 0.15–0.25).",
    )
    late_budget = money_field(help_text="Cost of years 3–5.")
    run_share = share_field(help_text="keep_running ÷ late_budget (usually 0.15–0.20).")
    advantage_share = share_field(
        help_text="competitive_advantage ÷ late_budget (usually 0.25–0.40)."
    )
    run_position = position_field()
    advantage_position = position_field()


def figures_data(figures: method.TCOResult) -> dict[str, Any]:
    return {
        **{
            name: getattr(figures, name)
            for name in (
                "total",
                "initial_total",
                "ongoing_total",
                "year_totals",
                "initial_share",
                "ongoing_share",
                "initial_position",
                "ongoing_position",
                "cost_per_user_year",
                "maintenance_rates",
                "late_budget",
                "run_share",
                "advantage_share",
                "run_position",
                "advantage_position",
            )
        },
        "categories": [
            {
                "category": category,
                "years": figures.by_category[category],
                "total": figures.category_totals[category],
            }
            for category in method.CATEGORIES
        ],
    }


class TCOPlanSerializer(VersionedModelSerializer):
    costs = TCOCostSerializer(  # type: ignore[call-arg]  # DRF takes max_length with many
        many=True,
        required=False,
        max_length=MAX_COSTS,
        help_text="Every amount of the plan; on update, replaces them all. Omitted: none "
        "(create) or unchanged (update).",
    )
    figures = serializers.SerializerMethodField()

    class Meta:
        model = TCOPlan
        fields = [
            "id",
            "name",
            "users",
            "keep_running",
            "competitive_advantage",
            "notes",
            "costs",
            "figures",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "keep_running": {"max_value": method.MAX_AMOUNT},
            "competitive_advantage": {"max_value": method.MAX_AMOUNT},
        }

    @extend_schema_field(TCOFiguresSerializer)
    def get_figures(self, plan: TCOPlan) -> dict[str, Any]:
        data = figures_data(selectors.tco_figures(plan))
        return dict(TCOFiguresSerializer(data).data)


class TCOPlanViewSet(FileDownloads, ScopedViewSet):
    """TCO plans with their amounts and figures. Administrators and executives write them;
    DELETE moves one to the recycle bin (refused while an ROI assessment uses it)."""

    model = TCOPlan
    serializer_class = TCOPlanSerializer
    ordering_fields = {"name": "name", "updated_at": "updated_at"}

    def select(self, actor):
        return selectors.tco_plan_list(actor=actor).prefetch_related("costs")

    def _fresh(self, plan):
        return selectors.tco_plan_get(actor=self.request.user, pk=plan.pk)

    def create_record(self, data):
        return self._fresh(services.tco_plan_create(actor=self.request.user, **data))

    def update_record(self, instance, data, expected_version):
        return self._fresh(
            services.tco_plan_update(
                actor=self.request.user, plan=instance, expected_version=expected_version, **data
            )
        )

    def delete_record(self, instance, expected_version):
        services.tco_plan_delete(
            actor=self.request.user, plan=instance, expected_version=expected_version
        )

    @xlsx_schema("plan")
    @action(detail=True, methods=["get"], url_path="xlsx")
    def xlsx(self, request, pk=None):
        """The plan's tables as on its page, as xlsx (written to the access log)."""
        plan = self.get_object()
        response = export.tco_response(plan, selectors.tco_figures(plan))
        export.log_export(request, target=plan)
        return response


router = SimpleRouter()
router.register("evaluation/tco", TCOPlanViewSet, basename="api-evaluation-tco")
urlpatterns = [*router.urls]
