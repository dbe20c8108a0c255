"""``/api/<entity>/import/{id}/values/``: the value-mapping step of an import.

``GET`` lists each mapped column whose cells name a dictionary entry, a user or a choice:
its distinct values (at most 1,000 per column; further rows are counted as ``others``), the
rows holding each, and the target each one goes to — chosen (``source: "mapped"``), found by
the import itself (``"auto"``: code, name or pinyin; username, name or e-mail; choice value or
label) or none yet (``target: null``). ``POST {"mapping": {field: {value: target}}}`` replaces
the job's value mapping: a target is an entry id (dictionary columns), a user id (owner
columns), a choice value, ``""`` to leave the field empty, or ``"__new__"`` to add the value
to the dictionary (for those who may edit the dictionaries). A checked job must be checked
again afterwards.
"""

from typing import Any

from django.urls import URLPattern, re_path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.imports.distinct import MAX_DISTINCT
from guanxi.core.imports.registry import Importer
from guanxi.core.models import ImportJob
from guanxi.core.services import import_values as services_values


class ImportValueSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The value as first seen in the file.")
    count = serializers.IntegerField(help_text="Rows holding it (spelling, case aside).")
    target = serializers.JSONField(
        allow_null=True,
        help_text='Entry or user id, choice value, "" (leave empty), or null (unmatched).',
    )
    target_label = serializers.CharField(help_text="The target as the user reads it.")
    source = serializers.CharField(  # type: ignore[assignment]
        help_text='"mapped", "auto" or "" (unmatched).'
    )


class ImportValueColumnSerializer(serializers.Serializer):
    field = serializers.CharField(source="column.name")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    kind = serializers.CharField(source="column.kind", help_text="dict, owner or choice.")
    dictionary = serializers.CharField(  # type: ignore[assignment]
        source="column.dictionary", allow_null=True
    )
    column = serializers.CharField(source="header", help_text="The header in the file.")
    unmatched = serializers.IntegerField()
    others = serializers.IntegerField(
        help_text=f"Rows whose value came after the first {MAX_DISTINCT} distinct ones."
    )
    truncated = serializers.BooleanField()
    values = ImportValueSerializer(many=True)

    def get_label(self, item: services_values.ValueColumn) -> str:
        return str(item.column.label)


class ImportValuesSerializer(serializers.Serializer):
    cap = serializers.IntegerField(help_text="Distinct values listed per column at most.")
    may_create_entries = serializers.BooleanField()
    mapping = serializers.DictField(help_text="The job's value mapping as kept.")
    columns = ImportValueColumnSerializer(many=True)


class ImportValuesRequestSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        help_text='{"field": {"value in the file": target}}; replaces the job\'s value mapping.',
    )


def _answer(request: Any, job: ImportJob) -> Response:
    columns = services_values.import_job_values(actor=request.user, job=job)
    data = {
        "cap": MAX_DISTINCT,
        "may_create_entries": services_values.may_create_entries(request.user),
        "mapping": job.value_mapping,
        "columns": columns,
    }
    return Response(ImportValuesSerializer(data).data)


def value_views(spec: type[Importer], base: type, id_parameter: Any) -> list[URLPattern]:
    """The values endpoint of ``spec``'s imports (``base``: the entity's import view class)."""
    entity, tag = spec.entity, spec.url_namespace
    responses = {
        200: ImportValuesSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Unknown field, entry, user or choice"),
        403: OpenApiResponse(ErrorSerializer, description="No right to import this entity"),
        404: OpenApiResponse(ErrorSerializer, description="No such job for you"),
    }

    class Values(base):  # type: ignore[valid-type,misc]
        @extend_schema(
            operation_id=f"{entity}_import_values",
            summary=f"Distinct values of a {entity} file's list columns, with their matches",
            tags=[tag],
            parameters=[id_parameter],
            responses=responses,
        )
        def get(self, request: Any, pk: str) -> Response:
            return _answer(request, self.job(pk))

        @extend_schema(
            operation_id=f"{entity}_import_values_set",
            summary=f"Map the values of a {entity} file to entries, users or choices",
            tags=[tag],
            parameters=[id_parameter],
            request=ImportValuesRequestSerializer,
            responses=responses,
        )
        def post(self, request: Any, pk: str) -> Response:
            job = self.job(pk)
            serializer = ImportValuesRequestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            job = services_values.import_job_set_values(
                actor=request.user, job=job, value_mapping=serializer.validated_data["mapping"]
            )
            return _answer(request, job)

    Values.spec = spec
    Values.__name__ = Values.__qualname__ = f"{spec.__name__}ValuesView"
    return [
        re_path(
            rf"^{entity}/import/(?P<pk>[^/]+)/values/$",
            Values.as_view(),
            name=f"api-{entity}-import-values",
        )
    ]
