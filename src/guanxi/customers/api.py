"""REST endpoints for customers and contacts (serializers + viewsets; rules live in services)."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from guanxi.accounts.models import User
from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.services import record_soft_delete, record_update
from guanxi.customers import selectors, services
from guanxi.customers.models import Contact, Customer


def _dictionary_field(kind: str) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=kind, is_active=True),
        required=False,
        allow_null=True,
    )


class CustomerSerializer(VersionedModelSerializer):
    level = _dictionary_field(DictionaryKind.CUSTOMER_LEVEL)
    region = _dictionary_field(DictionaryKind.REGION)
    industry = _dictionary_field(DictionaryKind.INDUSTRY)
    source = _dictionary_field(DictionaryKind.SOURCE)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Account manager; empty puts the customer in the pool. "
        "Defaults to the caller (an assistant: the manager they support).",
    )
    owner_name = serializers.SerializerMethodField()

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
            "source",
            "owner",
            "owner_name",
            "phone",
            "email",
            "address",
            "website",
            "satisfaction",
            "credit",
            "credit_status",
            "status",
            "version",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        read_only_fields = [
            "code",
            "status",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]

    def get_owner_name(self, customer: Customer) -> str:
        return str(customer.owner) if customer.owner_id else ""


class CustomerFilter(django_filters.FilterSet):
    owner = id_filter("owner")
    level = id_filter("level")
    region = id_filter("region")
    industry = id_filter("industry")
    source = id_filter("source")
    in_pool = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull")

    class Meta:
        model = Customer
        fields = ["kind", "status", "credit_status"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Name contains, or exact code / e-mail, or phone starts with.",
            )
        ]
    )
)
class CustomerViewSet(ScopedViewSet):
    """Customers in the caller's scope. DELETE moves a customer to the recycle bin."""

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = {
        "name": "name",
        "code": "code",
        "created_at": "created_at",
        "updated_at": "updated_at",
    }

    def select(self, actor):
        if self.action == "list":
            return selectors.customer_list(actor=actor, search=query_text(self.request, "search"))
        return selectors.customer_list(actor=actor)

    def create_record(self, data):
        return services.customer_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services.customer_update(
            actor=self.request.user, customer=instance, expected_version=expected_version, **data
        )

    def delete_record(self, instance, expected_version):
        services.customer_delete(
            actor=self.request.user, customer=instance, expected_version=expected_version
        )


class ScopedCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer id the caller may see; any other id is "does not exist", revealing nothing."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Customer.objects.none()
        return selectors.customer_list(actor=request.user)


class ContactSerializer(VersionedModelSerializer):
    customer = ScopedCustomerField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "gender",
            "title",
            "office_phone",
            "mobile",
            "email",
            "notes",
            "is_primary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ContactUpdateSerializer(ContactSerializer):
    class Meta(ContactSerializer.Meta):
        read_only_fields = ["customer", "is_primary", "created_at", "updated_at"]


class ContactFilter(django_filters.FilterSet):
    customer = id_filter("customer")

    class Meta:
        model = Contact
        fields = ["is_primary"]


class ContactViewSet(ScopedViewSet):
    """Contacts of the customers in the caller's scope."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = {"name": "name", "created_at": "created_at"}
    selector = staticmethod(selectors.contact_list)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ContactUpdateSerializer
        return ContactSerializer

    def create_record(self, data):
        return services.contact_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        # Plain detail fields only (the serializer makes customer and primary read-only).
        for name, value in data.items():
            setattr(instance, name, value)
        return record_update(
            instance=instance, actor=self.request.user, expected_version=expected_version
        )

    def delete_record(self, instance, expected_version):
        record_soft_delete(
            instance=instance, actor=self.request.user, expected_version=expected_version
        )
