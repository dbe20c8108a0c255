"""REST endpoint for a customer's timeline: ``GET /api/customers/{id}/timeline/``.

Newest first, keyset-paged: pass the ``next_before`` of one answer as ``before`` to get the
next page (``next_before`` is null on the last page). ``kind`` (repeatable) keeps only those
sources. The customer must be in the caller's scope (404 otherwise); reading needs the right to
view customers (403 otherwise); a bad ``kind``, ``before`` or ``limit`` answers 400 naming it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers.api.vcard import ID_PARAMETER, _customer
from guanxi.customers.models import Customer
from guanxi.customers.timeline import DEFAULT_LIMIT, MAX_LIMIT, customer_timeline


class TimelineQuerySerializer(serializers.Serializer):
    kind = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    before = serializers.CharField(required=False, allow_blank=True, max_length=80)
    limit = serializers.IntegerField(
        required=False, default=DEFAULT_LIMIT, min_value=1, max_value=MAX_LIMIT
    )


class TimelineLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="Empty when the record has no page (yet).")
    note = serializers.CharField(help_text="E.g. the file's version, name and size.")


class TimelineActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="__str__")


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The source: interaction, document, event, comment...")
    id = serializers.IntegerField(source="pk", help_text="The record's id within its kind.")
    when = serializers.DateTimeField()
    title = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(help_text="The record's page; empty when it has none.")
    icon = serializers.CharField()
    subtype = serializers.CharField(help_text="The record's own kind, e.g. call or contract.")
    # DRF's metaclass takes declared fields out of the class, so this never shadows
    # ``Field.label``; the stubs do not model that.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The subtype's display name."
    )
    actor = TimelineActorSerializer(allow_null=True, help_text="Who did it; null for the system.")
    links = TimelineLinkSerializer(many=True)
    deletable = serializers.BooleanField(help_text="Whether the caller may delete it (comments).")
    cursor = serializers.CharField(help_text="This entry's place, usable as `before`.")


class TimelinePageSerializer(serializers.Serializer):
    results = TimelineEntrySerializer(many=True, source="entries")
    next_before = serializers.CharField(
        allow_null=True, help_text="Pass as `before` for the next page; null on the last page."
    )


class CustomerTimelineView(UserLanguageMixin, APIView):
    """Interactions, documents, events and comments of a customer (and, once installed,
    orders, opportunities, services...), merged newest first."""

    model = Customer  # RoleRights: GET needs view_customer
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="customers_timeline",
        summary="A customer's timeline, newest first",
        tags=["customers"],
        parameters=[
            ID_PARAMETER,
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                explode=True,
                description="Only these sources (repeat for several): interaction, document, "
                "event, comment, and those of installed modules (e.g. order).",
            ),
            OpenApiParameter(
                "before",
                OpenApiTypes.STR,
                description="`next_before` of the previous page, or an ISO time: older entries.",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"Entries per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
        ],
        responses={
            200: TimelinePageSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Bad `kind`, `before` or `limit`."),
            403: OpenApiResponse(ErrorSerializer, description="No right to view customers."),
            404: OpenApiResponse(ErrorSerializer, description="Not in the caller's scope."),
        },
    )
    def get(self, request, pk):
        customer = _customer(request, pk)
        query = TimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            page = customer_timeline(
                actor=request.user,
                customer=customer,
                kinds=query.validated_data.get("kind") or None,
                before=query.validated_data.get("before") or None,
                limit=query.validated_data["limit"],
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(TimelinePageSerializer(page).data)


urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/timeline/$",
        CustomerTimelineView.as_view(),
        name="api-customer-timeline",
    ),
]
