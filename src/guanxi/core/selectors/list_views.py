"""Reading saved list views: the reader's own and those their team shares."""

from typing import Any

from django.db.models import Q, QuerySet

from guanxi.core.models import SavedListView


def _visible(actor: Any) -> Q:
    """Own views, and views shared by someone of the reader's team (none without a team)."""
    mine = Q(owner_id=actor.pk)
    team_id = getattr(actor, "team_id", None)
    if team_id is None:
        return mine
    return mine | Q(shared_with_team=True, owner__team_id=team_id)


def list_view_list(*, actor: Any, list_key: str | None = None) -> QuerySet[SavedListView]:
    """The views ``actor`` may pick, of one list or of all; the owner is loaded with them."""
    views = SavedListView.objects.filter(_visible(actor)).select_related("owner")
    if list_key is not None:
        views = views.filter(list_key=list_key)
    return views.order_by("list_key", "name", "id")


def list_view_get(*, actor: Any, pk: Any) -> SavedListView:
    """One view ``actor`` may pick (``DoesNotExist`` otherwise: another team's is absent)."""
    return list_view_list(actor=actor).get(pk=pk)
