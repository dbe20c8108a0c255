"""REST endpoints of orders 订单: ``/api/orders/`` with nested lines, cancel and advance.

Orders are in the caller's scope (that of their customer's owner). Creating one for
a customer on credit hold needs ``credit_override: true`` with a reason, from a caller allowed
to override (sales supervisors, administrators): others get 403, and without the override
the order is refused with 422. Orders are not deleted: they are cancelled.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from guanxi.core.api.filters import id_filter
from guanxi.customers import rules as customer_rules
from guanxi.sales import rules
from guanxi.sales.api.lines import (
    ERRORS,
    LineDocumentSerializer,
    LineDocumentViewSet,
    LineSerializer,
    version_field,
)
from guanxi.sales.api.printing import PrintableMixin
from guanxi.sales.models import Order, OrderLine, Quote
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.services import orders as services_orders


class OrderLineSerializer(LineSerializer):
    class Meta(LineSerializer.Meta):
        model = OrderLine


class OrderSerializer(LineDocumentSerializer):
    lines = OrderLineSerializer(many=True)
    quote = serializers.SerializerMethodField(
        help_text="Id of the quote 报价 this order was converted from, if any."
    )
    quote_code = serializers.SerializerMethodField(help_text="That quote's code (BJ…), or empty.")
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
            "delivery_terms",
            "notes",
            "quote",
            "quote_code",
            "total",
            "lines",
            "credit_override",
            "credit_override_reason",
            "credit_override_by",
            "credit_override_at",
            "external_ref",
            "version",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        read_only_fields = [
            "code",
            "external_ref",
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
            "delivery_terms": {"help_text": "Delivery terms; a converted quote's are carried."},
            "status": {
                "help_text": "On create: draft or confirmed (default). Later changes go "
                "through /advance/ and /cancel/."
            },
        }

    def _quote(self, order: Order) -> Quote | None:
        quote = getattr(order, "quote", None)  # the selectors join it with the row
        return quote if quote is not None and not quote.is_deleted else None

    def get_quote(self, order: Order) -> int | None:
        quote = self._quote(order)
        return quote.pk if quote is not None else None

    def get_quote_code(self, order: Order) -> str:
        quote = self._quote(order)
        return quote.code if quote is not None else ""


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
    version = version_field()


class OrderAdvanceSerializer(serializers.Serializer):
    version = version_field()


class OrderFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    owner = id_filter("owner")
    date_from = django_filters.DateFilter(field_name="order_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="order_date", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["status"]


@extend_schema_view(
    create=extend_schema(responses={201: OrderSerializer, **ERRORS}),
    update=extend_schema(request=OrderUpdateSerializer, responses={200: OrderSerializer, **ERRORS}),
    partial_update=extend_schema(
        request=OrderUpdateSerializer, responses={200: OrderSerializer, **ERRORS}
    ),
)
class OrderViewSet(PrintableMixin, LineDocumentViewSet):
    """Orders 订单 with their lines, in the caller's scope. There is no DELETE: cancel instead."""

    model = Order
    serializer_class = OrderSerializer
    update_serializer_class = OrderUpdateSerializer
    action_serializers = {"cancel": OrderCancelSerializer, "advance": OrderAdvanceSerializer}
    filterset_class = OrderFilter
    ordering_fields = {"order_date": "order_date", "total": "total", "code": "code"}
    ordering = ("-order_date", "-id")
    record_name = "order"
    create_service = staticmethod(services_orders.order_create)
    update_service = staticmethod(services_orders.order_update)
    update_ignored = ("credit_override",)

    @property
    def write_permission(self):
        # The status actions change an order; everything else follows the HTTP method.
        if self.action == "email":
            return customer_rules.ADD_INTERACTION
        return rules.CHANGE_ORDER if self.action in {"cancel", "advance"} else None

    def select(self, actor):
        return selectors_orders.order_with_lines(selectors_orders.order_list(actor=actor))

    def reread(self, instance):
        return selectors_orders.order_get(actor=self.request.user, pk=instance.pk)

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
