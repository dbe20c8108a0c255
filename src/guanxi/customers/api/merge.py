"""``POST /api/customers/{id}/merge/``: merge a duplicate into this customer 合并客户.

Body ``{"merged": <id of the duplicate>}``, optionally with ``version`` / ``merged_version``
(the versions the caller read; a stale one answers 409 and nothing is merged). Every related
record moves to ``{id}``, the duplicate goes to the recycle bin, and the answer is the
surviving customer. Both customers must be in the caller's scope (404 otherwise); the change
right is needed (403); merging a customer into itself is a 400 on ``merged``.
"""

from django.urls import re_path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.concurrency import etag
from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID
from guanxi.customers import rules
from guanxi.customers.api.churn import CUSTOMER_ID, customer_in_scope
from guanxi.customers.api.customers import CustomerSerializer
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services.merge import customer_merge


class CustomerMergeSerializer(serializers.Serializer):
    merged = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the duplicate merged into this customer."
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="This customer's version as read (optional)."
    )
    merged_version = serializers.IntegerField(
        min_value=1, required=False, help_text="The duplicate's version as read (optional)."
    )


class CustomerMergeView(UserLanguageMixin, APIView):
    """Merge the customer ``merged`` into this one, in one transaction."""

    model = Customer
    write_permission = rules.CHANGE_CUSTOMER
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="customers_merge",
        summary="Merge a duplicate customer into this one",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        request=CustomerMergeSerializer,
        responses={
            200: CustomerSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Bad input, e.g. merged = id."),
            403: OpenApiResponse(ErrorSerializer, description="No right to change customers."),
            404: OpenApiResponse(
                ErrorSerializer, description="Either customer unknown or outside the scope."
            ),
            409: OpenApiResponse(ErrorSerializer, description="A version is stale; no change."),
        },
    )
    def post(self, request, pk):
        survivor = customer_in_scope(request, pk)
        payload = CustomerMergeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        merged = selectors.customer_get(actor=request.user, pk=data["merged"])
        survivor = customer_merge(
            actor=request.user,
            survivor=survivor,
            merged=merged,
            survivor_version=data.get("version"),
            merged_version=data.get("merged_version"),
        )
        survivor = selectors.customer_get(actor=request.user, pk=survivor.pk)
        body = CustomerSerializer(survivor, context={"request": request}).data
        return Response(body, headers={"ETag": etag(survivor)})


urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/merge/$", CustomerMergeView.as_view(), name="api-customer-merge"
    ),
]
