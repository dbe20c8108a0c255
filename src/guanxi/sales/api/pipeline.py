"""REST endpoints of the sales pipeline 销售漏斗.

* ``/api/deals/`` lists (filters ``stage``, ``owner``, ``customer``), creates, reads, updates
  and deletes deals 商机 within the caller's scope; the stage changes only by moving:
* ``POST /api/deals/{id}/move/`` ``{"stage": <id>, "lost_reason": <id>?, "version": n?}``;
* ``GET /api/pipeline/stages/``: the stages in pipeline order;
* ``GET /api/pipeline/forecast/``: the weighted pipeline by expected close month and owner.

The rules live in ``services.pipeline``: no right → 403, outside the scope → 404, bad input
→ 400 naming the field, a stale ``version`` (or If-Match → 412) → 409.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from guanxi.accounts.models import User
from guanxi.core.api.concurrency import check_if_match
from guanxi.core.api.filters import id_filter
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer, VersionField
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.api.customers import ScopedCustomerField
from guanxi.sales import rules
from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.selectors import pipeline as selectors
from guanxi.sales.services import pipeline as services

# --- serializers ------------------------------------------------------------------------------


class PipelineStageSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text="The name in the caller's language.")

    class Meta:
        model = PipelineStage
        fields = ["id", "name", "name_zh", "name_en", "order", "probability", "is_won", "is_lost"]
        read_only_fields = fields

    def get_name(self, stage: PipelineStage) -> str:
        return stage.label


class DealSerializer(VersionedModelSerializer):
    customer = ScopedCustomerField(help_text="Id of a customer the caller sees.")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="Id of the owner, a user in the caller's scope; by default the customer's "
        "owner (when in scope) or the caller.",
    )
    stage = serializers.PrimaryKeyRelatedField(
        queryset=PipelineStage.objects.all(),
        required=False,
        help_text="On create only: the stage (default: the first open stage). Afterwards the "
        "stage changes through `move`.",
    )
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.LOST_REASON, is_active=True),
        required=False,
        allow_null=True,
        help_text="On create in a lost stage: id of a `lost_reason` dictionary entry.",
    )
    probability = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="Percent; left out or null: the stage's default probability.",
    )
    owner_name = serializers.SerializerMethodField()
    stage_name = serializers.SerializerMethodField()
    customer_name = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = [
            "id",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "title",
            "stage",
            "stage_name",
            "amount",
            "probability",
            "expected_close_date",
            "competitors",
            "lost_reason",
            "won_on",
            "lost_on",
            "opportunity",
            "external_ref",
            "version",
            "created_at",
            "created_by",
            "updated_at",
        ]
        read_only_fields = [
            "won_on",
            "lost_on",
            "external_ref",
            "created_at",
            "created_by",
            "updated_at",
        ]
        extra_kwargs = {
            "opportunity": {
                "help_text": "Id of the sales opportunity 销售机会 whose success opened the deal."
            },
            "amount": {"min_value": 0, "help_text": "Amount in CNY, two decimals."},
            "competitors": {
                "max_length": services.MAX_TEXT_LENGTH,
                "help_text": "Competitors 竞争对手, one per line.",
            },
        }

    def get_owner_name(self, deal: Deal) -> str:
        return str(deal.owner)

    def get_stage_name(self, deal: Deal) -> str:
        return deal.stage.label

    def get_customer_name(self, deal: Deal) -> str:
        return deal.customer.name


class DealMoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(
        queryset=PipelineStage.objects.all(), help_text="Id of the target stage."
    )
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.LOST_REASON, is_active=True),
        required=False,
        allow_null=True,
        help_text="Id of a `lost_reason` dictionary entry; required for a lost stage.",
    )
    version = VersionField(help_text="Optional: the deal's version as read; stale → 409.")


class ForecastRowSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the expected close month.")
    kind = serializers.ChoiceField(
        choices=["deal", "opportunity"],
        help_text="deal: deals not lost; opportunity: assigned opportunities, at their "
        "success probability (counted apart from the deals).",
    )
    owner = serializers.IntegerField(
        help_text="Id of the deals' owner, or the opportunities' assignee."
    )
    owner_username = serializers.CharField()
    owner_name = serializers.CharField(help_text="The owner's full name.")
    weighted = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Sum of amount × probability / 100."
    )
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    count = serializers.IntegerField()


# --- deals ------------------------------------------------------------------------------------


class DealFilter(django_filters.FilterSet):
    stage = id_filter("stage", help_text="Id of the stage.")
    owner = id_filter("owner", help_text="Id of the owner.")
    customer = id_filter("customer", help_text="Id of the customer.")

    class Meta:
        model = Deal
        fields: list[str] = []


class DealViewSet(ScopedViewSet):
    """Deals 商机 in the caller's scope: their own, their team's (supervisors), their managers'
    (assistants), all (executives, administrators). DELETE moves one to the recycle bin."""

    model = Deal
    serializer_class = DealSerializer
    filterset_class = DealFilter
    ordering_fields = {
        "created_at": "created_at",
        "amount": "amount",
        "expected_close_date": "expected_close_date",
        "title": "title",
    }

    @property
    def write_permission(self):
        return rules.CHANGE_DEAL if self.action == "move" else None

    def select(self, actor):
        return selectors.deal_list(actor=actor)

    def create_record(self, data):
        return services.deal_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        data.pop("lost_reason", None)
        if "stage" in data and data.pop("stage") != instance.stage:
            raise serializers.ValidationError(
                {"stage": [_("Move a deal to another stage with POST /api/deals/{id}/move/.")]}
            )
        return services.deal_update(
            actor=self.request.user, deal=instance, expected_version=expected_version, **data
        )

    def delete_record(self, instance, expected_version):
        services.deal_delete(
            actor=self.request.user, deal=instance, expected_version=expected_version
        )

    @extend_schema(
        summary="Move a deal to another stage",
        description="The probability becomes the stage's default; a lost stage needs "
        "`lost_reason`; won and lost stages record the date.",
        request=DealMoveSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description="Optional: the deal's ETag as read; a mismatch answers 412.",
            )
        ],
        responses={
            200: DealSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The `version` is stale."),
            412: OpenApiResponse(ErrorSerializer, description="If-Match does not match."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def move(self, request, pk=None):
        deal = self.get_object()
        if_match = check_if_match(request, deal)
        payload = DealMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        expected = data.get("version")
        if expected is None and if_match:
            expected = deal.version
        moved = services.deal_move(
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            lost_reason=data.get("lost_reason"),
            expected_version=expected,
        )
        return self.output(selectors.deal_get(actor=request.user, pk=moved.pk))


# --- stages and forecast ----------------------------------------------------------------------


class StageListView(UserLanguageMixin, generics.ListAPIView):
    """The pipeline stages in order, with their default probability and won/lost flags."""

    model = Deal  # reading stages needs the right to read deals
    permission_classes = [IsAuthenticated, RoleRights]
    serializer_class = PipelineStageSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.stage_list()

    @extend_schema(operation_id="pipeline_stages_list", summary="List the pipeline stages")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ForecastView(UserLanguageMixin, APIView):
    """The weighted pipeline in the caller's scope, by expected close month and owner."""

    model = Deal
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="pipeline_forecast",
        summary="Weighted pipeline forecast by expected close month and owner",
        parameters=[
            OpenApiParameter(
                "owner",
                int,
                description="Only this owner's deals and opportunities assigned to them (an id).",
            )
        ],
        responses={
            200: ForecastRowSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="`owner` is not an id."),
        },
    )
    def get(self, request):
        raw = request.query_params.get("owner", "")
        owner = None
        if raw:
            if not raw.isdigit() or not 0 < int(raw) < 2**63:
                raise serializers.ValidationError({"owner": [_("Enter a user id.")]})
            owner = int(raw)
        rows = selectors.forecast_rows(actor=request.user, owner=owner)
        return Response(ForecastRowSerializer(rows, many=True).data)


router = SimpleRouter()
router.register("deals", DealViewSet, basename="api-deal")
urlpatterns = [
    *router.urls,
    path("pipeline/stages/", StageListView.as_view(), name="api-pipeline-stages"),
    path("pipeline/forecast/", ForecastView.as_view(), name="api-pipeline-forecast"),
]
