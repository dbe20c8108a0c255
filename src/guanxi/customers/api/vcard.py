"""REST endpoints for a customer's contacts as vCards: download all, import a .vcf file.

``GET /api/customers/{id}/contacts.vcf`` answers ``text/vcard`` (3.0, or 4.0 with
``?version=4.0``). ``POST /api/customers/{id}/contacts/import-vcard/`` takes the file as
multipart ``file`` and ``dry_run``; it answers the per-card report: 200 for a dry run, 201 when
imported. A commit with any card in error imports nothing and answers 400 in the usual error
shape, one message per bad card under ``fields.cards``. The customer must be in the caller's
scope (404 otherwise); importing needs the right to add contacts (403 otherwise).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID
from guanxi.customers import rules
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services.vcard import contacts_import_vcards
from guanxi.customers.vcard import MAX_VCARD_BYTES
from guanxi.customers.views.vcard import contacts_vcard_response, vcard_version


def _customer(request, pk: str) -> Customer:
    # A malformed or overflowing id is simply not found (404, never a redirect or a 500).
    if not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
        raise NotFound()
    try:
        return selectors.customer_get(actor=request.user, pk=pk)
    except Customer.DoesNotExist as missing:
        raise NotFound() from missing


ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The customer's id."
)


class _VCardView(UserLanguageMixin, APIView):
    model = Contact  # RoleRights: GET needs view_contact, POST add_contact
    permission_classes = [IsAuthenticated, RoleRights]


class ContactsVCardExportView(_VCardView):
    """Every contact of the customer as one .vcf file; the primary contact's ORG carries PREF.

    Chinese names are written family name first in N (欧阳;娜娜). 404 outside the caller's scope.
    """

    @extend_schema(
        operation_id="customers_contacts_vcard",
        summary="Download the customer's contacts as vCards",
        tags=["customers"],
        parameters=[
            ID_PARAMETER,
            OpenApiParameter(
                "version", str, enum=["3.0", "4.0"], description="vCard version (default 3.0)."
            ),
        ],
        responses={
            (200, "text/vcard"): OpenApiResponse(OpenApiTypes.BINARY, description="The .vcf file"),
            400: OpenApiResponse(ErrorSerializer, description="Unsupported `version`."),
            403: OpenApiResponse(ErrorSerializer, description="The caller may not export."),
        },
    )
    def get(self, request, pk):
        if not request.user.has_perm(rules.EXPORT_CUSTOMERS):
            raise PermissionDenied()
        customer = _customer(request, pk)
        version = vcard_version(request.query_params.get("version"))
        if version is None:
            raise ValidationError({"version": [_("Choose vCard version 3.0 or 4.0.")]})
        return contacts_vcard_response(
            actor=request.user, customer=customer, version=version, request=request
        )


class VCardImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"A .vcf file of at most {MAX_VCARD_BYTES} bytes.")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Only check the cards; write nothing."
    )

    def validate_file(self, upload):
        if upload.size > MAX_VCARD_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(size)d KB.") % {"size": MAX_VCARD_BYTES // 1024}
            )
        return upload


class VCardCardSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Position of the card in the file, from 1.")
    status = serializers.ChoiceField(choices=["new", "duplicate", "error"])
    # DRF's metaclass takes declared fields out of the class, so these never shadow
    # ``Serializer.fields`` and ``Serializer.errors``; the stubs do not model that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(allow_blank=True)
    )
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
    primary = serializers.BooleanField()


class VCardImportReportSerializer(serializers.Serializer):
    committed = serializers.BooleanField(help_text="True when the contacts were saved.")
    created = serializers.IntegerField()
    new = serializers.IntegerField(help_text="Cards that are (or would be) added.")
    duplicates = serializers.IntegerField(help_text="Cards skipped: already present.")
    invalid = serializers.IntegerField(help_text="Cards with errors.")
    cards = VCardCardSerializer(many=True, source="rows")


class ContactsVCardImportView(_VCardView):
    """Contacts from a .vcf file (vCard 2.1, 3.0 or 4.0; one or many cards).

    With ``dry_run`` the report says what each card would become and nothing is written.
    Otherwise all new cards are saved in one transaction, or none if any card has an error.
    A card whose name plus mobile or e-mail is already a contact of the customer is skipped.
    """

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="customers_contacts_import_vcard",
        summary="Import contacts from a vCard file (dry run or commit)",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        request={"multipart/form-data": VCardImportRequestSerializer},
        responses={
            200: OpenApiResponse(VCardImportReportSerializer, description="Dry run report"),
            201: OpenApiResponse(VCardImportReportSerializer, description="Imported"),
            400: OpenApiResponse(
                ErrorSerializer,
                description="Unreadable file, or (on commit) cards with errors: nothing imported",
            ),
        },
    )
    def post(self, request, pk):
        customer = _customer(request, pk)
        serializer = VCardImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        dry_run = serializer.validated_data["dry_run"]
        try:
            report = contacts_import_vcards(
                actor=request.user, customer=customer, data=upload.read(), dry_run=dry_run
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        if report.invalid and not dry_run:
            raise ValidationError(
                {
                    "cards": [
                        _("Card %(number)d: %(error)s") % {"number": row.number, "error": message}
                        for row in report.rows
                        for messages in row.errors.values()
                        for message in messages
                    ]
                }
            )
        code = status.HTTP_201_CREATED if report.committed else status.HTTP_200_OK
        return Response(VCardImportReportSerializer(report).data, status=code)


# Any id segment matches, so a malformed id answers the API's 404 rather than a redirect.
urlpatterns = [
    re_path(
        r"^customers/(?P<pk>[^/]+)/contacts\.vcf$",
        ContactsVCardExportView.as_view(),
        name="api-customer-contacts-vcard",
    ),
    re_path(
        r"^customers/(?P<pk>[^/]+)/contacts/import-vcard/$",
        ContactsVCardImportView.as_view(),
        name="api-customer-contacts-import-vcard",
    ),
]
