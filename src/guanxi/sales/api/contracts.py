"""REST endpoints of contracts 合同: ``/api/contracts/`` and ``POST /{id}/status/``.

Contracts are in the caller's scope (that of their customer's owner); they are not deleted.
"""

import django_filters
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from guanxi.core.api.filters import id_filter
from guanxi.core.api.idempotency import idempotent
from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.customers import rules as customer_rules
from guanxi.customers.api.customers import ScopedCustomerField
from guanxi.sales import rules
from guanxi.sales.api.lines import ERRORS, MONEY
from guanxi.sales.api.printing import PrintableMixin
from guanxi.sales.models import Contract, Order, Payment, Receivable
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.selectors.orders import order_list
from guanxi.sales.services import contracts as services_contracts


class ScopedOrderField(serializers.PrimaryKeyRelatedField):
    """An order the caller may see; any other id is "does not exist", revealing nothing."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Order.objects.none()
        return order_list(actor=request.user).select_related(None).prefetch_related(None)


class ScopedContractField(serializers.PrimaryKeyRelatedField):
    """A contract the caller may see; any other id is "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Contract.objects.none()
        return selectors_contracts.contract_list(actor=request.user).select_related(None)


class ContractSerializer(VersionedModelSerializer):
    # Typed as any customer id field: the update serializer declares it read-only.
    customer: serializers.PrimaryKeyRelatedField = ScopedCustomerField(
        help_text="A customer in the caller's scope."
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    order = ScopedOrderField(
        required=False,
        allow_null=True,
        help_text="Optional: one of the customer's orders.",
    )
    amount = serializers.DecimalField(min_value=0, **MONEY)

    class Meta:
        model = Contract
        fields = [
            "id",
            "code",
            "customer",
            "customer_name",
            "owner",
            "order",
            "title",
            "amount",
            "signed_on",
            "starts_on",
            "ends_on",
            "status",
            "notes",
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
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]


class ContractUpdateSerializer(ContractSerializer):
    customer = serializers.PrimaryKeyRelatedField(read_only=True)


class ContractStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Contract.Status.ACTIVE, Contract.Status.COMPLETED, Contract.Status.TERMINATED]
    )
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read."
    )


class ContractFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    order = id_filter("order")

    class Meta:
        model = Contract
        fields = ["status"]


@extend_schema_view(
    create=extend_schema(responses={201: ContractSerializer, **ERRORS}),
    update=extend_schema(
        request=ContractUpdateSerializer, responses={200: ContractSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        request=ContractUpdateSerializer, responses={200: ContractSerializer, **ERRORS}
    ),
)
class ContractViewSet(PrintableMixin, ScopedViewSet):
    """Contracts 合同 in the caller's scope. There is no DELETE: terminate instead."""

    model = Contract
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"created_at": "created_at", "amount": "amount", "code": "code"}
    ordering = ("-created_at", "-id")

    @property
    def write_permission(self):
        if self.action == "email":
            return customer_rules.ADD_INTERACTION
        return rules.CHANGE_CONTRACT if self.action == "set_status" else None

    def select(self, actor):
        return selectors_contracts.contract_list(actor=actor)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ContractUpdateSerializer
        if self.action == "set_status":
            return ContractStatusSerializer
        return ContractSerializer

    def create_record(self, data):
        return services_contracts.contract_create(
            actor=self.request.user, customer=data.pop("customer"), **data
        )

    def update_record(self, instance, data, expected_version):
        return services_contracts.contract_update(
            actor=self.request.user, contract=instance, expected_version=expected_version, **data
        )

    def output(self, instance, status_code=200):
        if self.action != "retrieve":
            instance = selectors_contracts.contract_get(actor=self.request.user, pk=instance.pk)
        return super().output(instance, status_code)

    def get_serializer(self, *args, **kwargs):
        if self.action == "set_status" and args and isinstance(args[0], Contract):
            return ContractSerializer(*args, context=self.get_serializer_context(), **kwargs)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        request=ContractStatusSerializer,
        responses={200: ContractSerializer, **ERRORS},
        summary="Activate, complete or terminate a contract",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        contract = self.get_object()
        payload = ContractStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_contracts.contract_set_status(
            actor=request.user,
            contract=contract,
            status=payload.validated_data["status"],
            expected_version=payload.validated_data.get("version"),
        )
        return self.output(contract)


# --- receivables 应收款 and payments 回款 --------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(min_value=0, **MONEY)
    paid_on = serializers.DateField(required=False, help_text="Defaults to today.")

    class Meta:
        model = Payment
        fields = ["id", "paid_on", "amount", "method", "notes", "created_at", "created_by"]
        read_only_fields = ["id", "created_at", "created_by"]


class ReceivableSerializer(VersionedModelSerializer):
    order = ScopedOrderField(required=False, allow_null=True)
    contract = ScopedContractField(required=False, allow_null=True)
    amount_due = serializers.DecimalField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Defaults to the order's total or the contract's amount.",
        **MONEY,
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    balance = serializers.DecimalField(read_only=True, **MONEY)
    status = serializers.ChoiceField(choices=Receivable.Status.choices, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Receivable
        fields = [
            "id",
            "customer",
            "customer_name",
            "owner",
            "order",
            "contract",
            "amount_due",
            "amount_paid",
            "balance",
            "status",
            "due_date",
            "notes",
            "payments",
            "external_ref",
            "version",
            "created_at",
            "updated_at",
            "created_by",
        ]
        read_only_fields = [
            "customer",
            "external_ref",
            "owner",
            "amount_paid",
            "created_at",
            "updated_at",
            "created_by",
        ]


class ReceivableFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Past due with a balance left"
    )

    class Meta:
        model = Receivable
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(due_date__lt=timezone.localdate(), amount_paid__lt=F("amount_due"))


@extend_schema_view(create=extend_schema(responses={201: ReceivableSerializer, **ERRORS}))
class ReceivableViewSet(ScopedViewSet):
    """Receivables 应收款 in the caller's scope, by due date; payments are posted to them."""

    model = Receivable
    serializer_class = ReceivableSerializer
    filterset_class = ReceivableFilter
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = {"due_date": "due_date", "amount_due": "amount_due"}
    ordering = ("due_date", "id")

    @property
    def write_permission(self):
        return rules.ADD_PAYMENT if self.action == "payments" else None

    def select(self, actor):
        return selectors_contracts.receivable_list(actor=actor).prefetch_related("payments")

    def get_serializer_class(self):
        return PaymentSerializer if self.action == "payments" else ReceivableSerializer

    def create_record(self, data):
        return services_contracts.receivable_create(actor=self.request.user, **data)

    def output(self, instance, status_code=200):
        instance = selectors_contracts.receivable_get(actor=self.request.user, pk=instance.pk)
        data = ReceivableSerializer(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=self._headers(instance))

    @extend_schema(
        request=PaymentSerializer,
        responses={201: ReceivableSerializer, **ERRORS},
        summary="Record a payment (at most the outstanding balance)",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def payments(self, request, pk=None):
        receivable = self.get_object()
        payload = PaymentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_contracts.payment_record(
            actor=request.user, receivable=receivable, **payload.validated_data
        )
        return self.output(receivable, status.HTTP_201_CREATED)
