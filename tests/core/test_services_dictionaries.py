"""Dictionary services: only administrators write, codes stay unique per kind, stale edits fail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from guanxi.core.exceptions import ConflictError
from guanxi.core.models import DictionaryEntry
from guanxi.core.services.records import (
    dictionary_entry_create,
    dictionary_entry_deactivate,
    dictionary_entry_update,
    record_soft_delete,
)


def _create(actor, **overrides) -> DictionaryEntry:
    values = {"kind": "unit", "code": "crate", "name_zh": "板条箱", "name_en": "Crate"}
    return dictionary_entry_create(actor=actor, **{**values, **overrides})


def test_admin_creates_an_entry_with_audit(org):
    entry = _create(org["admin"], code=" crate ", sort_order=7)
    assert (entry.kind, entry.code, entry.sort_order, entry.is_active) == ("unit", "crate", 7, True)
    assert entry.created_by == org["admin"]
    assert entry.history.get().history_user == org["admin"]


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_only_administrators_write_dictionaries(org, username):
    with pytest.raises(PermissionDenied):
        _create(org[username])
    entry = DictionaryEntry.objects.get(kind="region", code="east")
    with pytest.raises(PermissionDenied):
        dictionary_entry_update(actor=org[username], entry=entry, expected_version=1, name_zh="改")
    with pytest.raises(PermissionDenied):
        dictionary_entry_deactivate(actor=org[username], entry=entry)
    entry.refresh_from_db()
    assert (entry.name_zh, entry.is_active) == ("华东", True)


def test_code_is_unique_per_kind_as_a_field_error(org):
    with pytest.raises(ValidationError) as refused:
        _create(org["admin"], kind="region", code="east")
    assert "code" in refused.value.message_dict
    assert DictionaryEntry.objects.filter(kind="region", code="east").count() == 1


def test_the_same_code_may_live_in_another_kind(org):
    entry = _create(org["admin"], kind="unit", code="east")
    assert entry.pk is not None


def test_a_code_in_the_recycle_bin_may_be_reused(org):
    old = DictionaryEntry.objects.get(kind="region", code="overseas")
    record_soft_delete(instance=old, actor=org["admin"])
    new = _create(org["admin"], kind="region", code="overseas", name_zh="海外", name_en="Abroad")
    assert new.pk != old.pk


def test_update_changes_values_and_bumps_the_version(org):
    entry = _create(org["admin"])
    dictionary_entry_update(
        actor=org["admin"], entry=entry, expected_version=1, name_en="Crates", sort_order=3
    )
    entry.refresh_from_db()
    assert (entry.name_en, entry.sort_order, entry.version) == ("Crates", 3, 2)


def test_update_to_a_taken_code_is_a_field_error(org):
    entry = _create(org["admin"])
    with pytest.raises(ValidationError) as refused:
        dictionary_entry_update(actor=org["admin"], entry=entry, expected_version=1, code="piece")
    assert "code" in refused.value.message_dict
    entry.refresh_from_db()
    assert (entry.code, entry.version) == ("crate", 1)


def test_stale_update_is_refused_and_nothing_overwritten(org):
    entry = _create(org["admin"])
    first = DictionaryEntry.objects.get(pk=entry.pk)
    second = DictionaryEntry.objects.get(pk=entry.pk)
    dictionary_entry_update(actor=org["admin"], entry=first, expected_version=1, name_zh="第一")
    with pytest.raises(ConflictError):
        dictionary_entry_update(
            actor=org["admin"], entry=second, expected_version=1, name_zh="第二"
        )
    entry.refresh_from_db()
    assert (entry.name_zh, entry.version) == ("第一", 2)


def test_kind_and_unknown_fields_cannot_be_changed(org):
    entry = _create(org["admin"])
    with pytest.raises(ValidationError, match="kind"):
        dictionary_entry_update(actor=org["admin"], entry=entry, expected_version=1, kind="region")
    entry.refresh_from_db()
    assert entry.kind == "unit"


def test_invalid_values_name_the_field(org):
    with pytest.raises(ValidationError) as refused:
        _create(org["admin"], name_zh="")
    assert "name_zh" in refused.value.message_dict
    assert not DictionaryEntry.objects.filter(kind="unit", code="crate").exists()


def test_deactivate_keeps_the_entry_but_retires_it(org):
    entry = _create(org["admin"])
    with translation.override("en"):  # the reason is stored in the writer's language
        dictionary_entry_deactivate(actor=org["admin"], entry=entry, expected_version=1)
    entry.refresh_from_db()
    assert not entry.is_active
    assert entry.history.first().history_change_reason == "Deactivated"
