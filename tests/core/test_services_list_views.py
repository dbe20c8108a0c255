"""Saved list views: save, replace, share with the team, delete; only the owner writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.selectors.list_views import list_view_get, list_view_list
from guanxi.core.services.list_views import (
    list_view_delete,
    list_view_save,
    list_view_share,
    list_view_update,
)

pytestmark = pytest.mark.django_db


def _names(actor, key="customers"):
    return [view.name for view in list_view_list(actor=actor, list_key=key)]


def test_a_saved_view_keeps_filters_sort_and_columns_but_not_the_page(org):
    view = list_view_save(
        actor=org["manager1"],
        list_key="customers",
        name="华东重点",
        query="?status=active&sort=name&cursor=abc&cols=level&view=9",
        columns=["level", "owner"],
    )
    assert view.query == "status=active&sort=name"
    assert view.columns == ["level", "owner"]
    assert not view.shared_with_team


def test_saving_under_the_same_name_replaces_the_view(org):
    first = list_view_save(actor=org["manager1"], list_key="customers", name="A", query="q=1")
    second = list_view_save(actor=org["manager1"], list_key="customers", name="A", query="q=2")
    assert first.pk == second.pk
    assert list_view_get(actor=org["manager1"], pk=first.pk).query == "q=2"


def test_a_personal_view_is_the_owners_alone(org):
    list_view_save(actor=org["manager1"], list_key="customers", name="Mine")
    assert _names(org["manager1"]) == ["Mine"]
    assert _names(org["manager2"]) == []  # same team, not shared


def test_a_shared_view_reaches_the_team_but_not_another_team(org):
    view = list_view_save(actor=org["manager1"], list_key="customers", name="East")
    list_view_share(actor=org["manager1"], view=view, shared=True)
    assert _names(org["manager2"]) == ["East"]  # east
    assert _names(org["supervisor"]) == ["East"]  # east
    assert _names(org["manager3"]) == []  # north
    assert _names(org["exec"]) == []  # no team
    assert _names(org["manager2"], key="orders") == []  # another list
    list_view_share(actor=org["manager1"], view=view, shared=False)
    assert _names(org["manager2"]) == []


def test_only_the_owner_changes_or_deletes_a_shared_view(org):
    view = list_view_save(
        actor=org["manager1"], list_key="customers", name="East", shared_with_team=True
    )
    with pytest.raises(PermissionDenied):
        list_view_update(actor=org["manager2"], view=view, name="Hijacked")
    with pytest.raises(PermissionDenied):
        list_view_delete(actor=org["manager2"], view=view)
    list_view_delete(actor=org["manager1"], view=view)
    assert _names(org["manager1"]) == []


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"list_key": "nope", "name": "x"}, "list_key"),
        ({"list_key": "customers", "name": "  "}, "name"),
        ({"list_key": "customers", "name": "x" * 81}, "name"),
        ({"list_key": "customers", "name": "x", "columns": ["password"]}, "columns"),
        ({"list_key": "customers", "name": "x", "columns": ["level", "level"]}, "columns"),
        ({"list_key": "customers", "name": "x", "query": "q=" + "a" * 2100}, "query"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(org, given, field):
    with pytest.raises(ValidationError) as refused:
        list_view_save(actor=org["manager1"], **given)
    assert field in refused.value.message_dict
    assert _names(org["manager1"]) == []


def test_renaming_onto_another_own_view_is_refused(org):
    list_view_save(actor=org["manager1"], list_key="customers", name="A")
    other = list_view_save(actor=org["manager1"], list_key="customers", name="B")
    with pytest.raises(ValidationError) as refused:
        list_view_update(actor=org["manager1"], view=other, name="A")
    assert "name" in refused.value.message_dict
