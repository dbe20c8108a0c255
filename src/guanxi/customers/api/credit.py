"""REST endpoint of credit control 信用冻结: put a customer's credit on hold or lift the hold.

``POST /api/customers/{id}/credit-hold/`` with ``{"on_hold": true, "reason": "...",
"version": 3}`` (``version`` optional: the one read, for optimistic locking) answers the
customer's credit status, reason, author and time. Administrators and the sales supervisor of
the customer's team may do it (``rules.may_set_credit_hold``): no right → 403; outside the
caller's scope → 404; no reason → 400 naming ``reason``; already as asked → 422; a stale
version → 409. The customer's general update (``PUT/PATCH /api/customers/{id}/``) leaves the
credit status alone.
"""

from django.urls import re_path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer, VersionField
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers import rules
from guanxi.customers.api.churn import CUSTOMER_ID, customer_in_scope
from guanxi.customers.models import Customer
from guanxi.customers.services import credit as services_credit


class CreditHoldSerializer(serializers.ModelSerializer):
    """A customer's credit status and, while on hold, why, by whom and since when."""

    credit_hold_by_name = serializers.SerializerMethodField()
    version = VersionField(read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "credit_status",
            "credit_hold_reason",
            "credit_hold_by",
            "credit_hold_by_name",
            "credit_hold_at",
            "version",
        ]
        read_only_fields = fields

    def get_credit_hold_by_name(self, customer: Customer) -> str:
        return str(customer.credit_hold_by) if customer.credit_hold_by_id else ""


class CreditHoldRequestSerializer(serializers.Serializer):
    on_hold = serializers.BooleanField(
        help_text="true puts the credit on hold, false lifts the hold."
    )
    reason = serializers.CharField(
        max_length=services_credit.MAX_CREDIT_HOLD_REASON_LENGTH,
        help_text="Why (kept in the history, shown on the customer's banner while on hold).",
    )
    version = VersionField(
        help_text="The customer's version you read; a stale one answers 409 (optional)."
    )


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input; `fields` names the field."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Only administrators and the supervisor of the customer's team may.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="Unknown or outside the caller's scope."),
    409: OpenApiResponse(ErrorSerializer, description="The customer changed since `version`."),
    422: OpenApiResponse(ErrorSerializer, description="The credit is already as asked."),
}


class CreditHoldView(UserLanguageMixin, APIView):
    """Put a customer's credit on hold 信用冻结 or lift the hold, with a reason."""

    model = Customer
    write_permission = rules.CHANGE_CUSTOMER
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="customers_credit_hold",
        summary="Put a customer's credit on hold or lift the hold",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        request=CreditHoldRequestSerializer,
        responses={200: CreditHoldSerializer, **ERRORS},
    )
    def post(self, request, pk):
        customer = customer_in_scope(request, pk)
        payload = CreditHoldRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = services_credit.customer_credit_hold_set(
            actor=request.user,
            customer=customer,
            on_hold=payload.validated_data["on_hold"],
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data.get("version"),
        )
        return Response(CreditHoldSerializer(changed).data)


# Any id segment matches, so a malformed id answers the API's 404 rather than a redirect.
urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/credit-hold/$",
        CreditHoldView.as_view(),
        name="api-customer-credit-hold",
    ),
]
