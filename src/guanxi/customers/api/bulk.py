"""API twins of the customer list's bulk actions: reassign owners, add a tag, download the list.

Same services and selectors as the pages, so the same scope and rules: one id outside the
caller's scope answers 404 and changes nothing; executives get 403 on the reassignment.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.accounts.models import User
from guanxi.core import export
from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID, query_text
from guanxi.customers import rules
from guanxi.customers.api.customers import CustomerFilter
from guanxi.customers.exports import customer_export_queryset, customer_export_response
from guanxi.customers.forms.bulk import IdListField
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import customers as services


def _ids_field(what: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=services.MAX_BULK_CUSTOMERS,
        help_text=f"Customers to {what}; every one must be in the caller's scope.",
    )


# Answered when any id is unknown or outside the scope: the whole action is refused.
NOT_IN_SCOPE = OpenApiResponse(
    ErrorSerializer, description="An id is unknown or outside the caller's scope; nothing changed."
)


class BulkActionView(UserLanguageMixin, APIView):
    """Base of the bulk actions: JSON in, change rights on customers, all or none."""

    model = Customer
    write_permission = rules.CHANGE_CUSTOMER
    permission_classes = [IsAuthenticated, RoleRights]
    parser_classes = [JSONParser]


class BulkReassignSerializer(serializers.Serializer):
    ids = _ids_field("reassign")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="The new account manager; must be one the caller may assign to.",
    )


class BulkReassignResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many customers changed owner.")
    owner = serializers.IntegerField()


class CustomerBulkReassignView(BulkActionView):
    """Give the listed customers to another account manager, all or none, each logged."""

    @extend_schema(
        request=BulkReassignSerializer,
        responses={200: BulkReassignResultSerializer, 404: NOT_IN_SCOPE},
        operation_id="customers_bulk_reassign",
    )
    def post(self, request):
        payload = BulkReassignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner = payload.validated_data["owner"]
        changed = services.customers_bulk_reassign(
            actor=request.user, customer_ids=payload.validated_data["ids"], owner=owner
        )
        return Response({"changed": changed, "owner": owner.pk})


class BulkTagSerializer(serializers.Serializer):
    ids = _ids_field("tag")
    tag = serializers.CharField(max_length=30, help_text="The tag to add (kept once).")


class BulkTagResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many customers did not have the tag yet.")


class CustomerBulkTagView(BulkActionView):
    """Add a tag to the listed customers, all or none, each change in their history."""

    @extend_schema(
        request=BulkTagSerializer,
        responses={200: BulkTagResultSerializer, 404: NOT_IN_SCOPE},
        operation_id="customers_bulk_tag",
    )
    def post(self, request):
        payload = BulkTagSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = services.customers_bulk_add_tag(
            actor=request.user,
            customer_ids=payload.validated_data["ids"],
            tag=payload.validated_data["tag"],
        )
        return Response({"changed": changed})


FILE_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="UTF-8 CSV with BOM."),
    (200, export.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="xlsx"),
    400: OpenApiResponse(ErrorSerializer, description="Unknown format, filter, sort or ids."),
    403: OpenApiResponse(ErrorSerializer, description="The caller may not export customers."),
}


class CustomerExportView(UserLanguageMixin, APIView):
    """The customers of ``/api/customers/`` (same filters and search) as a CSV or xlsx file.

    Only the caller's scope; cells that a spreadsheet would run as a formula are quoted.
    """

    model = Customer
    permission_classes = [IsAuthenticated, RoleRights]

    def perform_content_negotiation(self, request, force=False):
        # ``format`` picks the file, not a DRF renderer; anything but the file answers JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="customers_export",
        parameters=[
            OpenApiParameter("format", str, enum=list(export.FORMATS), default=export.CSV),
            OpenApiParameter(
                "search", str, description="As on the customer list: name, code, phone, e-mail."
            ),
            OpenApiParameter(
                "sort", str, enum=list(selectors.CUSTOMER_SORTS), description="Row order."
            ),
            OpenApiParameter("ids", str, description="Only these customers (comma-separated)."),
            *[
                OpenApiParameter(name, str, description="As on GET /api/customers/.")
                for name in CustomerFilter.base_filters
            ],
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request):
        if not request.user.has_perm(rules.EXPORT_CUSTOMERS):
            raise PermissionDenied()
        file_format = request.query_params.get("format") or export.CSV
        if file_format not in export.FORMATS:
            raise ValidationError({"format": [_("Choose the export format csv or xlsx.")]})
        try:
            ids = IdListField(required=False).clean(request.query_params.getlist("ids"))
        except DjangoValidationError as error:
            raise ValidationError({"ids": error.messages}) from error
        sort = request.query_params.get("sort") or selectors.DEFAULT_CUSTOMER_SORT
        if sort not in selectors.CUSTOMER_SORTS:
            raise ValidationError({"sort": [_("Choose one of the listed sort orders.")]})
        search = query_text(request, "search")
        customers = customer_export_queryset(
            actor=request.user,
            search=search,
            sort=sort,
            ids=ids or None,
        )
        filterset = CustomerFilter(request.query_params, queryset=customers, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        asked = {
            key: value
            for key, value in request.query_params.items()
            if key in CustomerFilter.base_filters and value
        }
        return customer_export_response(
            actor=request.user,
            customers=filterset.qs,
            file_format=file_format,
            request=request,
            filters={
                **asked,
                **({"search": search} if search else {}),
                **({"ids": len(ids)} if ids else {}),
                "sort": sort,
            },
        )
