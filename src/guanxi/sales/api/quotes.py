"""REST endpoints of quotes 报价: ``/api/quotes/`` with nested lines, status and convert.

Quotes are in the caller's scope (that of their customer's owner). ``POST /{id}/status/``
sends, accepts or rejects; ``POST /{id}/convert/`` turns a sent or accepted quote into an order
through the order service (credit hold rule included) and answers with the order.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from guanxi.core.api.concurrency import etag
from guanxi.core.api.filters import id_filter
from guanxi.core.api.idempotency import idempotent
from guanxi.customers import rules as customer_rules
from guanxi.sales import rules
from guanxi.sales.api.lines import (
    ERRORS,
    LineDocumentSerializer,
    LineDocumentViewSet,
    LineSerializer,
    version_field,
)
from guanxi.sales.api.orders import OrderSerializer
from guanxi.sales.api.printing import PrintableMixin
from guanxi.sales.models import Order, Quote, QuoteLine
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.selectors import quotes as selectors_quotes
from guanxi.sales.services import quotes as services_quotes


class QuoteLineSerializer(LineSerializer):
    class Meta(LineSerializer.Meta):
        model = QuoteLine


class QuoteSerializer(LineDocumentSerializer):
    lines = QuoteLineSerializer(many=True)
    valid_until = serializers.DateField(
        required=False, help_text="Defaults to 30 days after the quote date."
    )
    quote_date = serializers.DateField(required=False, help_text="Defaults to today.")

    class Meta:
        model = Quote
        fields = [
            "id",
            "code",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "quote_date",
            "valid_until",
            "status",
            "notes",
            "delivery_terms",
            "total",
            "order",
            "lines",
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
            "status",
            "total",
            "order",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]


class QuoteUpdateSerializer(QuoteSerializer):
    """On PUT/PATCH the customer stays; given lines replace all of them."""

    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    lines = QuoteLineSerializer(many=True, required=False)


class QuoteStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Quote.Status.SENT, Quote.Status.ACCEPTED, Quote.Status.REJECTED]
    )
    version = version_field()


class QuoteConvertSerializer(serializers.Serializer):
    order_status = serializers.ChoiceField(
        choices=[Order.Status.CONFIRMED, Order.Status.DRAFT], default=Order.Status.CONFIRMED
    )
    credit_override = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For a customer on credit hold (sales supervisors and administrators only).",
    )
    credit_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    version = version_field()


class QuoteFilter(django_filters.FilterSet):
    customer = id_filter("customer")

    class Meta:
        model = Quote
        fields = ["status"]


@extend_schema_view(
    create=extend_schema(responses={201: QuoteSerializer, **ERRORS}),
    update=extend_schema(request=QuoteUpdateSerializer, responses={200: QuoteSerializer, **ERRORS}),
    partial_update=extend_schema(
        request=QuoteUpdateSerializer, responses={200: QuoteSerializer, **ERRORS}
    ),
)
class QuoteViewSet(PrintableMixin, LineDocumentViewSet):
    """Quotes 报价 with their lines, in the caller's scope. There is no DELETE."""

    model = Quote
    serializer_class = QuoteSerializer
    update_serializer_class = QuoteUpdateSerializer
    action_serializers = {"set_status": QuoteStatusSerializer, "convert": QuoteConvertSerializer}
    filterset_class = QuoteFilter
    ordering_fields = {"quote_date": "quote_date", "total": "total", "code": "code"}
    ordering = ("-quote_date", "-id")
    record_name = "quote"
    create_service = staticmethod(services_quotes.quote_create)
    update_service = staticmethod(services_quotes.quote_update)

    @property
    def write_permission(self):
        if self.action == "email":
            return customer_rules.ADD_INTERACTION
        return rules.CHANGE_QUOTE if self.action in {"set_status", "convert"} else None

    def select(self, actor):
        return selectors_quotes.quote_with_lines(selectors_quotes.quote_list(actor=actor))

    def reread(self, instance):
        return selectors_quotes.quote_get(actor=self.request.user, pk=instance.pk)

    @extend_schema(
        request=QuoteStatusSerializer,
        responses={200: QuoteSerializer, **ERRORS},
        summary="Send a draft quote, or mark a sent one accepted or rejected",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        quote = self.get_object()
        payload = QuoteStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_quotes.quote_set_status(
            actor=request.user,
            quote=quote,
            status=payload.validated_data["status"],
            expected_version=payload.validated_data.get("version"),
        )
        return self.output(quote)

    @extend_schema(
        request=QuoteConvertSerializer,
        responses={201: OrderSerializer, **ERRORS},
        summary="Convert a sent or accepted quote into an order (once)",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def convert(self, request, pk=None):
        quote = self.get_object()
        payload = QuoteConvertSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        order = services_quotes.quote_convert(
            actor=request.user,
            quote=quote,
            expected_version=data.pop("version", None),
            **data,
        )
        order = selectors_orders.order_get(actor=request.user, pk=order.pk)
        return Response(
            OrderSerializer(order, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(order)},
        )
