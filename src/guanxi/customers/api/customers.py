"""REST endpoints for customers and contacts (serializers + viewsets; rules live in services)."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from guanxi.accounts.models import User
from guanxi.analytics.models import RFMSegment
from guanxi.analytics.selectors.scores import REORDER_CHOICES, reorder_due_lookups
from guanxi.core.api.errors import error_body
from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import ErrorDetailSerializer, VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind, Division
from guanxi.customers.api.masking import ProtectedFieldsMixin
from guanxi.customers.dedup import DuplicateError
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import customers as services


def _dictionary_field(kind: str) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=kind, is_active=True),
        required=False,
        allow_null=True,
    )


class DivisionCodeField(serializers.PrimaryKeyRelatedField):
    """A division by its six-digit code; anything else is refused before a query is made (a
    NUL character would not even reach PostgreSQL)."""

    def to_internal_value(self, data):
        if not isinstance(data, str | int) or not str(data).isdigit() or len(str(data)) != 6:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(str(data))


def _division_field(level: str) -> serializers.PrimaryKeyRelatedField:
    return DivisionCodeField(
        queryset=Division.objects.filter(level=level),
        required=False,
        allow_null=True,
        help_text=f"The {level}'s six-digit code (GB/T 2260, e.g. 140000 山西省, 140100 太原市, "
        "140105 小店区). A city must lie in the province and a district in the city (400 on "
        "the field otherwise); a lower level given alone brings the levels above it.",
    )


class DivisionFieldsMixin(serializers.Serializer):
    """省 / 市 / 区县: written by code, read as code and name."""

    province = _division_field(Division.Level.PROVINCE)
    city = _division_field(Division.Level.CITY)
    district = _division_field(Division.Level.DISTRICT)
    province_name = serializers.CharField(source="province.name", read_only=True, allow_null=True)
    city_name = serializers.CharField(source="city.name", read_only=True, allow_null=True)
    district_name = serializers.CharField(source="district.name", read_only=True, allow_null=True)


DIVISION_NAME_FIELDS = ["province_name", "city_name", "district_name"]


class TagsField(serializers.ListField):
    """Tags as a JSON list of strings; stored normalised by the service."""

    child = serializers.CharField(max_length=30, allow_blank=True)

    # The model keeps the tags as one comma-separated string, not the list ListField reads.
    def to_representation(self, value: str) -> list[str]:  # type: ignore[override]
        return [tag for tag in (value or "").split(",") if tag]


class CustomerSerializer(ProtectedFieldsMixin, DivisionFieldsMixin, VersionedModelSerializer):
    level = _dictionary_field(DictionaryKind.CUSTOMER_LEVEL)
    region = _dictionary_field(DictionaryKind.REGION)
    industry = _dictionary_field(DictionaryKind.INDUSTRY)
    # DRF's metaclass takes declared fields out of the class, so this never shadows
    # ``Field.source``; the stubs do not model that.
    source = _dictionary_field(DictionaryKind.SOURCE)  # type: ignore[assignment]
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Account manager; empty puts the customer in the pool. "
        "Defaults to the caller (an assistant: the manager they support).",
    )
    owner_name = serializers.SerializerMethodField()
    tags = TagsField(required=False)
    completeness = serializers.IntegerField(
        read_only=True, help_text="客户信息完整度: percentage of the key fields filled (0–100)."
    )
    churn_risk = serializers.DecimalField(
        source="score.churn_risk",
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        default=None,
        help_text="流失风险: the churn model's probability (0–100 %) that the customer churns "
        "within the next 180 days, as of the model's weekly scoring; null when not scored.",
    )
    credit_status = serializers.ChoiceField(
        choices=Customer.CreditStatus.choices,
        required=False,
        help_text="信用冻结. Read-only here: administrators and the supervisor of the customer's "
        "team set or lift a hold with POST /api/customers/{id}/credit-hold/ and a reason; "
        "sending another value than the current one is refused (400).",
    )
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="On create: save even if similar customers exist (otherwise 409 duplicate).",
    )

    class Meta:
        model = Customer
        # The writable fields are the service's own list, so the two cannot drift apart.
        fields = [
            "id",
            "code",
            *services.CUSTOMER_EDITABLE_FIELDS,
            *DIVISION_NAME_FIELDS,
            "credit_status",
            "credit_hold_reason",
            "credit_hold_by",
            "credit_hold_at",
            "owner_name",
            "completeness",
            "churn_risk",
            "status",
            "confirm_duplicate",
            "version",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        extra_kwargs = {
            "satisfaction": {
                "help_text": "满意度 as a user entered it (1–5). The satisfaction computed from "
                "service feedback is not stored here: the customer page shows it, with the "
                "number of answers it rests on."
            }
        }
        read_only_fields = [
            "code",
            "status",
            "credit_hold_reason",
            "credit_hold_by",
            "credit_hold_at",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]

    def to_internal_value(self, data):
        # Identifiers are folded (width, case) before the format check, as in the form.
        if isinstance(data, dict):
            data = dict(data)
            for name in ("tax_id", "business_licence_no"):
                if isinstance(data.get(name), str):
                    data[name] = services.identifier_normalise(data[name])
        return super().to_internal_value(data)

    def validate_credit_status(self, value: str) -> str:
        # Accepted only unchanged, so a client can send back what it read; a change is the
        # credit-hold action's, with its rule and reason (services.credit).
        current = self.instance.credit_status if self.instance is not None else None
        if value != (current or Customer.CreditStatus.NORMAL):
            raise serializers.ValidationError(
                _(
                    "The credit status cannot be changed with the customer's other fields: "
                    "put the credit on hold or lift the hold with its own action, giving the "
                    "reason."
                )
            )
        return value

    def get_owner_name(self, customer: Customer) -> str:
        return str(customer.owner) if customer.owner_id else ""


class DuplicateDetailSerializer(ErrorDetailSerializer):
    candidates = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of similar customers the caller sees."
    )
    hidden_candidates = serializers.IntegerField(
        help_text="How many further similar customers exist outside the caller's scope."
    )
    possible_duplicate = serializers.BooleanField(
        help_text="A possible duplicate exists that is not named because it was found through a "
        "field protected from the caller; someone who may see it was notified."
    )


class DuplicateErrorSerializer(serializers.Serializer):
    error = DuplicateDetailSerializer()


def duplicate_response(error: DuplicateError) -> Response:
    """The 409 answer to a refused duplicate (DuplicateErrorSerializer)."""
    found = error.duplicates
    body = error_body("duplicate", error.messages[0])
    # Only candidates in the caller's scope are named; the others are only counted.
    body["error"]["candidates"] = [customer.pk for customer in found.visible]
    body["error"]["hidden_candidates"] = found.hidden_count
    # Found through a field protected from the caller: neither which one nor the field.
    body["error"]["possible_duplicate"] = bool(found.withheld)
    return Response(body, status=status.HTTP_409_CONFLICT)


class CustomerFilter(django_filters.FilterSet):
    owner = id_filter("owner")
    level = id_filter("level")
    region = id_filter("region")
    industry = id_filter("industry")
    source = id_filter("source")
    province = django_filters.CharFilter(
        field_name="province_id", max_length=6, help_text="Customers in this province (code)."
    )
    city = django_filters.CharFilter(
        field_name="city_id", max_length=6, help_text="Customers in this city (code)."
    )
    in_pool = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull")
    churn_risk_min = django_filters.NumberFilter(
        field_name="score__churn_risk",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        help_text="Customers whose churn risk (0–100) is at least this.",
    )
    tag = django_filters.CharFilter(
        method="filter_tag", max_length=30, help_text="Customers carrying this tag."
    )

    rfm_segment = django_filters.ChoiceFilter(
        field_name="score__rfm_segment",
        choices=RFMSegment.choices,
        help_text="Customers in this RFM segment (the nightly scores).",
    )
    reorder = django_filters.ChoiceFilter(
        method="filter_reorder",
        choices=[(value, value) for value in REORDER_CHOICES],
        help_text="Next order (purchase cycle) due within the notice days (due), overdue, "
        "or either (due_or_overdue).",
    )

    class Meta:
        model = Customer
        fields = ["kind", "status", "credit_status"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(selectors.tag_filter(value))

    def filter_reorder(self, queryset, name, value):
        return queryset.filter(**reorder_due_lookups(value))


@extend_schema_view(
    create=extend_schema(
        responses={
            201: CustomerSerializer,
            409: OpenApiResponse(
                DuplicateErrorSerializer,
                description="Similar customers exist (same name, phone, e-mail or tax id); "
                "send `confirm_duplicate: true` to create anyway.",
            ),
        }
    ),
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Contained in the name (or its pinyin / pinyin initials), code, "
                "phone, e-mail or a contact's name; width and case insensitive. A phone or "
                "e-mail masked or hidden for the caller's role is not searched.",
            )
        ]
    ),
)
class CustomerViewSet(ScopedViewSet):
    """Customers in the caller's scope. DELETE moves a customer to the recycle bin.

    Fields protected for the caller's role read masked (``138****8000``) or are left out, and
    are read-only for that caller on updates.
    """

    model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = {
        "name": "name",
        "code": "code",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "churn_risk": "score__churn_risk",
    }

    def ordering_refused(self, request, path: str) -> bool:
        return selectors.protected_path(actor=request.user, path=path)

    def select(self, actor):
        # The churn risk is the score row's, joined so a page of customers reads it at once.
        if self.action == "list":
            return selectors.customer_list(
                actor=actor, search=query_text(self.request, "search")
            ).select_related("score")
        return selectors.customer_list(actor=actor).select_related("score")

    def create(self, request, *args, **kwargs):
        try:
            return super().create(request, *args, **kwargs)
        except DuplicateError as error:
            return duplicate_response(error)

    def create_record(self, data):
        data.pop("credit_status", None)  # checked unchanged by the serializer
        confirm = data.pop("confirm_duplicate", False)
        return services.customer_create(actor=self.request.user, confirm_duplicate=confirm, **data)

    def update_record(self, instance, data, expected_version):
        data.pop("confirm_duplicate", None)
        data.pop("credit_status", None)  # checked unchanged by the serializer
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


class ContactSerializer(ProtectedFieldsMixin, DivisionFieldsMixin, VersionedModelSerializer):
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
            "province",
            "city",
            "district",
            *DIVISION_NAME_FIELDS,
            "notes",
            "is_primary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ContactUpdateSerializer(ContactSerializer):
    # Declared fields ignore Meta.read_only_fields: a contact moves only with a merge.
    # (Declared fields replace the parent's in DRF's metaclass; the stubs see an override.)
    customer: "serializers.PrimaryKeyRelatedField[Customer]" = (
        serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment]
    )

    class Meta(ContactSerializer.Meta):
        read_only_fields = ["customer", "is_primary", "created_at", "updated_at"]


class ContactFilter(django_filters.FilterSet):
    customer = id_filter("customer")

    class Meta:
        model = Contact
        fields = ["is_primary"]


class ContactViewSet(ScopedViewSet):
    """Contacts of the customers in the caller's scope.

    Fields protected for the caller's role read masked or are left out, and are read-only for
    that caller on updates.
    """

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
        return services.contact_update(
            actor=self.request.user, contact=instance, expected_version=expected_version, **data
        )

    def delete_record(self, instance, expected_version):
        services.contact_delete(
            actor=self.request.user, contact=instance, expected_version=expected_version
        )
