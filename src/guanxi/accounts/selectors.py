"""Reads about users and teams."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from guanxi.accounts.models import LoginEvent, Team, User
from guanxi.accounts.roles import role_label
from guanxi.core.scoping import sees_everything, visible_user_ids


def user_roles(user) -> list[str]:
    """Role labels of a user, in the user's language."""
    return [role_label(name) for name in user.groups.values_list("name", flat=True)]


def user_role_names(user) -> list[str]:
    return list(user.groups.values_list("name", flat=True))


def user_list(*, actor) -> QuerySet[User]:
    """Users the actor may see: everyone for account administrators and executives, else the visible set."""
    users = User.objects.select_related("team").prefetch_related("groups")
    if actor.has_perm("accounts.manage_accounts") or sees_everything(actor):
        return users
    return users.filter(pk__in=visible_user_ids(actor))


def assignable_owners(*, actor) -> QuerySet[User]:
    """Account managers a new record may be given to by ``actor``.

    Administrators give it to anyone; supervisors within their subtree; an assistant to the
    managers they support; an account manager only to themselves.
    """
    active = User.objects.filter(is_active=True)
    if actor.has_perm("accounts.manage_accounts") or actor.is_superuser:
        return active
    if sees_everything(actor):  # executives are read-only
        return active.none()
    return active.filter(pk__in=visible_user_ids(actor))


def team_list() -> QuerySet[Team]:
    return Team.objects.select_related("parent").order_by("path")


def role_list() -> QuerySet[Group]:
    return Group.objects.prefetch_related("permissions").order_by("name")


def login_history(*, user, limit: int = 50) -> QuerySet[LoginEvent]:
    return LoginEvent.objects.filter(user=user)[:limit]
