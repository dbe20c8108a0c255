"""``GET /api/customers/search/?q=``: the quick customer search, compact and scoped.

The same rule as the customer list's search (name, pinyin, initials, code, phone, e-mail,
contact names; width and case insensitive; a phone or e-mail protected from the caller's role
finds nothing), newest customers first, at most ``limit`` of them and no count. A ``q``
shorter than two characters answers 400 naming ``q``.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers import masking
from guanxi.customers.models import Customer
from guanxi.customers.selectors.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    customer_search,
    search_term_valid,
)


class CustomerSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=200,
        trim_whitespace=True,
        help_text="At least two characters: part of the name (or its pinyin / initials, "
        "e.g. zhangwei or zw for 张伟), code, phone, e-mail or a contact's name. "
        "Two characters match a pair of adjacent characters of a name or its initials.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"How many customers at most (default {DEFAULT_LIMIT}).",
    )

    def validate_q(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError(_("Enter a text without control characters."))
        if not search_term_valid(value):
            raise serializers.ValidationError(_("Enter at least two characters to search for."))
        return value


def _code_field(choices, source: str, help_text: str) -> serializers.CharField:
    """A read-only code of ``choices``, described inline in the schema.

    Inline rather than a ChoiceField: a second enum component named "status" would collide
    with the ones of the customer and vCard serializers.
    """
    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "enum": values})
    class CodeField(serializers.CharField):
        pass

    return CodeField(source=source, help_text=f"{help_text}: {', '.join(values)}.")


class CustomerSearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="customer.pk")
    code = serializers.CharField(source="customer.code")
    name = serializers.CharField(source="customer.name")
    owner = serializers.IntegerField(
        source="customer.owner_id", allow_null=True, help_text="Null: in the pool."
    )
    owner_name = serializers.SerializerMethodField()
    phone = serializers.CharField(source="customer.phone")
    status = _code_field(Customer.Status.choices, "customer.status", "Customer status")
    credit_status = _code_field(
        Customer.CreditStatus.choices, "customer.credit_status", "Credit status"
    )
    matched_contact = serializers.CharField(
        allow_null=True, help_text="The contact whose name the term found, if any."
    )

    def get_owner_name(self, hit) -> str:
        return str(hit.customer.owner) if hit.customer.owner_id else ""

    def to_representation(self, hit):
        # The hit's fields carry the customer's names, so the customer's field rules apply.
        data = super().to_representation(hit)
        return masking.protect_data(self.context["request"].user, Customer, data)


class CustomerSearchResultSerializer(serializers.Serializer):
    results = CustomerSearchHitSerializer(many=True, source="hits")
    more = serializers.BooleanField(help_text="More customers match than were returned.")


class CustomerSearchView(UserLanguageMixin, APIView):
    """Customers in the caller's scope that ``q`` finds, newest first."""

    model = Customer  # RoleRights: needs customers.view_customer
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="customers_search",
        summary="Search customers (name, pinyin, initials, code, phone, e-mail, contacts)",
        tags=["customers"],
        parameters=[CustomerSearchQuerySerializer],
        responses={
            200: CustomerSearchResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`q` missing or too short."),
        },
    )
    def get(self, request):
        query = CustomerSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = customer_search(
            actor=request.user,
            search=query.validated_data["q"],
            limit=query.validated_data["limit"],
        )
        return Response(CustomerSearchResultSerializer(result, context={"request": request}).data)


urlpatterns = [
    path("customers/search/", CustomerSearchView.as_view(), name="api-customer-search"),
]
