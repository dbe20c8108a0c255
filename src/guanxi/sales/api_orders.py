"""REST endpoints of orders 订单: ``/api/orders/`` with nested lines, cancel and advance.

Orders are in the caller's scope (that of their customer's owner). Creating one for
a customer on credit hold needs ``credit_override: true`` with a reason, from a caller allowed
to override (sales supervisors, administrators): others get 403, and without the override
the order is refused with 422. Orders are not deleted: they are cancelled.
"""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.customers.api import ScopedCustomerField
from guanxi.sales import selectors_orders, services_orders
from guanxi.sales.models import Order, OrderLine, Product

MONEY = {"max_digits": 14, "decimal_places": 2}


class OrderLineSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    quantity = serializers.DecimalField(min_value=0, **MONEY)
    unit_price = serializers.DecimalField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Defaults to the product's price.",
        **MONEY,
    )
    discount = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        default=0,
        help_text="Percent, 0–100.",
    )

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "position",
            "product",
            "product_name",
            "quantity",
            "unit_price",
            "discount",
            "amount",
        ]
        read_only_fields = ["id", "position", "amount"]


class OrderSerializer(VersionedModelSerializer):
    customer = ScopedCustomerField(help_text="A customer in the caller's scope.")
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    lines = OrderLineSerializer(many=True)
    credit_override = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="On create, for a customer on credit hold: take the order anyway "
        "(sales supervisors and administrators only; needs credit_override_reason).",
    )
    credit_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "code",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "order_date",
            "status",
            "delivery_address",
            "notes",
            "total",
            "lines",
            "credit_override",
            "credit_override_reason",
            "credit_override_by",
            "credit_override_at",
            "version",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        read_only_fields = [
            "code",
            "owner",
            "total",
            "credit_override_by",
            "credit_override_at",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        extra_kwargs = {
            "status": {
                "help_text": "On create: draft or confirmed (default). Later changes go "
                "through /advance/ and /cancel/."
            }
        }

    def get_owner_name(self, order: Order) -> str:
        return str(order.owner)


class OrderUpdateSerializer(OrderSerializer):
    """On PUT/PATCH the customer, status and override stay as they are; lines replace all."""

    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    lines = OrderLineSerializer(many=True, required=False)

    class Meta(OrderSerializer.Meta):
        read_only_fields = [
            *OrderSerializer.Meta.read_only_fields,
            "status",
            "credit_override_reason",
        ]


class OrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read."
    )


class OrderAdvanceSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read."
    )


class OrderFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    owner = id_filter("owner")
    date_from = django_filters.DateFilter(field_name="order_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="order_date", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["status"]


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input; `fields` names the field."),
    403: OpenApiResponse(ErrorSerializer, description="No right (e.g. to override a credit hold)."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown or outside the caller's scope."),
    409: OpenApiResponse(ErrorSerializer, description="Stale version; nothing was saved."),
    422: OpenApiResponse(
        ErrorSerializer,
        description="A business rule refuses it (credit hold without override, a shipped "
        "order cannot change...).",
    ),
}


@extend_schema_view(
    create=extend_schema(responses={201: OrderSerializer, **ERRORS}),
    update=extend_schema(request=OrderUpdateSerializer, responses={200: OrderSerializer, **ERRORS}),
    partial_update=extend_schema(
        request=OrderUpdateSerializer, responses={200: OrderSerializer, **ERRORS}
    ),
)
class OrderViewSet(ScopedViewSet):
    """Orders 订单 with their lines, in the caller's scope. There is no DELETE: cancel instead."""

    model = Order
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"order_date": "order_date", "total": "total", "code": "code"}
    ordering = ("-order_date", "-id")

    @property
    def write_permission(self):
        # The status actions change an order; everything else follows the HTTP method.
        return "sales.change_order" if self.action in {"cancel", "advance"} else None

    def select(self, actor):
        return selectors_orders.order_with_lines(selectors_orders.order_list(actor=actor))

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return OrderUpdateSerializer
        if self.action == "cancel":
            return OrderCancelSerializer
        if self.action == "advance":
            return OrderAdvanceSerializer
        return OrderSerializer

    def create_record(self, data):
        return services_orders.order_create(
            actor=self.request.user,
            customer=data.pop("customer"),
            lines=[dict(line) for line in data.pop("lines")],
            **data,
        )

    def update_record(self, instance, data, expected_version):
        lines = data.pop("lines", None)
        data.pop("credit_override", None)
        return services_orders.order_update(
            actor=self.request.user,
            order=instance,
            expected_version=expected_version,
            lines=[dict(line) for line in lines] if lines is not None else None,
            **data,
        )

    def _reload(self, order):
        return selectors_orders.order_get(actor=self.request.user, pk=order.pk)

    def output(self, instance, status_code=200):
        # After a write, answer with the stored lines and total, as a later GET would.
        if self.action != "retrieve":
            instance = self._reload(instance)
        data = OrderSerializer(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=self._headers(instance))

    @extend_schema(
        request=OrderCancelSerializer,
        responses={200: OrderSerializer, **ERRORS},
        summary="Cancel a draft or confirmed order",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        payload = OrderCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_orders.order_cancel(
            actor=request.user,
            order=order,
            expected_version=payload.validated_data.get("version"),
            reason=payload.validated_data["reason"],
        )
        return self.output(order)

    @extend_schema(
        request=OrderAdvanceSerializer,
        responses={200: OrderSerializer, **ERRORS},
        summary="Move an order one step forward (confirm, ship, complete)",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        order = self.get_object()
        payload = OrderAdvanceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_orders.order_advance(
            actor=request.user, order=order, expected_version=payload.validated_data.get("version")
        )
        return self.output(order)
