"""``GET /api/{quotes,orders,contracts}/{id}/pdf/`` and ``POST …/{id}/email/``.

Mixed into the three viewsets: the record comes from the viewset's scoped ``get_object`` (out of
scope → 404) and the PDF is the one the pages serve. ``email`` sends it to one of the customer's
contacts and answers with the interaction logged on the customer's timeline.
"""

import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.pdf import PDF_CONTENT_TYPE
from guanxi.core.selectors.company import company_profile_get
from guanxi.customers.selectors import customers as selectors_customers
from guanxi.sales import printing
from guanxi.sales.services import printing as services_printing
from guanxi.sales.views.pdf import pdf_response


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; error bodies stay JSON text."""

    media_type = PDF_CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if data is not None else b""


class DocumentEmailSerializer(serializers.Serializer):
    contact = serializers.IntegerField(
        min_value=1, help_text="A contact of the record's customer who has an e-mail address."
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Defaults to the document's name and code, and the company's name.",
    )
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class DocumentEmailResultSerializer(serializers.Serializer):
    interaction = serializers.IntegerField(help_text="The e-mail interaction on the timeline.")
    contact = serializers.IntegerField()
    filename = serializers.CharField()


DOWNLOAD = OpenApiParameter(
    "download",
    OpenApiTypes.INT,
    enum=[1],
    description="1: as an attachment (saved) instead of inline (shown).",
)


class PrintableMixin:
    """The ``pdf`` and ``email`` actions of a quote, order or contract viewset."""

    @extend_schema(
        summary="The document as a PDF (letterhead, customer, lines, totals, signatures)",
        parameters=[DOWNLOAD],
        responses={
            (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
            404: OpenApiResponse(ErrorSerializer, description="No such record in your scope."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def pdf(self, request, pk=None):
        record = self.get_object()
        document = printing.print_document(actor=request.user, record=record)
        pdf = printing.html_to_pdf(printing.document_html(document))
        printing.note_shown_fields(request, document)
        return pdf_response(
            pdf,
            filename=document.filename,
            download=request.query_params.get("download") == "1",
        )

    @extend_schema(
        summary="E-mail the PDF to a contact of the customer; logged on the customer's timeline",
        request=DocumentEmailSerializer,
        responses={
            201: DocumentEmailResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Bad contact, subject or message."),
            404: OpenApiResponse(ErrorSerializer, description="No such record in your scope."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def email(self, request, pk=None):
        record = self.get_object()
        payload = DocumentEmailSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        contact = (
            selectors_customers.contact_list(actor=request.user, customer=record.customer)
            .filter(pk=data["contact"])
            .first()
        )
        if contact is None:
            raise ValidationError({"contact": [_("Choose a contact of this customer.")]})
        subject = data.get("subject") or services_printing.document_email_subject(
            record=record, company_name=company_profile_get().name
        )
        # The service's ValidationError becomes a 400 naming the field (core.api.errors).
        interaction = services_printing.document_email_send(
            actor=request.user,
            record=record,
            contact=contact,
            subject=subject,
            message=data["message"],
        )
        result = {
            "interaction": interaction.pk,
            "contact": contact.pk,
            "filename": printing.document_filename(record),
        }
        return Response(result, status=status.HTTP_201_CREATED)
