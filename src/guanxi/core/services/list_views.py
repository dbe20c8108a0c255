"""Writing saved list views: save (create or replace by name), change, share, delete.

Only the owner changes a view; a teammate picks a shared one but cannot alter it. The list
key and the columns must be those of a registered list (``core.lists``), and the query is
stored without its page cursor, so a view opens on its first page.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from guanxi.core import lists
from guanxi.core.models import SavedListView

MAX_QUERY = 2000
MAX_NAME = 80
# Query parameters a view never keeps: the page position and the columns (kept apart).
TRANSIENT_PARAMETERS = frozenset({"cursor", "view", "cols"})


def clean_query(query: str) -> str:
    """``query`` without its transient parameters, re-encoded (refused when too long)."""
    parsed = QueryDict(query.lstrip("?"))
    kept = [
        (key, value)
        for key in parsed
        if key not in TRANSIENT_PARAMETERS
        for value in parsed.getlist(key)
        if value != ""
    ]
    cleaned = urlencode(kept)
    if len(cleaned) > MAX_QUERY or "\x00" in cleaned:
        raise ValidationError({"query": _("The filters are too long to save.")})
    return cleaned


def _checked(*, list_key: str, name: str, columns: Sequence[str] | None) -> tuple[str, list[str]]:
    entry = lists.registered(list_key)
    if entry is None:
        raise ValidationError({"list_key": _("There is no such list.")})
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the view a name.")
    elif len(name) > MAX_NAME or "\x00" in name:
        errors["name"] = _("Use at most %(count)d characters for the name.") % {"count": MAX_NAME}
    chosen = list(columns) if columns is not None else entry.default_columns()
    unknown = [key for key in chosen if key not in entry.column_keys]
    if unknown or len(set(chosen)) != len(chosen):
        errors["columns"] = _("Choose columns of this list, each once.")
    if errors:
        raise ValidationError(errors)
    return name, chosen


def _require_owner(actor: Any, view: SavedListView) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who saved this view may change it."))


@transaction.atomic
def list_view_save(
    *,
    actor: Any,
    list_key: str,
    name: str,
    query: str = "",
    columns: Sequence[str] | None = None,
    shared_with_team: bool = False,
) -> SavedListView:
    """Save the list's current filters, sort and columns under ``name`` (replacing the
    actor's own view of that name)."""
    name, chosen = _checked(list_key=list_key, name=name, columns=columns)
    cleaned = clean_query(query)
    view, _created = SavedListView.objects.select_for_update().get_or_create(
        owner=actor,
        list_key=list_key,
        name=name,
        defaults={"query": cleaned, "columns": chosen, "shared_with_team": shared_with_team},
    )
    if not _created:
        view.query, view.columns, view.shared_with_team = cleaned, chosen, shared_with_team
        view.save(update_fields=["query", "columns", "shared_with_team", "updated_at"])
    return view


@transaction.atomic
def list_view_update(
    *,
    actor: Any,
    view: SavedListView,
    name: str | None = None,
    query: str | None = None,
    columns: Sequence[str] | None = None,
    shared_with_team: bool | None = None,
) -> SavedListView:
    """Change the given parts of the actor's own view."""
    _require_owner(actor, view)
    new_name, chosen = _checked(
        list_key=view.list_key,
        name=view.name if name is None else name,
        columns=view.columns if columns is None else columns,
    )
    if new_name != view.name and (
        SavedListView.objects.filter(owner=actor, list_key=view.list_key, name=new_name)
        .exclude(pk=view.pk)
        .exists()
    ):
        raise ValidationError({"name": _("You already have a view with this name.")})
    view.name, view.columns = new_name, chosen
    if query is not None:
        view.query = clean_query(query)
    if shared_with_team is not None:
        view.shared_with_team = shared_with_team
    view.save()
    return view


def list_view_share(*, actor: Any, view: SavedListView, shared: bool) -> SavedListView:
    """Offer the actor's own view to their team, or take it back."""
    return list_view_update(actor=actor, view=view, shared_with_team=shared)


@transaction.atomic
def list_view_delete(*, actor: Any, view: SavedListView) -> None:
    """Delete the actor's own view (teammates simply no longer see it)."""
    _require_owner(actor, view)
    view.delete()
