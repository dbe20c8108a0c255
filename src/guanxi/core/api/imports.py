"""REST endpoints of every registered importer: upload (dry run by default), follow, commit,
download the report.

For each entity (``contacts``, ``interactions``, ``products``…):
``POST /api/<entity>/import/`` takes a multipart ``file`` (CSV or xlsx), an optional
``mapping`` (JSON object ``{"header": "field"}``; guessed from the headers when absent),
``mode`` (``valid_rows`` or ``all_or_nothing``) and ``dry_run`` (default true);
``GET /api/<entity>/import/{id}/`` follows the job; ``POST …/{id}/commit/`` imports a checked
job (optionally with ``duplicates``, the policy for rows that repeat present records);
``PATCH``/``POST …/{id}/duplicates/`` sets that policy and checks the file again;
``GET …/{id}/report.xlsx`` downloads every row with a problem. Only the importer (or an
administrator) sees a job: anyone else gets 404. Each entity's importer names the right needed.
"""

import json
import uuid
from typing import Any

from django.http import FileResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.import_duplicates import (
    EntityImportCandidateSerializer,
    EntityImportCommitSerializer,
    EntityImportDuplicatesFoundSerializer,
    EntityImportDuplicatesSerializer,
    duplicates_given,
)
from guanxi.core.api.import_values import value_views
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.imports.duplicates import CHOICE_VALUES, NOT_UPDATABLE
from guanxi.core.imports.limits import (
    ImportSizeLimitHandler,
    declared_too_large,
    too_large_message,
)
from guanxi.core.imports.readers import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from guanxi.core.imports.registry import Importer, importers
from guanxi.core.models import ImportJob
from guanxi.core.selectors import imports as selectors_imports
from guanxi.core.services import imports as services_imports

RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EntityImportFindingSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as a spreadsheet shows it (header = 1).")
    level = serializers.ChoiceField(choices=["error", "warning"])
    kind = serializers.CharField(
        help_text="required, invalid, not_found, ambiguous, future, refused, not_visible, "
        "repeated or present."
    )
    column = serializers.CharField(help_text="Header of the column concerned, or empty.")
    message = serializers.CharField(help_text="In the importer's language.")
    candidate = EntityImportCandidateSerializer(
        required=False, help_text="For kind present: the record the row seems to repeat."
    )
    choice = serializers.ChoiceField(
        choices=CHOICE_VALUES, required=False, help_text="For kind present: what the row does."
    )


class EntityImportKindSerializer(serializers.Serializer):
    # A serializer field named "label" shadows Field.label for the stubs, not at runtime.
    kind = serializers.CharField()
    column = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The kind of problem, in the importer's language."
    )
    count = serializers.IntegerField(help_text="Exact number of such findings in the file.")


class EntityImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="Percent of rows processed.")
    created = serializers.IntegerField(
        source="created_count", read_only=True, help_text="Created (done) or to create (checked)."
    )
    updated = serializers.IntegerField(
        source="updated_count", read_only=True, help_text="Updated (done) or to update (checked)."
    )
    unchanged = serializers.IntegerField(source="skipped_count", read_only=True)
    # DRF's metaclass takes declared fields out of the class; see customers.api.imports.
    errors = serializers.IntegerField(  # type: ignore[assignment]
        source="error_count", read_only=True
    )
    warnings = serializers.IntegerField(source="warning_count", read_only=True)
    mapping = serializers.DictField(child=serializers.CharField(), read_only=True)
    options = serializers.DictField(
        child=serializers.BooleanField(),
        read_only=True,
        help_text="The importer's options that are on (e.g. create_products of the orders).",
    )
    value_mapping = serializers.DictField(
        read_only=True, help_text="{field: {value: target}} of the value step (…/values/)."
    )
    kinds = EntityImportKindSerializer(source="kind_counts", many=True, read_only=True)
    report = EntityImportFindingSerializer(
        many=True, read_only=True, help_text="The first findings; the report.xlsx has them all."
    )
    duplicates = EntityImportDuplicatesSerializer(
        read_only=True, help_text="What rows that repeat present records do."
    )
    duplicates_found = EntityImportDuplicatesFoundSerializer(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "entity",
            "file_name",
            "mode",
            "state",
            "created_at",
            "finished_at",
            "total_rows",
            "processed_rows",
            "progress",
            "created",
            "updated",
            "unchanged",
            "errors",
            "warnings",
            "kinds",
            "mapping",
            "options",
            "value_mapping",
            "profile_name",
            "error",
            "report",
            "duplicates",
            "duplicates_found",
        ]
        read_only_fields = fields


class EntityImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"CSV (UTF-8 or GBK) or xlsx, at most {MAX_IMPORT_BYTES} bytes "
        f"({MAX_IMPORT_BYTES // (1024 * 1024)} MB) and {MAX_IMPORT_ROWS} rows; a larger body "
        "is refused (400 on ``file``) before it is read."
    )
    profile = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="An import profile's id, a preset's key (``salesforce``…), or ``auto`` for "
        "the profile whose headers match the file; ignored when ``mapping`` is given.",
    )
    mapping = serializers.CharField(
        required=False, help_text='JSON object from header to field, e.g. {"姓名": "name"}.'
    )
    mode = serializers.ChoiceField(
        choices=ImportJob.Mode.choices, required=False, default=ImportJob.Mode.VALID_ROWS
    )
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="Only check the rows (default); false imports too."
    )
    duplicates = serializers.CharField(
        required=False,
        help_text='JSON object: what rows repeating present records do, e.g. {"all": "update", '
        '"fields": ["title"]} (default: skip them). See …/{id}/duplicates/.',
    )

    def validate_mapping(self, text: str) -> dict:
        try:
            mapping = json.loads(text)
        except ValueError as error:
            raise serializers.ValidationError(_("The column mapping is not valid JSON.")) from error
        if not isinstance(mapping, dict):
            raise serializers.ValidationError(_("The column mapping must be an object."))
        return mapping


ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The import job's id."
)
JOB_RESPONSES = {
    202: OpenApiResponse(EntityImportJobSerializer, description="Running in the background"),
    400: OpenApiResponse(ErrorSerializer, description="Bad file, mapping, mode or state"),
    403: OpenApiResponse(ErrorSerializer, description="No right to import this entity"),
    404: OpenApiResponse(ErrorSerializer, description="No such job for you"),
}


class _EntityImportView(UserLanguageMixin, APIView):
    spec: type[Importer]
    permission_classes = [IsAuthenticated]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # Before authentication: a session's CSRF check would read the whole body first.
        max_bytes = self.spec.max_bytes
        if request.method == "POST" and declared_too_large(request.META, max_bytes):
            raise ValidationError({"file": [too_large_message(max_bytes)]})
        self.size_limit = ImportSizeLimitHandler(request._request, max_bytes)
        handlers = request._request.upload_handlers
        request._request.upload_handlers = [self.size_limit, *handlers]
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm(self.spec.permission):
            raise PermissionDenied(
                _("You may not import %(entity)s.") % {"entity": self.spec.label}
            )

    def job(self, pk: str) -> ImportJob:
        try:
            return selectors_imports.import_job_get(
                actor=self.request.user, entity=self.spec.entity, pk=uuid.UUID(pk)
            )
        except (ValueError, ImportJob.DoesNotExist) as missing:
            raise NotFound() from missing

    @staticmethod
    def answer(job: ImportJob, created: bool = False) -> Response:
        code: int = status.HTTP_202_ACCEPTED if job.state in RUNNING else status.HTTP_200_OK
        if created and code == status.HTTP_200_OK:
            code = status.HTTP_201_CREATED
        return Response(EntityImportJobSerializer(job).data, status=code)


def _create_serializer(spec: type[Importer]) -> type[EntityImportCreateSerializer]:
    """The upload's fields, plus a boolean per option of the importer (``create_products``)."""
    if not spec.options:
        return EntityImportCreateSerializer
    fields: dict[str, Any] = {
        option.name: serializers.BooleanField(
            required=False, default=False, help_text=str(option.help_text) or None
        )
        for option in spec.options
    }
    name = f"{spec.__name__}CreateSerializer"
    return type(name, (EntityImportCreateSerializer,), fields)


def _views(spec: type[Importer]) -> list[URLPattern]:
    entity, tag = spec.entity, spec.url_namespace
    create_serializer = _create_serializer(spec)
    fields = ", ".join(column.name for column in spec.all_columns())
    if spec.aliases:
        older = ", ".join(f"{old} (= {new})" for old, new in spec.aliases.items())
        fields += f"; older keys still accepted: {older}"
    updatable = ", ".join(
        column.name for column in spec.updatable() if column.name not in NOT_UPDATABLE
    )

    class Create(_EntityImportView):
        parser_classes = [MultiPartParser]

        @extend_schema(
            operation_id=f"{entity}_import_create",
            summary=f"Upload a {entity} file (CSV or xlsx) and check or import it",
            description=f"Fields of the mapping: {fields}.",
            tags=[tag],
            request={"multipart/form-data": create_serializer},
            responses={
                201: OpenApiResponse(
                    EntityImportJobSerializer, description="Checked (or imported)"
                ),
                **JOB_RESPONSES,
            },
        )
        def post(self, request: Any) -> Response:
            payload = request.data
            if self.size_limit.exceeded:
                raise ValidationError({"file": [too_large_message(self.spec.max_bytes)]})
            serializer = create_serializer(data=payload)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            job = services_imports.import_job_create(
                options={option.name: data[option.name] for option in self.spec.options},
                actor=request.user,
                entity=entity,
                upload=data["file"],
                mapping=data.get("mapping"),
                mode=data["mode"],
                duplicates=duplicates_given(request, required=False),
                profile=data.get("profile") or "",
            )
            job = services_imports.import_job_validate(
                actor=request.user, job=job, then_commit=not data["dry_run"]
            )
            return self.answer(job, created=True)

    class Detail(_EntityImportView):
        @extend_schema(
            operation_id=f"{entity}_import_retrieve",
            summary=f"Follow a {entity} import",
            tags=[tag],
            parameters=[ID_PARAMETER],
            responses={200: EntityImportJobSerializer, **JOB_RESPONSES},
        )
        def get(self, request: Any, pk: str) -> Response:
            return self.answer(self.job(pk))

    class Commit(_EntityImportView):
        @extend_schema(
            operation_id=f"{entity}_import_commit",
            summary=f"Import a checked {entity} file",
            tags=[tag],
            parameters=[ID_PARAMETER],
            request=EntityImportCommitSerializer,
            responses={
                200: OpenApiResponse(EntityImportJobSerializer, description="Imported"),
                **JOB_RESPONSES,
            },
        )
        def post(self, request: Any, pk: str) -> Response:
            job = services_imports.import_job_commit(
                actor=request.user,
                job=self.job(pk),
                duplicates=duplicates_given(request, required=False),
            )
            return self.answer(job)

    duplicates_schema: dict[str, Any] = {
        "summary": f"Choose what duplicate rows of a {entity} import do",
        "description": "Skip, update the present record (with the fields chosen) or create "
        "anyway, for all rows and row by row; a checked job is checked again, so its "
        "counts follow. Unknown choices, fields or rows answer 400 naming them. "
        f"Fields an update may write: {updatable}.",
        "tags": [tag],
        "parameters": [ID_PARAMETER],
        "request": EntityImportDuplicatesSerializer,
        "responses": {
            200: OpenApiResponse(EntityImportJobSerializer, description="Chosen (checked)"),
            **JOB_RESPONSES,
        },
    }

    class Duplicates(_EntityImportView):
        def put_policy(self, request: Any, pk: str) -> Response:
            job = services_imports.import_job_duplicates_set(
                actor=request.user,
                job=self.job(pk),
                duplicates=duplicates_given(request, required=True),
            )
            return self.answer(job)

        @extend_schema(operation_id=f"{entity}_import_duplicates_update", **duplicates_schema)
        def patch(self, request: Any, pk: str) -> Response:
            return self.put_policy(request, pk)

        @extend_schema(operation_id=f"{entity}_import_duplicates_create", **duplicates_schema)
        def post(self, request: Any, pk: str) -> Response:
            return self.put_policy(request, pk)

    class Report(_EntityImportView):
        @extend_schema(
            operation_id=f"{entity}_import_report",
            summary=f"Download the report of a {entity} import (xlsx)",
            description="Every row with a problem as uploaded, plus a column with its messages.",
            tags=[tag],
            parameters=[ID_PARAMETER],
            responses={
                (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The report"),
                404: OpenApiResponse(ErrorSerializer, description="No such job or no report yet"),
            },
        )
        def get(self, request: Any, pk: str) -> FileResponse:
            job = self.job(pk)
            if not job.report_file:
                raise NotFound(_("This import has no report yet: check the file first."))
            return FileResponse(
                job.report_file.open("rb"),
                as_attachment=True,
                filename=f"{job.file_name.rsplit('.', 1)[0]}-report.xlsx",
                content_type=XLSX_TYPE,
            )

    for view in (Create, Detail, Commit, Duplicates, Report):
        view.spec = spec
        view.__name__ = view.__qualname__ = f"{spec.__name__}{view.__name__}View"
    name = f"api-{entity}-import"
    # Any id segment matches, so a malformed id answers the API's 404.
    return [
        re_path(rf"^{entity}/import/$", Create.as_view(), name=name),
        re_path(rf"^{entity}/import/(?P<pk>[^/]+)/$", Detail.as_view(), name=f"{name}-detail"),
        re_path(
            rf"^{entity}/import/(?P<pk>[^/]+)/commit/$", Commit.as_view(), name=f"{name}-commit"
        ),
        re_path(
            rf"^{entity}/import/(?P<pk>[^/]+)/duplicates/$",
            Duplicates.as_view(),
            name=f"{name}-duplicates",
        ),
        re_path(
            rf"^{entity}/import/(?P<pk>[^/]+)/report\.xlsx$",
            Report.as_view(),
            name=f"{name}-report",
        ),
        *value_views(spec, _EntityImportView, ID_PARAMETER),
    ]


def import_api_urlpatterns() -> list[URLPattern]:
    """The import endpoints of every registered importer (the registry is full by now)."""
    return [pattern for spec in importers().values() for pattern in _views(spec)]
