"""The duplicate choices of an import in the API: what rows that repeat present records do
(``guanxi.core.imports.duplicates``), the rows found, and how a request gives the choices."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from guanxi.core.imports.duplicates import CHOICE_VALUES, SKIP


class EntityImportCandidateSerializer(serializers.Serializer):
    # A serializer field named "label" shadows Field.label for the stubs, not at runtime.
    label = serializers.CharField(help_text="The present record, as the importer names it.")  # type: ignore[assignment]
    code = serializers.CharField(help_text="Its code or external id, or empty.")
    url = serializers.CharField(help_text="The page showing it, or empty.")


class EntityImportDuplicatesSerializer(serializers.Serializer):
    """What rows that seem to repeat a present record do."""

    all = serializers.ChoiceField(
        choices=CHOICE_VALUES,
        required=False,
        default=SKIP,
        help_text="For every duplicate row: skip (default), update the present record, or "
        "create a new record anyway.",
    )
    rows = serializers.DictField(
        child=serializers.ChoiceField(choices=CHOICE_VALUES),
        required=False,
        help_text='Choices of single rows by row number (header = 1), e.g. {"12": "update"}.',
    )
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        help_text="The fields an update writes (null: the row's non-empty cells).",
    )


class EntityImportDuplicateRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    keys = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="[header, cell] of the columns that make the row a duplicate.",
    )
    candidate = EntityImportCandidateSerializer()
    choice = serializers.ChoiceField(choices=CHOICE_VALUES)
    outcome = serializers.CharField(help_text="created, updated, unchanged or error.")


class EntityImportDuplicatesFoundSerializer(serializers.Serializer):
    # A job not checked yet has found none: zeros, not missing keys.
    count = serializers.IntegerField(default=0, help_text="Duplicate rows in the whole file.")
    choices = serializers.DictField(
        child=serializers.IntegerField(), default=dict, help_text="Duplicate rows per choice."
    )
    rows = EntityImportDuplicateRowSerializer(
        many=True, default=list, help_text="The first duplicate rows."
    )


class EntityImportCommitSerializer(serializers.Serializer):
    duplicates = EntityImportDuplicatesSerializer(
        required=False, help_text="Replaces the job's duplicate policy before importing."
    )


def duplicates_given(request: Any, *, required: bool) -> dict[str, Any] | None:
    """The ``duplicates`` object of the body (or the body itself), unvalidated: the service
    checks it against the importer's fields and the job's rows and names what is wrong."""
    data = request.data
    given = data.get("duplicates") if hasattr(data, "get") and "duplicates" in data else None
    if given is None and required:
        given = data if isinstance(data, dict) else None
    if isinstance(given, str):
        try:
            given = json.loads(given)
        except ValueError as error:
            raise ValidationError(
                {"duplicates": _("The duplicate choices are not valid JSON.")}
            ) from error
    if given is None and required:
        raise ValidationError({"duplicates": _("Give the duplicate choices as a JSON object.")})
    return given
