"""REST endpoints of churn handling 客户流失管理: postpone or confirm a customer's churn warning.

``POST /api/customers/{id}/churn/postpone/`` with ``{"measures": "..."}`` records measures
(again to add more); ``POST /api/customers/{id}/churn/confirm/`` with ``{"reason": <id of a
churn_reason dictionary entry>, "details": "..."}`` marks the customer churned. Both answer
the churn case. Outside the caller's scope → 404; without the right → 403; bad input → 400
naming the field; a transition the case does not allow (no warning open) → 422.
"""

from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers import rules
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import churn as services_churn


def customer_in_scope(request, pk: str) -> Customer:
    """The path's customer if the caller sees it; a malformed or unseen id is a 404."""
    if not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
        raise NotFound()
    try:
        return selectors.customer_get(actor=request.user, pk=pk)
    except Customer.DoesNotExist as missing:
        raise NotFound() from missing


CUSTOMER_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The customer's id."
)


class ChurnMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChurnMeasure
        fields = ["id", "text", "recorded_at", "recorded_by"]


class ChurnCaseSerializer(serializers.ModelSerializer):
    reason_code = serializers.CharField(
        source="reason.code", read_only=True, allow_null=True, default=None
    )
    measures = ChurnMeasureSerializer(many=True, read_only=True)
    warning_reason = serializers.CharField(
        read_only=True, help_text="Why the warning was raised, in the caller's language."
    )

    class Meta:
        model = ChurnCase
        fields = [
            "id",
            "customer",
            "state",
            "owner",
            "warned_at",
            "last_order_at",
            "warning_reason",
            "reason",
            "reason_code",
            "reason_text",
            "closed_at",
            "closed_by",
            "measures",
        ]
        read_only_fields = fields


class ChurnPostponeSerializer(serializers.Serializer):
    measures = serializers.CharField(
        max_length=services_churn.MAX_MEASURES_LENGTH,
        help_text="The measures taken to keep the customer 暂缓措施.",
    )


class ChurnConfirmSerializer(serializers.Serializer):
    reason = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.CHURN_REASON, is_active=True),
        help_text="Id of a churn_reason dictionary entry 流失原因.",
    )
    details = serializers.CharField(
        max_length=services_churn.MAX_MEASURES_LENGTH, required=False, allow_blank=True, default=""
    )


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input; `fields` names the field."),
    403: OpenApiResponse(ErrorSerializer, description="No right to handle churn."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown or outside the caller's scope."),
    422: OpenApiResponse(ErrorSerializer, description="The customer has no churn warning open."),
}


class _ChurnView(UserLanguageMixin, APIView):
    model = ChurnCase
    write_permission = rules.CHANGE_CHURNCASE
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]


class ChurnPostponeView(_ChurnView):
    """Postpone churn 暂缓流失: record measures; call again to add more."""

    @extend_schema(
        operation_id="customers_churn_postpone",
        summary="Postpone a churn warning with the measures taken",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        request=ChurnPostponeSerializer,
        responses={200: ChurnCaseSerializer, **ERRORS},
    )
    def post(self, request, pk):
        customer = customer_in_scope(request, pk)
        payload = ChurnPostponeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services_churn.churn_postpone(
            actor=request.user, customer=customer, measures=payload.validated_data["measures"]
        )
        return Response(ChurnCaseSerializer(case).data)


class ChurnConfirmView(_ChurnView):
    """Confirm churn 确定流失 with the reason; the customer's status becomes churned."""

    @extend_schema(
        operation_id="customers_churn_confirm",
        summary="Confirm a churn warning with the reason",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        request=ChurnConfirmSerializer,
        responses={200: ChurnCaseSerializer, **ERRORS},
    )
    def post(self, request, pk):
        customer = customer_in_scope(request, pk)
        payload = ChurnConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services_churn.churn_confirm(
            actor=request.user,
            customer=customer,
            reason=payload.validated_data["reason"],
            details=payload.validated_data["details"],
        )
        return Response(ChurnCaseSerializer(case).data)


# Any id segment matches, so a malformed id answers the API's 404 rather than a redirect.
urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/churn/postpone/$",
        ChurnPostponeView.as_view(),
        name="api-customer-churn-postpone",
    ),
    re_path(
        r"^customers/(?P<pk>[^/]+)/churn/confirm/$",
        ChurnConfirmView.as_view(),
        name="api-customer-churn-confirm",
    ),
]
