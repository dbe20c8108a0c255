"""``GET /api/analytics/recommendations/?customer=ID``: recommended products 产品推荐.

Read from the stored association rules (``selectors.recommendations``): active products the
customer has not bought, each with its score and the rules behind it. A missing or malformed
``customer`` answers 400 naming it; a customer outside the caller's scope 404.
"""

from django import forms
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.models import Report
from guanxi.analytics.selectors.recommendations import (
    LIMIT,
    associations_as_of,
    customer_recommendations,
    recommendation_customer,
)
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers.models import Customer

MAX_ID = 2**63 - 1
MAX_LIMIT = 50


class RecommendationQueryForm(forms.Form):
    customer = forms.IntegerField(
        label=_("customer"),
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": _("Give the id of a customer.")},
    )
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT)


def _decimal(places: int, help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=16, decimal_places=places, read_only=True, help_text=help_text
    )


class ReasonSerializer(serializers.Serializer):
    """A rule behind the recommendation: the customer bought ``antecedent``."""

    antecedent = serializers.IntegerField(
        source="product_id", read_only=True, help_text="Id of the product the customer bought."
    )
    antecedent_name = serializers.CharField(source="product_name", read_only=True)
    support = _decimal(6, "Share of all orders holding both products (0–1).")
    confidence = _decimal(6, "Share of the antecedent's orders also holding this product (0–1).")
    lift = _decimal(4, "Confidence ÷ this product's share of all orders.")
    baskets = serializers.IntegerField(read_only=True, help_text="Orders holding both.")


class RecommendedProductSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product.pk", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    model_no = serializers.CharField(source="product.model_no", read_only=True)
    code = serializers.CharField(source="product.code", read_only=True)
    category = serializers.CharField(source="product.category.name", read_only=True)
    price = serializers.DecimalField(
        source="product.price", max_digits=14, decimal_places=2, read_only=True
    )
    score = _decimal(
        4,
        "The strongest rule's confidence × lift among the rules from products the customer bought.",
    )
    rules = ReasonSerializer(source="reasons", many=True, read_only=True)


class RecommendationsSerializer(serializers.Serializer):
    customer = serializers.IntegerField(read_only=True)
    as_of = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the rules were computed (nightly)."
    )
    results = RecommendedProductSerializer(many=True, read_only=True)


class RecommendationsView(UserLanguageMixin, APIView):
    """Products recommended for a customer from the association rules."""

    model = Report
    read_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="analytics_recommendations",
        summary="Products recommended for a customer",
        description=(
            "Active products the customer has not bought, to which an association rule leads "
            "from a product they bought; best score (confidence × lift of the strongest rule) "
            "first, each with up to three rules behind it."
        ),
        tags=["analytics"],
        parameters=[
            OpenApiParameter(
                "customer",
                {"type": "integer", "minimum": 1},
                OpenApiParameter.QUERY,
                required=True,
                description="Id of the customer.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                OpenApiParameter.QUERY,
                description=f"How many products (default {LIMIT}).",
            ),
        ],
        responses={
            200: RecommendationsSerializer,
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
            404: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["404"]),
        },
    )
    def get(self, request: Request) -> Response:
        form = RecommendationQueryForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        actor = request.user
        try:
            customer = recommendation_customer(
                actor=actor,  # type: ignore[arg-type]
                pk=form.cleaned_data["customer"],
            )
        except Customer.DoesNotExist as missing:
            raise Http404 from missing
        found = customer_recommendations(
            actor=actor,  # type: ignore[arg-type]
            customer=customer,
            limit=form.cleaned_data.get("limit") or LIMIT,
        )
        data = {"customer": customer.pk, "as_of": associations_as_of(), "results": found}
        return Response(RecommendationsSerializer(data).data)


urlpatterns = [
    path(
        "analytics/recommendations/",
        RecommendationsView.as_view(),
        name="api-analytics-recommendations",
    )
]
