"""REST endpoint for the admin-editable dictionaries 数据字典 (levels, regions, units...)."""

from rest_framework import serializers

from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.core.models import DictionaryEntry
from guanxi.core.selectors.pages import dictionary_entries
from guanxi.core.services.records import dictionary_entry_create, dictionary_entry_update


class DictionaryEntrySerializer(VersionedModelSerializer):
    # DRF's metaclass takes declared fields out of the class, so this never shadows
    # ``Field.label``; the stubs do not model that.
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text="The name in the user's language."
    )

    class Meta:
        model = DictionaryEntry
        fields = [
            "id",
            "kind",
            "code",
            "name_zh",
            "name_en",
            "label",
            "sort_order",
            "is_active",
            "version",
        ]


class DictionaryEntryUpdateSerializer(DictionaryEntrySerializer):
    class Meta(DictionaryEntrySerializer.Meta):
        read_only_fields = ["kind"]


class DictionaryEntryViewSet(ScopedViewSet):
    """Dictionary entries; filter with ``?kind=region``. Administrators add and edit them;
    an entry is retired with ``is_active: false`` (records using it keep it), never deleted."""

    model = DictionaryEntry
    filterset_fields = ["kind", "is_active"]
    read_permission = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"sort_order": "sort_order", "code": "code", "kind": "kind"}

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return DictionaryEntryUpdateSerializer
        return DictionaryEntrySerializer

    def select(self, actor):
        return dictionary_entries()

    def create_record(self, data):
        return dictionary_entry_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return dictionary_entry_update(
            actor=self.request.user, entry=instance, expected_version=expected_version, **data
        )
