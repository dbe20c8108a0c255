"""What the REST endpoints of records with line items (orders 订单, quotes 报价) share.

Both are a document of a customer with nested lines that are priced by the order rules: the
same line serializer shape, the same header fields (customer, owner's name), the same error
responses, and the same viewset flow — created and edited through the record's service with
the lines as plain dicts (given lines replace all of them), answered re-read from the selector
so the stored amounts and total come back, and no DELETE. ``api_orders`` and ``api_quotes``
only say which model, service and extra actions.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response

from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.customers.api.customers import ScopedCustomerField
from guanxi.sales.models import Product

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}

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


def version_field() -> serializers.IntegerField:
    """The optional ``version`` of an action's body (a stale one answers 409)."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read."
    )


# One line: product, quantity, unit price (default: the product's), discount; the amount is
# computed by the service. Subclasses name the line model in ``Meta.model``. (Comments, not
# docstrings: a serializer's docstring becomes its description in the OpenAPI schema.)
class LineSerializer(serializers.ModelSerializer):
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
        default=Decimal(0),
        help_text="Percent, 0–100.",
    )

    class Meta:
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


# The header every document with lines shows; subclasses add ``lines`` and ``Meta``.
class LineDocumentSerializer(VersionedModelSerializer):
    # Typed as any customer id field: the update serializer declares it read-only.
    customer: serializers.PrimaryKeyRelatedField = ScopedCustomerField(
        help_text="A customer in the caller's scope."
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner_name = serializers.SerializerMethodField()

    def get_owner_name(self, document) -> str:
        return str(document.owner)


class LineDocumentViewSet(ScopedViewSet):
    """A document with nested lines in the caller's scope, written through its service.

    Subclasses set ``record_name`` (the service's keyword for the record), ``create_service``
    and ``update_service`` (``staticmethod``), ``update_serializer_class``, the serializers of
    their actions in ``action_serializers``, ``update_ignored`` (write-only inputs that mean
    nothing on update) and :meth:`reread`.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    record_name = ""
    create_service: Callable
    update_service: Callable
    update_serializer_class: type[serializers.Serializer]
    action_serializers: dict[str, type[serializers.Serializer]] = {}
    update_ignored: tuple[str, ...] = ()

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return self.update_serializer_class
        return self.action_serializers.get(self.action, self.serializer_class)

    def create_record(self, data):
        return self.create_service(
            actor=self.request.user,
            customer=data.pop("customer"),
            lines=[dict(line) for line in data.pop("lines")],
            **data,
        )

    def update_record(self, instance, data, expected_version):
        lines = data.pop("lines", None)
        for name in self.update_ignored:
            data.pop(name, None)
        return self.update_service(
            actor=self.request.user,
            expected_version=expected_version,
            lines=[dict(line) for line in lines] if lines is not None else None,
            **{self.record_name: instance},
            **data,
        )

    def reread(self, instance):
        """The record as stored (lines, amounts, total), within the caller's scope."""
        raise NotImplementedError

    def output(self, instance, status_code=200):
        # After a write, answer with the stored lines and total, as a later GET would.
        if self.action != "retrieve":
            instance = self.reread(instance)
        data = self.serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=self._headers(instance))
