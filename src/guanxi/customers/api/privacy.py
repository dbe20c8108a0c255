"""REST endpoints of a person's rights over their data (PIPL/GDPR).

``GET /api/customers/{id}/personal-data/`` and ``GET /api/contacts/{id}/personal-data/`` answer
the subject-access export as ``application/zip`` (``personal-data.json`` and
``personal-data.xlsx``): everything held about a person customer or a contact, logged in the
sensitive-access log. ``POST /api/customers/{id}/anonymise/`` and
``POST /api/contacts/{id}/anonymise/`` with ``{"reason": "..."}`` erase the person's data for
good and answer the anonymised record. Both need their own right (administrators by default):
without it → 403; outside the caller's scope → 404; no reason → 400 naming ``reason``; a
company customer or a person already anonymised → 422.
"""

from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID
from guanxi.customers import rules
from guanxi.customers.api.churn import CUSTOMER_ID, customer_in_scope
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import privacy as services_privacy
from guanxi.customers.views.privacy import personal_data_response

CONTACT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The contact's id."
)


def contact_in_scope(request, pk: str) -> Contact:
    """The path's contact if the caller sees it; a malformed or unseen id is a 404."""
    if not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
        raise NotFound()
    try:
        return selectors.contact_get(actor=request.user, pk=pk)
    except Contact.DoesNotExist as missing:
        raise NotFound() from missing


class AnonymiseRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services_privacy.MAX_REASON_LENGTH,
        help_text="Why (kept in the sensitive-access log, the history and the timeline).",
    )


class AnonymisedSerializer(serializers.Serializer):
    """The record as anonymisation left it."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The placeholder now standing for the person.")
    anonymised_at = serializers.DateTimeField()


ZIP = OpenApiResponse(OpenApiTypes.BINARY, description="personal-data.json and .xlsx, zipped")
ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="The caller lacks the personal-data right."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown or outside the caller's scope."),
    422: OpenApiResponse(
        ErrorSerializer, description="A company customer, or a person already anonymised."
    ),
}
WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="No reason; `fields` names `reason`."),
    **ERRORS,
}


class _PersonalDataView(UserLanguageMixin, APIView):
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]
    # RoleRights: reads (the export) and writes (anonymisation) need their own rights.
    read_permission = rules.EXPORT_PERSONAL_DATA
    write_permission = rules.ANONYMISE_PERSONAL_DATA


class CustomerPersonalDataView(_PersonalDataView):
    """A person customer's subject-access export."""

    model = Customer

    @extend_schema(
        operation_id="customers_personal_data",
        summary="Export everything held about a person customer (zip)",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        responses={(200, "application/zip"): ZIP, **ERRORS},
    )
    def get(self, request, pk):
        customer = customer_in_scope(request, pk)
        export = services_privacy.customer_personal_data_export(
            actor=request.user, customer=customer, request=request
        )
        return personal_data_response(export)


class ContactPersonalDataView(_PersonalDataView):
    """A contact's subject-access export."""

    model = Contact

    @extend_schema(
        operation_id="contacts_personal_data",
        summary="Export everything held about a contact (zip)",
        tags=["customers"],
        parameters=[CONTACT_ID],
        responses={(200, "application/zip"): ZIP, **ERRORS},
    )
    def get(self, request, pk):
        contact = contact_in_scope(request, pk)
        export = services_privacy.contact_personal_data_export(
            actor=request.user, contact=contact, request=request
        )
        return personal_data_response(export)


class CustomerAnonymiseView(_PersonalDataView):
    """Erase a person customer's personal data for good."""

    model = Customer

    @extend_schema(
        operation_id="customers_anonymise",
        summary="Anonymise a person customer (cannot be undone)",
        tags=["customers"],
        parameters=[CUSTOMER_ID],
        request=AnonymiseRequestSerializer,
        responses={200: AnonymisedSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk):
        customer = customer_in_scope(request, pk)
        payload = AnonymiseRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services_privacy.customer_anonymise(
            actor=request.user,
            customer=customer,
            reason=payload.validated_data["reason"],
            request=request,
        )
        return Response(AnonymisedSerializer(done).data)


class ContactAnonymiseView(_PersonalDataView):
    """Erase a contact's personal data for good."""

    model = Contact

    @extend_schema(
        operation_id="contacts_anonymise",
        summary="Anonymise a contact (cannot be undone)",
        tags=["customers"],
        parameters=[CONTACT_ID],
        request=AnonymiseRequestSerializer,
        responses={200: AnonymisedSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk):
        contact = contact_in_scope(request, pk)
        payload = AnonymiseRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services_privacy.contact_anonymise(
            actor=request.user,
            contact=contact,
            reason=payload.validated_data["reason"],
            request=request,
        )
        return Response(AnonymisedSerializer(done).data)


# Any id segment matches, so a malformed id answers the API's 404 rather than a redirect.
urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/personal-data/$",
        CustomerPersonalDataView.as_view(),
        name="api-customer-personal-data",
    ),
    re_path(
        r"^contacts/(?P<pk>[^/]+)/personal-data/$",
        ContactPersonalDataView.as_view(),
        name="api-contact-personal-data",
    ),
    re_path(
        r"^customers/(?P<pk>[^/]+)/anonymise/$",
        CustomerAnonymiseView.as_view(),
        name="api-customer-anonymise",
    ),
    re_path(
        r"^contacts/(?P<pk>[^/]+)/anonymise/$",
        ContactAnonymiseView.as_view(),
        name="api-contact-anonymise",
    ),
]
