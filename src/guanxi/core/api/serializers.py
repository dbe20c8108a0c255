"""Serializers shared by every API: the error body and the versioned-record base."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. validation_error.")
    message = serializers.CharField(help_text="Human-readable message in the user's language.")
    # A declared field named like a Serializer attribute: DRF's metaclass takes it out of the
    # class, so it never shadows ``Serializer.fields``; the stubs do not model that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field (dotted for nested fields).",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="On 409: the record's current version."
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    error = ErrorDetailSerializer()


@extend_schema_field({"type": "integer", "minimum": 1})
class VersionField(serializers.IntegerField):
    """The optimistic-lock version: read in every response, optionally sent back on update."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault(
            "help_text",
            "Version of the record. Send the version you read back on PUT/PATCH "
            "(or the If-Match header); a stale one answers 409.",
        )
        super().__init__(**kwargs)


class VersionedModelSerializer(serializers.ModelSerializer):
    version = VersionField()
