"""The one scoping mechanism: which records a user may see (everything for executives and
administrators, the own team subtree for supervisors, the supported managers' records for
assistants, otherwise one's own).

Every selector and API viewset passes its queryset through :func:`scope_queryset`. A record
outside the scope is simply absent, so pages and the API answer 404 for it.
"""

from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from guanxi.core.rules import VIEW_TEAM_RECORDS, sees_everything

_Row = TypeVar("_Row")
_M = TypeVar("_M", bound=Model)


def visible_user_ids(user: Any) -> frozenset[int]:
    """Ids of the users whose records ``user`` sees (not used when the user sees everything).

    Own id; the account managers a sales assistant supports; for a supervisor every member of
    the team subtree. Cached on the user object for the request.
    """
    cached = getattr(user, "_guanxi_visible_ids", None)
    if cached is not None:
        return cached
    User = get_user_model()  # noqa: N806
    ids = {user.pk}
    ids.update(user.supports.values_list("pk", flat=True))
    if user.team_id and user.has_perm(VIEW_TEAM_RECORDS):
        team_path = user.team.path
        ids.update(
            User.objects.filter(team__path__startswith=team_path).values_list("pk", flat=True)
        )
    visible = frozenset(ids)
    user._guanxi_visible_ids = visible
    return visible


def scope_q(user: Any, model: type[Model]) -> Q | None:
    """The filter for ``model`` rows that ``user`` sees; ``None`` means no restriction."""
    if sees_everything(user):
        return None
    fields = getattr(model, "scope_fields", ())
    if not fields or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    ids = visible_user_ids(user)
    return reduce(or_, (Q(**{f"{field}__in": ids}) for field in fields))


def scope_queryset(queryset: "QuerySet[_M, _Row]", user: Any) -> "QuerySet[_M, _Row]":
    condition = scope_q(user, queryset.model)
    return queryset if condition is None else queryset.filter(condition)


def can_see(user: Any, instance: Model) -> bool:
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    return scope_queryset(rows, user).exists()
