"""``GET /api/customers/completeness/``: 客户信息完整度, the average per account manager.

The same numbers as the page ``/customers/completeness/``, within the caller's scope: one row
per owner of visible customers, the pool (``owner`` null) last.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import completeness_by_owner


class CompletenessRowSerializer(serializers.Serializer):
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="Null: customers in the pool."
    )
    owner_name = serializers.CharField()
    customers = serializers.IntegerField(help_text="Visible customers of this owner.")
    average = serializers.FloatField(
        help_text="Average completeness in percent (share of key fields filled), 0–100."
    )


class CustomerCompletenessView(UserLanguageMixin, APIView):
    """Average data completeness of the caller's visible customers, per account manager."""

    model = Customer  # RoleRights: needs customers.view_customer
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="customers_completeness",
        summary="Data completeness per account manager",
        tags=["customers"],
        responses={200: CompletenessRowSerializer(many=True)},
    )
    def get(self, request):
        rows = completeness_by_owner(actor=request.user)
        return Response(CompletenessRowSerializer(rows, many=True).data)


urlpatterns = [
    path(
        "customers/completeness/",
        CustomerCompletenessView.as_view(),
        name="api-customer-completeness",
    ),
]
