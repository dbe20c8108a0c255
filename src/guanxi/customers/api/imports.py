"""REST endpoints of customer imports: upload (dry run by default), follow, commit.

``POST /api/customers/import/`` takes a multipart ``file`` (CSV or xlsx), an optional
``mapping`` (JSON object ``{"header": "field"}``; guessed from the headers when absent) and
``dry_run`` (default true). It answers the job: checked (or imported, with ``dry_run=false``)
at once for small files, or still running (202) for large ones, to be followed with
``GET /api/customers/import/{id}/`` until ``state`` is ``validated``, ``done`` or ``failed``.
``POST /api/customers/import/{id}/commit/`` imports a checked job. Only the importer (or an
administrator) sees a job: anyone else gets 404. Importing needs the right to add customers.
"""

import json
import uuid
from typing import cast

from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.accounts.models import User
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.customers import rules
from guanxi.customers.importing.mapping import FIELD_NAMES
from guanxi.customers.importing.readers import MAX_IMPORT_BYTES
from guanxi.customers.models import ImportJob
from guanxi.customers.selectors import imports as selectors_import
from guanxi.customers.services import imports as services_import
from guanxi.customers.views.imports import RUNNING, import_new_rows


class ImportFindingSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as a spreadsheet shows it (header = 1).")
    kind = serializers.ChoiceField(choices=["error", "duplicate", "unchanged"])
    column = serializers.CharField(help_text="Header of the column concerned, or empty.")
    message = serializers.CharField()
    customer_id = serializers.IntegerField(
        required=False, help_text="The existing customer the row matches, if you may see it."
    )
    customer = serializers.CharField(required=False, help_text="Its name and code.")
    other_row = serializers.IntegerField(
        required=False, help_text="The earlier row of the file this row duplicates."
    )


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="Percent of rows processed.")
    new_rows = serializers.SerializerMethodField(
        help_text="Rows that will be created (checked job) or were created (done)."
    )
    unchanged = serializers.IntegerField(source="skipped_count", read_only=True)
    duplicates = serializers.IntegerField(source="duplicate_count", read_only=True)
    # DRF's metaclass takes declared fields out of the class, so this never shadows
    # ``Serializer.errors``; the stubs do not model that.
    errors = serializers.IntegerField(  # type: ignore[assignment]
        source="error_count", read_only=True
    )
    created = serializers.IntegerField(source="created_count", read_only=True)
    mapping = serializers.DictField(child=serializers.CharField(), read_only=True)
    report = ImportFindingSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "state",
            "created_at",
            "finished_at",
            "total_rows",
            "processed_rows",
            "progress",
            "new_rows",
            "created",
            "unchanged",
            "duplicates",
            "errors",
            "mapping",
            "error",
            "report",
        ]
        read_only_fields = fields

    def get_new_rows(self, job) -> int:
        return import_new_rows(job)


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"CSV (UTF-8 or GBK) or xlsx, at most {MAX_IMPORT_BYTES} bytes."
    )
    mapping = serializers.CharField(
        required=False,
        help_text='JSON object from header to field, e.g. {"客户名称": "name", "电话": "phone"}. '
        f"Fields: {', '.join(FIELD_NAMES)}.",
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Only check the rows (default); false imports them too.",
    )

    def validate_mapping(self, text: str) -> dict:
        try:
            mapping = json.loads(text)
        except ValueError as error:
            raise serializers.ValidationError(_("The column mapping is not valid JSON.")) from error
        if not isinstance(mapping, dict):
            raise serializers.ValidationError(_("The column mapping must be an object."))
        return mapping


class _ImportView(UserLanguageMixin, APIView):
    model = ImportJob
    permission_classes = [IsAuthenticated, RoleRights]
    read_permission = rules.IMPORT_CUSTOMERS
    write_permission = rules.IMPORT_CUSTOMERS

    def job(self, pk: str) -> ImportJob:
        try:
            actor = cast(User, self.request.user)  # signed in (IsAuthenticated)
            return selectors_import.import_job_get(actor=actor, pk=uuid.UUID(pk))
        except (ValueError, ImportJob.DoesNotExist) as missing:
            raise NotFound() from missing

    @staticmethod
    def answer(job: ImportJob, created: bool = False) -> Response:
        code: int = status.HTTP_202_ACCEPTED if job.state in RUNNING else status.HTTP_200_OK
        if created and code == status.HTTP_200_OK:
            code = status.HTTP_201_CREATED
        return Response(ImportJobSerializer(job).data, status=code)


JOB_RESPONSES = {
    202: OpenApiResponse(ImportJobSerializer, description="Running in the background"),
    400: OpenApiResponse(ErrorSerializer, description="Bad file, mapping or state"),
    403: OpenApiResponse(ErrorSerializer, description="No right to import customers"),
    404: OpenApiResponse(ErrorSerializer, description="No such job for you"),
}
ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The import job's id."
)


class ImportCreateView(_ImportView):
    """Upload a customer file and check it (dry run), or check and import it."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="customers_import_create",
        summary="Upload a customer file (CSV or xlsx) and check or import it",
        tags=["customers"],
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            201: OpenApiResponse(ImportJobSerializer, description="Checked (or imported)"),
            **JOB_RESPONSES,
        },
    )
    def post(self, request):
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services_import.import_job_create(
            actor=request.user, upload=data["file"], mapping=data.get("mapping")
        )
        job = services_import.import_job_validate(
            actor=request.user, job=job, then_commit=not data["dry_run"]
        )
        return self.answer(job, created=True)


class ImportDetailView(_ImportView):
    """An import job: its state, progress counters and per-row report."""

    @extend_schema(
        operation_id="customers_import_retrieve",
        summary="Follow a customer import",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        responses={200: ImportJobSerializer, **JOB_RESPONSES},
    )
    def get(self, request, pk):
        return self.answer(self.job(pk))


class ImportCommitView(_ImportView):
    """Import the valid new rows of a checked job (rows with errors or duplicates are skipped)."""

    @extend_schema(
        operation_id="customers_import_commit",
        summary="Import a checked customer file",
        tags=["customers"],
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            200: OpenApiResponse(ImportJobSerializer, description="Imported"),
            **JOB_RESPONSES,
        },
    )
    def post(self, request, pk):
        job = services_import.import_job_commit(actor=request.user, job=self.job(pk))
        return self.answer(job)


# Any id segment matches, so a malformed id answers the API's 404 rather than a redirect.
urlpatterns = [
    re_path(r"^customers/import/$", ImportCreateView.as_view(), name="api-customer-import"),
    re_path(
        r"^customers/import/(?P<pk>[^/]+)/$",
        ImportDetailView.as_view(),
        name="api-customer-import-detail",
    ),
    re_path(
        r"^customers/import/(?P<pk>[^/]+)/commit/$",
        ImportCommitView.as_view(),
        name="api-customer-import-commit",
    ),
]
