"""REST endpoints of the customer pool 公海: list it, claim, assign and release customers.

``GET /api/customers/pool/`` lists the customers without an owner (every caller with the
customer view right sees the whole pool). ``POST /api/customers/{id}/claim/`` makes the caller
the owner, ``POST .../assign/`` (supervisors) gives the customer to ``owner``, and
``POST .../release/`` puts it back with a ``reason``. The rules are the app's rules module: no
right → 403, a customer the caller may not even read → 404, someone was quicker (or the
customer is not in the pool) → 409, a cap reached → 422, bad input → 400 naming the field.
"""

import django_filters
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.accounts.models import User
from guanxi.core.api.filters import id_filter
from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer, VersionField
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID, query_text
from guanxi.customers import rules
from guanxi.customers.models import Customer
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.services import pool as services_pool
from guanxi.customers.services.pool import MAX_REASON_LENGTH


def _customer(request, pk: str) -> Customer:
    # A malformed or overflowing id is simply not found (404, never a redirect or a 500).
    if not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
        raise NotFound()
    try:
        return selectors_pool.customer_get_readable(actor=request.user, pk=pk)
    except Customer.DoesNotExist as missing:
        raise NotFound() from missing


class PoolCustomerSerializer(serializers.ModelSerializer):
    """A customer in the pool: what a rep needs to decide on a claim (no contact details)."""

    version = VersionField(read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "region",
            "industry",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class OwnershipSerializer(serializers.ModelSerializer):
    """A customer's owner after a pool move."""

    owner_name = serializers.SerializerMethodField()
    version = VersionField(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "code", "name", "owner", "owner_name", "owned_since", "version"]
        read_only_fields = fields

    def get_owner_name(self, customer: Customer) -> str:
        return str(customer.owner) if customer.owner_id else ""


class AssignSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="The account manager to give the customer to; one the caller may assign to.",
    )


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=MAX_REASON_LENGTH, help_text="Why the customer goes back to the pool."
    )


class PoolFilter(django_filters.FilterSet):
    level = id_filter("level")
    region = id_filter("region")
    industry = id_filter("industry")

    class Meta:
        model = Customer
        fields: list[str] = []


ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The customer's id."
)
MOVE_ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="The caller may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown, or not readable by the caller."),
    409: OpenApiResponse(
        ErrorSerializer, description="The customer is not (or no longer) where expected."
    ),
}
CAP_ERROR = {
    422: OpenApiResponse(ErrorSerializer, description="An ownership cap would be exceeded."),
}


class PoolListView(UserLanguageMixin, generics.ListAPIView):
    """The customers without an owner, newest first."""

    model = Customer
    permission_classes = [IsAuthenticated, RoleRights]
    serializer_class = PoolCustomerSerializer
    filterset_class = PoolFilter
    ordering_fields = {"created_at": "created_at", "name": "name", "code": "code"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Customer.objects.none()
        return selectors_pool.pool_list(
            actor=self.request.user, search=query_text(self.request, "search")
        )

    @extend_schema(
        operation_id="customers_pool_list",
        summary="List the customer pool",
        tags=["customers"],
        parameters=[
            OpenApiParameter(
                "search", str, description="Contained in the name (or its pinyin), code, phone."
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _PoolMoveView(UserLanguageMixin, APIView):
    model = Customer
    write_permission = rules.CHANGE_CUSTOMER
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]

    @staticmethod
    def answer(customer: Customer) -> Response:
        customer = Customer.objects.select_related("owner").get(pk=customer.pk)
        return Response(OwnershipSerializer(customer).data)


class ClaimView(_PoolMoveView):
    """The caller takes the customer from the pool (within their caps)."""

    @extend_schema(
        operation_id="customers_pool_claim",
        summary="Claim a customer from the pool",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        request=None,
        responses={200: OwnershipSerializer, **MOVE_ERRORS, **CAP_ERROR},
    )
    def post(self, request, pk):
        customer = _customer(request, pk)
        return self.answer(services_pool.customer_claim(actor=request.user, customer=customer))


class AssignView(_PoolMoveView):
    """A supervisor gives a pool customer to an account manager of their team."""

    @extend_schema(
        operation_id="customers_pool_assign",
        summary="Assign a customer from the pool",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        request=AssignSerializer,
        responses={
            200: OwnershipSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Missing or unassignable owner."),
            **MOVE_ERRORS,
            **CAP_ERROR,
        },
    )
    def post(self, request, pk):
        customer = _customer(request, pk)
        payload = AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = services_pool.customer_assign_from_pool(
            actor=request.user, customer=customer, owner=payload.validated_data["owner"]
        )
        return self.answer(moved)


class ReleaseView(_PoolMoveView):
    """The owner (or their supervisor) puts the customer back into the pool."""

    @extend_schema(
        operation_id="customers_pool_release",
        summary="Release a customer to the pool",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        request=ReleaseSerializer,
        responses={
            200: OwnershipSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Missing reason."),
            **MOVE_ERRORS,
        },
    )
    def post(self, request, pk):
        customer = _customer(request, pk)
        payload = ReleaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = services_pool.customer_release(
            actor=request.user, customer=customer, reason=payload.validated_data["reason"]
        )
        return self.answer(moved)


# Before the router, whose customers/<id>/ would otherwise take "pool" for an id.
urlpatterns = [
    re_path(r"^customers/pool/$", PoolListView.as_view(), name="api-customer-pool"),
    re_path(r"^customers/(?P<pk>[^/]+)/claim/$", ClaimView.as_view(), name="api-customer-claim"),
    re_path(r"^customers/(?P<pk>[^/]+)/assign/$", AssignView.as_view(), name="api-customer-assign"),
    re_path(
        r"^customers/(?P<pk>[^/]+)/release/$", ReleaseView.as_view(), name="api-customer-release"
    ),
]
