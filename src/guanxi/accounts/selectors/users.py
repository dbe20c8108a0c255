"""Reads about users and teams."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Concat

from guanxi.accounts.models import LoginEvent, Team, User
from guanxi.accounts.roles import (
    ACCOUNT_MANAGER,
    ADMINISTRATOR,
    EXECUTIVE,
    SALES_ASSISTANT,
    SUPERVISOR,
    guanxi_app_labels,
    role_label,
)
from guanxi.accounts.rules import gives_records_to_anyone, sees_all_users
from guanxi.core.rules import sees_everything
from guanxi.core.scoping import visible_user_ids


def user_roles(user: User) -> list[str]:
    """Role labels of a user, in the user's language."""
    return [role_label(name) for name in user.groups.values_list("name", flat=True)]


def user_role_names(user: User) -> list[str]:
    return list(user.groups.values_list("name", flat=True))


def user_list(*, actor: User) -> QuerySet[User]:
    """Users the actor may see: all for administrators and executives, else the visible set."""
    users = User.objects.select_related("team").prefetch_related("groups")
    if sees_all_users(actor):
        return users
    return users.filter(pk__in=visible_user_ids(actor))


def assignable_owners(*, actor: User) -> QuerySet[User]:
    """Account managers a new record may be given to by ``actor``.

    Administrators give it to anyone; supervisors within their subtree; an assistant to the
    managers they support; an account manager only to themselves.
    """
    active = User.objects.filter(is_active=True)
    if gives_records_to_anyone(actor):
        return active
    if sees_everything(actor):  # executives are read-only
        return active.none()
    return active.filter(pk__in=visible_user_ids(actor))


# Roles that own no customers: they see (or administer) everything, or enter for others.
NOT_SALES_REP_ROLES = (ADMINISTRATOR, EXECUTIVE, SALES_ASSISTANT)


def sales_reps(*, actor: User, include_inactive: bool = False) -> QuerySet[User]:
    """销售代表: the people who own customers, as far as ``actor`` sees users' records.

    Account managers, and supervisors only where they own (live) customers themselves; never
    administrators, executives or sales assistants, whatever other role they also hold. The
    owner filters of lists and reports, the employee ranking and the per-rep KPIs all start
    here. ``include_inactive`` keeps people who left (a list filter must still find the
    customers they owned); rankings and KPIs count the active ones.
    """
    # The model is named, not imported: customers sit above accounts. EXISTS probes the owner
    # index per supervisor; an IN over the owners would read every customer.
    customer = apps.get_model("customers", "Customer")
    owns_live = Exists(customer._base_manager.filter(owner=OuterRef("pk"), deleted_at__isnull=True))
    users = (
        User.objects.filter(
            Q(groups__name=ACCOUNT_MANAGER) | (Q(groups__name=SUPERVISOR) & owns_live)
        )
        .exclude(groups__name__in=NOT_SALES_REP_ROLES)
        .distinct()
    )
    if not include_inactive:
        users = users.filter(is_active=True)
    if not sees_everything(actor):
        users = users.filter(pk__in=visible_user_ids(actor))
    return users.order_by("username")


def team_list() -> QuerySet[Team]:
    teams: QuerySet[Team] = Team.objects.select_related("parent").order_by("path")
    return teams


def role_list() -> QuerySet[Group]:
    return Group.objects.prefetch_related("permissions").order_by("name")


def login_history(*, user: User, limit: int = 50) -> QuerySet[LoginEvent]:
    return LoginEvent.objects.filter(user=user)[:limit]


def user_search(
    *,
    actor: User,
    query: str = "",
    team: Team | None = None,
    role: Group | None = None,
    is_active: bool | None = None,
) -> QuerySet[User]:
    """Users for administration: search username/name, filter by team subtree, role, state."""
    users = user_list(actor=actor)
    term = query.strip()
    if term:
        # Chinese full names are family + given name without a space ("张伟").
        users = users.annotate(full_name=Concat("last_name", "first_name")).filter(
            Q(username__icontains=term)
            | Q(full_name__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
    if team is not None:
        users = users.filter(team__path__startswith=team.path)
    if role is not None:
        users = users.filter(groups=role)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users.order_by("username")


def user_get(*, actor: User, pk: int | str) -> User:
    """A user the actor may see, with roles, supports and assistants; ``DoesNotExist`` otherwise."""
    return user_list(actor=actor).prefetch_related("supports", "assistants").get(pk=pk)


def username_taken(*, username: str, exclude_pk: int | None = None) -> bool:
    """Whether another user already has ``username`` (compared as Django does: exactly)."""
    others = User.objects.filter(username=username)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def account_managers() -> QuerySet[User]:
    """Active account managers: whom a sales assistant may support."""
    return User.objects.filter(is_active=True, groups__name=ACCOUNT_MANAGER).order_by("username")


def team_tree() -> QuerySet[Team]:
    """All teams in tree order (parents before children), each with its member count."""
    teams: QuerySet[Team] = team_list().annotate(member_count=Count("members", distinct=True))
    return teams


def team_get(*, pk: int | str) -> Team:
    return team_list().get(pk=pk)


def role_summary() -> QuerySet[Group]:
    """Roles with how many users hold them and how many permissions they grant."""
    return Group.objects.annotate(
        member_count=Count("user", distinct=True),
        permission_count=Count("permissions", distinct=True),
    ).order_by("name")


# Models that are the system's bookkeeping, not records a person works with: their rights
# mean nothing to a role and stay out of the role editor.
_BOOKKEEPING_MODELS = (
    ("accounts", "roledefaultgrant"),
    ("core", "codesequence"),
    ("core", "idempotencykey"),
    ("core", "scheduledrun"),
)


def role_permission_choices() -> QuerySet[Permission]:
    """Permissions a role may be given: Guanxi's own records; the login history only readable.

    The audit history's own models ("historical …") are left out: who may read a record's
    history follows the record, and the system alone writes it.
    """
    bookkeeping = Q()
    for app_label, model in _BOOKKEEPING_MODELS:
        bookkeeping |= Q(content_type__app_label=app_label, content_type__model=model)
    return (
        Permission.objects.select_related("content_type")
        .filter(content_type__app_label__in=guanxi_app_labels())
        .exclude(content_type__model__startswith="historical")
        .exclude(bookkeeping)
        .exclude(
            Q(content_type__model="loginevent", content_type__app_label="accounts")
            & ~Q(codename__startswith="view_")
        )
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def role_choices() -> QuerySet[Group]:
    """Roles to pick from in forms (without their permissions)."""
    return Group.objects.order_by("name")


def role_get(*, pk: int | str) -> Group:
    return Group.objects.prefetch_related("permissions").get(pk=pk)


def current_user(*, user: User) -> User:
    """The signed-in user with team, roles and supported managers loaded (for /api/me/)."""
    return (
        User.objects.select_related("team").prefetch_related("groups", "supports").get(pk=user.pk)
    )
