"""``/api/import-profiles/``: saved import profiles (own and shared) and the built-in presets.

``GET`` lists the caller's profiles and those shared with everyone (``?entity=customers``
for one entity); ``POST`` saves one (``entity``, ``name``, ``columns`` = ``{header: field}``,
``value_mapping`` = ``{field: {value: entry id, user id, choice or ""}}``, ``shared``); a
profile of the same name is replaced. ``PATCH`` renames, shares or changes the mappings,
``DELETE`` removes it: only its owner (or an administrator); another's shared profile is 403.
``GET /api/import-profiles/presets/?entity=`` lists the read-only presets (Salesforce,
HubSpot, Zoho CRM, 纷享销客, 销售易, a generic spreadsheet) for registered entities.
An upload applies a profile by id or a preset by key (``profile`` of the import endpoints).
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.imports.presets import presets_for
from guanxi.core.imports.registry import importers
from guanxi.core.models import ImportProfile
from guanxi.core.selectors import import_profiles as selectors
from guanxi.core.services import import_profiles as services


class ImportProfileSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(max_length=40, help_text="The import, e.g. ``customers``.")
    columns = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Header (any case and spacing) to field name.",
    )
    value_mapping = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        required=False,
        help_text='{"field": {"value": entry id, user id, choice value or ""}}.',
    )
    owner_name = serializers.SerializerMethodField(help_text="Who saved the profile.")
    mine = serializers.SerializerMethodField(help_text="Whether the caller saved it.")

    class Meta:
        model = ImportProfile
        fields = [
            "id",
            "entity",
            "name",
            "shared",
            "columns",
            "value_mapping",
            "created_by",
            "owner_name",
            "mine",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_by", "owner_name", "mine", "created_at", "updated_at"]
        validators: list = []  # the service replaces a profile of the same name

    def get_owner_name(self, profile: ImportProfile) -> str:
        return str(profile.created_by)

    def get_mine(self, profile: ImportProfile) -> bool:
        return bool(profile.created_by_id == self.context["request"].user.pk)


class ImportPresetSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Pass as ``profile`` when uploading.")
    name = serializers.CharField()
    description = serializers.CharField()
    entity = serializers.CharField()
    columns = serializers.DictField(child=serializers.CharField())
    value_mapping = serializers.DictField(help_text="Dictionary entries named by code.")


ENTITY = OpenApiParameter("entity", str, description="One entity's profiles.")


@extend_schema_view(list=extend_schema(parameters=[ENTITY]))
class ImportProfileViewSet(ScopedViewSet):
    """Import profiles 导入方案: column and value mappings saved for the next file."""

    model = ImportProfile
    serializer_class = ImportProfileSerializer
    versioned = False
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def select(self, actor: Any) -> Any:
        entity = query_text(self.request, "entity", 40) if self.action == "list" else ""
        return selectors.import_profile_list(actor=actor, entity=entity or None)

    def create_record(self, data: dict) -> ImportProfile:
        return services.import_profile_create(actor=self.request.user, **data)

    def update_record(self, instance: ImportProfile, data: dict, expected_version: Any) -> Any:
        data.pop("entity", None)  # a profile stays with its entity
        return services.import_profile_update(actor=self.request.user, profile=instance, **data)

    def delete_record(self, instance: ImportProfile, expected_version: Any) -> None:
        services.import_profile_delete(actor=self.request.user, profile=instance)

    @extend_schema(parameters=[ENTITY], responses=ImportPresetSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def presets(self, request: Request) -> Response:
        """The built-in, read-only presets of the registered entities (or of ``entity``)."""
        wanted = query_text(request, "entity", 40)
        rows = []
        for entity in sorted(importers()):
            if wanted and entity != wanted:
                continue
            for preset in presets_for(entity):
                part = preset.for_entity(entity)
                assert part is not None
                rows.append(
                    {
                        "key": preset.key,
                        "name": str(preset.name),
                        "description": str(preset.description),
                        "entity": entity,
                        "columns": part.columns,
                        "value_mapping": part.values,
                    }
                )
        return Response(ImportPresetSerializer(rows, many=True).data)
