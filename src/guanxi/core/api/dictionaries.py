"""REST endpoint for the admin-editable dictionaries 数据字典 (levels, regions, units...)."""

from django.db.models import QuerySet
from rest_framework import serializers

from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.core.models import DictionaryEntry
from guanxi.core.services import record_create, record_soft_delete, record_update


def dictionary_entries() -> QuerySet[DictionaryEntry]:
    """Dictionaries are shared reference data: everyone signed in reads all of them."""
    return DictionaryEntry.objects.all()


class DictionaryEntrySerializer(VersionedModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The name in the user's language.")

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


class DictionaryEntryViewSet(ScopedViewSet):
    """Dictionary entries; filter with ``?kind=region``. Administrators edit them; DELETE
    moves an entry to the recycle bin (records that use it keep it)."""

    model = DictionaryEntry
    serializer_class = DictionaryEntrySerializer
    filterset_fields = ["kind", "is_active"]
    read_permission = None
    ordering_fields = {"sort_order": "sort_order", "code": "code", "kind": "kind"}

    def select(self, actor):
        return dictionary_entries()

    def create_record(self, data):
        return record_create(instance=DictionaryEntry(**data), actor=self.request.user)

    def update_record(self, instance, data, expected_version):
        for name, value in data.items():
            setattr(instance, name, value)
        return record_update(
            instance=instance, actor=self.request.user, expected_version=expected_version
        )

    def delete_record(self, instance, expected_version):
        record_soft_delete(
            instance=instance, actor=self.request.user, expected_version=expected_version
        )
