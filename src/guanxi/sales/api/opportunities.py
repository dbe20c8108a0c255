"""REST endpoints of sales opportunities 销售机会 and their development plans 客户开发计划.

``/api/opportunities/`` lists (filters ``status``, ``assigned_to``, ``mine``, ``search``),
creates, reads, updates and deletes opportunities within the caller's scope; updates and
deletes only succeed while an opportunity is unassigned. The transitions are actions:

* ``POST /api/opportunities/{id}/assign/`` ``{"assigned_to": <user id>}`` (supervisors);
* ``GET|POST /api/opportunities/{id}/plan-items/`` ``{"date": ..., "content": ...}``;
* ``POST /api/opportunities/{id}/plan-items/{item_id}/result/`` ``{"result": "..."}``;
* ``POST /api/opportunities/{id}/succeed/`` ``{"confirm_duplicate": false, "open_deal": false}``
  → the customer id (and the deal opened for it, linked to the opportunity);
* ``POST /api/opportunities/{id}/terminate/`` ``{"reason": <lost_reason id>, "details": ...}``.

The rules live in ``services.opportunities``: no right → 403, outside the scope → 404, bad input
→ 400 naming the field, a transition the status does not allow → 422, a stale ``version`` (or
If-Match → 412) → 409, likely duplicate customers on success → 409 ``duplicate``.
"""

from typing import Any, cast

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from guanxi.accounts.models import User
from guanxi.core.api.concurrency import check_if_match, etag
from guanxi.core.api.filters import id_filter
from guanxi.core.api.idempotency import idempotent
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer, VersionField
from guanxi.core.api.viewsets import MAX_ID, ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.api.customers import (
    DuplicateErrorSerializer,
    ScopedCustomerField,
    duplicate_response,
)
from guanxi.customers.dedup import DuplicateError
from guanxi.sales import rules
from guanxi.sales.models import Opportunity, PlanItem, PlanItemResult
from guanxi.sales.selectors import opportunities as selectors
from guanxi.sales.services import opportunities as services

# --- serializers ------------------------------------------------------------------------------


class OpportunitySerializer(VersionedModelSerializer):
    # A declared field, not Field.source: DRF's serializer metaclass takes it out of the class.
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.SOURCE),
        required=False,
        allow_null=True,
        help_text="Id of a `source` dictionary entry 机会来源.",
    )
    customer = ScopedCustomerField(
        required=False,
        allow_null=True,
        help_text="An existing customer the opportunity is about (one the caller sees); "
        "set to the created customer when development succeeds.",
    )
    assigned_to_name = serializers.SerializerMethodField()
    deal = serializers.SerializerMethodField(
        help_text="Id of the deal 商机 opened when development succeeded, if any."
    )

    class Meta:
        model = Opportunity
        # The writable fields are the service's own list, so the two cannot drift apart.
        fields = [
            "id",
            *services.OPPORTUNITY_EDITABLE_FIELDS,
            "status",
            "assigned_to",
            "assigned_to_name",
            "assigned_at",
            "assigned_by",
            "closed_at",
            "lost_reason",
            "lost_details",
            "deal",
            "version",
            "created_at",
            "created_by",
            "updated_at",
        ]
        read_only_fields = [
            "external_ref",
            "status",
            "assigned_to",
            "assigned_at",
            "assigned_by",
            "closed_at",
            "lost_reason",
            "lost_details",
            "created_at",
            "created_by",
            "updated_at",
        ]
        extra_kwargs = {
            "prospect_name": {
                "required": False,
                "allow_blank": True,
                "help_text": "The company or person 客户名称; may be left out when `customer` "
                "is given (its name is taken).",
            },
            "probability": {"help_text": "Success probability 成功几率 in percent, 0–100."},
            "description": {"max_length": services.MAX_TEXT_LENGTH},
            "expected_amount": {
                "help_text": "What winning it would be worth; with `expected_close_date`, an "
                "assigned opportunity counts in the weighted forecast."
            },
        }

    def get_assigned_to_name(self, opportunity: Opportunity) -> str:
        return str(opportunity.assigned_to) if opportunity.assigned_to_id else ""

    def get_deal(self, opportunity: Opportunity) -> int | None:
        deal = getattr(opportunity, "deal", None)  # the selectors load it with the row
        return deal.pk if deal is not None and not deal.is_deleted else None


class PlanItemResultEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItemResult
        fields = ["id", "text", "created_at", "created_by"]
        read_only_fields = fields


class PlanItemSerializer(VersionedModelSerializer):
    results = PlanItemResultEntrySerializer(
        many=True,
        read_only=True,
        help_text="Every result recorded, oldest first, with who wrote it; `result` is the latest.",
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "opportunity",
            "date",
            "content",
            "result",
            "result_at",
            "result_by",
            "results",
            "version",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields


class PlanItemCreateSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="When the step is planned (YYYY-MM-DD).")
    content = serializers.CharField(
        max_length=services.MAX_TEXT_LENGTH, help_text="The planned step 计划项."
    )


class PlanItemResultSerializer(serializers.Serializer):
    result = serializers.CharField(
        max_length=services.MAX_TEXT_LENGTH,
        help_text="What the step achieved 执行效果; recording again adds a result, the "
        "earlier ones stay in `results`.",
    )
    version = VersionField(help_text="Optional: the plan item's version as read; stale → 409.")


class OpportunityAssignSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Id of the account manager to assign the opportunity to.",
    )
    version = VersionField(help_text="Optional: the opportunity's version as read; stale → 409.")


class OpportunitySucceedSerializer(serializers.Serializer):
    confirm_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create the customer even if similar customers exist (otherwise 409).",
    )
    open_deal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also open a deal 商机 for the customer in the pipeline's first stage, "
        "carrying the expected amount and close date, linked to the opportunity.",
    )
    version = VersionField(help_text="Optional: the opportunity's version as read; stale → 409.")


class OpportunitySucceededSerializer(serializers.Serializer):
    customer = serializers.IntegerField(help_text="Id of the customer created (or linked).")
    deal = serializers.IntegerField(
        allow_null=True, help_text="Id of the deal opened (`open_deal`), else null."
    )
    opportunity = OpportunitySerializer()


class OpportunityTerminateSerializer(serializers.Serializer):
    reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.LOST_REASON, is_active=True),
        help_text="Id of a `lost_reason` dictionary entry.",
    )
    details = serializers.CharField(
        max_length=services.MAX_TEXT_LENGTH, required=False, allow_blank=True, default=""
    )
    version = VersionField(help_text="Optional: the opportunity's version as read; stale → 409.")


# --- filters ----------------------------------------------------------------------------------


class OpportunityFilter(django_filters.FilterSet):
    assigned_to = id_filter("assigned_to", help_text="Id of the assignee.")
    customer = id_filter("customer", help_text="Id of the linked customer.")
    mine = django_filters.BooleanFilter(
        method="filter_mine", help_text="Only those the caller created or was assigned."
    )

    class Meta:
        model = Opportunity
        fields = ["status"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.mine_condition(self.request.user))


# --- the viewset ------------------------------------------------------------------------------

TRANSITION_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description="The body's `version` is stale."),
    412: OpenApiResponse(ErrorSerializer, description="If-Match does not match the ETag."),
}
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan item's id."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional: the opportunity's ETag as read; a mismatch answers 412.",
)
# The actions work on one record: the list's filters, ordering and paging mean nothing there.
_ACTION: dict[str, Any] = {"filter_backends": [], "pagination_class": None}
_WRITE_RIGHTS = {
    "assign": rules.CHANGE_OPPORTUNITY,
    "succeed": rules.CHANGE_OPPORTUNITY,
    "terminate": rules.CHANGE_OPPORTUNITY,
    "plan_items": rules.ADD_PLANITEM,
    "plan_item_result": rules.CHANGE_PLANITEM,
}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="Contained in the prospect name (any case)."
            )
        ]
    ),
)
class OpportunityViewSet(ScopedViewSet):
    """Sales opportunities in the caller's scope: those they created or were assigned, their
    team's (supervisors), their managers' (assistants), all (executives, administrators).

    PUT/PATCH/DELETE only while the opportunity is unassigned, by its creator or a supervisor
    (else 422 or 403); DELETE moves it to the recycle bin.
    """

    model = Opportunity
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = {
        "created_at": "created_at",
        "prospect_name": "prospect_name",
        "probability": "probability",
        "assigned_at": "assigned_at",
    }

    @property
    def write_permission(self):
        return _WRITE_RIGHTS.get(self.action)

    def select(self, actor):
        if self.action == "list":
            return selectors.opportunity_list(
                actor=actor, search=query_text(self.request, "search", 100)
            )
        return selectors.opportunity_list(actor=actor)

    def create_record(self, data):
        return services.opportunity_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services.opportunity_update(
            actor=self.request.user,
            opportunity=instance,
            expected_version=expected_version,
            **data,
        )

    def delete_record(self, instance, expected_version):
        services.opportunity_delete(
            actor=self.request.user, opportunity=instance, expected_version=expected_version
        )

    # --- transitions ---------------------------------------------------------------------

    def _expected(self, request, opportunity, sent_version) -> int | None:
        """The version the caller read: the body's ``version``, else the If-Match one (a
        mismatch answers 412 here). The service compares it once it has checked the status,
        so a refused transition is explained (422) rather than merely called stale (409)."""
        if_match = check_if_match(request, opportunity)
        if sent_version is not None:
            return sent_version
        return opportunity.version if if_match else None

    @extend_schema(
        summary="Assign an unassigned opportunity to an account manager (supervisors)",
        request=OpportunityAssignSerializer,
        parameters=[IF_MATCH],
        responses={200: OpportunitySerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def assign(self, request, pk=None):
        opportunity = self.get_object()
        payload = OpportunityAssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assigned = services.opportunity_assign(
            actor=request.user,
            opportunity=opportunity,
            assignee=data["assigned_to"],
            expected_version=self._expected(request, opportunity, data.get("version")),
        )
        return self.output(self._reread(assigned))

    @extend_schema(
        methods=["GET"],
        summary="List the plan items of an opportunity's development plan, by date",
        responses=PlanItemSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a dated plan item (the assignee or a supervisor of their team, while the "
        "opportunity is assigned)",
        request=PlanItemCreateSerializer,
        responses={201: PlanItemSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="plan-items", **_ACTION)
    @idempotent
    def plan_items(self, request, pk=None):
        opportunity = self.get_object()
        if request.method == "GET":
            items = selectors.plan_item_list(actor=request.user, opportunity=opportunity)
            return Response(PlanItemSerializer(items, many=True).data)
        payload = PlanItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.plan_item_create(
            actor=request.user, opportunity=opportunity, **payload.validated_data
        )
        return Response(
            PlanItemSerializer(item).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(item)},
        )

    @extend_schema(
        summary="Record a result of a plan item (the assignee or a supervisor of their team)",
        parameters=[ITEM_ID],
        request=PlanItemResultSerializer,
        responses={
            200: PlanItemSerializer,
            409: TRANSITION_ERRORS[409],
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"plan-items/(?P<item_id>[^/]+)/result",
        url_name="plan-item-result",
        **_ACTION,
    )
    def plan_item_result(self, request, pk=None, item_id=None):
        opportunity = self.get_object()
        raw = str(item_id)
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise NotFound()
        try:
            item = selectors.plan_item_get(actor=request.user, opportunity=opportunity, pk=int(raw))
        except PlanItem.DoesNotExist as missing:
            raise NotFound() from missing
        payload = PlanItemResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.plan_item_record_result(
            actor=request.user,
            item=item,
            result=payload.validated_data["result"],
            expected_version=payload.validated_data.get("version"),
        )
        return Response(PlanItemSerializer(item).data, headers={"ETag": etag(item)})

    @extend_schema(
        summary="Development succeeded: the opportunity is won, the customer created",
        description="Creates the customer (owned by the caller, the assignee) and its primary "
        "contact from the opportunity, unless it is linked to an existing customer. Answers the "
        "customer's id. Similar existing customers answer 409 `duplicate` with their ids; send "
        "`confirm_duplicate: true` to create it anyway.",
        request=OpportunitySucceedSerializer,
        parameters=[IF_MATCH],
        responses={
            200: OpportunitySucceededSerializer,
            409: OpenApiResponse(
                DuplicateErrorSerializer,
                description="Similar customers exist (code `duplicate`), or the `version` "
                "is stale (code `conflict`).",
            ),
            412: TRANSITION_ERRORS[412],
        },
    )
    @action(detail=True, methods=["post"], **_ACTION)
    @idempotent
    def succeed(self, request, pk=None):
        opportunity = self.get_object()
        payload = OpportunitySucceedSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            won = services.opportunity_succeed(
                actor=request.user,
                opportunity=opportunity,
                confirm_duplicate=data["confirm_duplicate"],
                open_deal=data["open_deal"],
                expected_version=self._expected(request, opportunity, data.get("version")),
            )
        except DuplicateError as error:
            return duplicate_response(error)
        won = self._reread(won)
        opened = getattr(won, "deal", None)
        body = {
            "customer": won.customer_id,
            "deal": opened.pk if opened is not None and not opened.is_deleted else None,
            "opportunity": self.get_serializer(won).data,
        }
        return Response(body, headers={"ETag": etag(won)})

    @extend_schema(
        summary="Terminate the development: the opportunity is lost, with the reason",
        request=OpportunityTerminateSerializer,
        parameters=[IF_MATCH],
        responses={200: OpportunitySerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def terminate(self, request, pk=None):
        opportunity = self.get_object()
        payload = OpportunityTerminateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        lost = services.opportunity_terminate(
            actor=request.user,
            opportunity=opportunity,
            reason=data["reason"],
            details=data["details"],
            expected_version=self._expected(request, opportunity, data.get("version")),
        )
        return self.output(self._reread(lost))

    def _reread(self, opportunity: Opportunity) -> Opportunity:
        """The saved opportunity as the list shows it (related names loaded)."""
        rows = selectors.opportunity_list(actor=cast(User, self.request.user))  # signed in
        return rows.filter(pk=opportunity.pk).first() or opportunity


router = SimpleRouter()
router.register("opportunities", OpportunityViewSet, basename="api-opportunity")
urlpatterns = router.urls
