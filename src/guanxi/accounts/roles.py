"""The five built-in roles as editable permission sets (Django groups).

A role's *scope* follows from its permissions: ``accounts.view_all_records`` sees everything,
``accounts.view_team_records`` sees the own team subtree, everyone else sees their own records
and those of the account managers they support. Executives see everything but hold only
``view_*`` permissions (and the export rights), which makes them read-only — but for the
evaluation of the CRM itself (TCO plans, ROI assessments and KPI baselines), which they edit
(``evaluation.rules``)."""

from collections.abc import Iterable, Mapping
from fnmatch import fnmatch

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import RoleDefaultGrant
from guanxi.accounts.rules import VIEW_ALL_RECORDS, VIEW_TEAM, VIEW_TEAM_RECORDS, VIEW_USER
from guanxi.core.rules import VIEW_DICTIONARY_ENTRY

ADMINISTRATOR = "administrator"
EXECUTIVE = "executive"
SUPERVISOR = "supervisor"
ACCOUNT_MANAGER = "account_manager"
SALES_ASSISTANT = "sales_assistant"

ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    EXECUTIVE: _("Executive"),
    SUPERVISOR: _("Sales supervisor"),
    ACCOUNT_MANAGER: _("Account manager"),
    SALES_ASSISTANT: _("Sales assistant"),
}

# "app_label.codename" patterns granted to each built-in role when it first sees a permission.
# Administrators hold every right; every app adds its own defaults for the other roles from its
# ``AppConfig.ready()`` with :func:`grant_by_default`, so no app names another app's rights.
_role_defaults: dict[str, list[str]] = {
    ADMINISTRATOR: ["*"],
    EXECUTIVE: [],
    SUPERVISOR: [],
    ACCOUNT_MANAGER: [],
    SALES_ASSISTANT: [],
}


def grant_by_default(grants: Mapping[str, Iterable[str]]) -> None:
    """Add ``{role name: permission patterns}`` to the built-in roles' defaults (idempotent)."""
    for role, patterns in grants.items():
        granted = _role_defaults[role]
        granted.extend(pattern for pattern in patterns if pattern not in granted)


def role_defaults() -> dict[str, list[str]]:
    """The default permission patterns of every built-in role, as the apps registered them."""
    return {role: list(patterns) for role, patterns in _role_defaults.items()}


def guanxi_app_labels() -> list[str]:
    """The labels of Guanxi's own apps (whose rights a role page lists)."""
    return [config.label for config in apps.get_app_configs() if config.name.startswith("guanxi.")]


# The accounts app's own rights and the core's shared dictionaries (core names no role).
grant_by_default(
    {
        EXECUTIVE: ["core.view_*", VIEW_USER, VIEW_TEAM, VIEW_ALL_RECORDS],
        SUPERVISOR: [VIEW_DICTIONARY_ENTRY, VIEW_USER, VIEW_TEAM, VIEW_TEAM_RECORDS],
        ACCOUNT_MANAGER: [VIEW_DICTIONARY_ENTRY, VIEW_USER, VIEW_TEAM],
        SALES_ASSISTANT: [VIEW_DICTIONARY_ENTRY, VIEW_USER],
    }
)


def role_label(group_name: str) -> str:
    return str(ROLE_LABELS.get(group_name, group_name))


def _matches(permission: Permission, patterns: list[str]) -> bool:
    key = f"{permission.content_type.app_label}.{permission.codename}"
    if "historical" in permission.codename and patterns != ["*"]:
        # Audit history is written by the system only; roles may at most read it.
        return permission.codename.startswith("view_") and any(fnmatch(key, p) for p in patterns)
    return any(fnmatch(key, pattern) for pattern in patterns)


def sync_builtin_roles(using: str = "default") -> None:
    """Create missing built-in roles and grant defaults they have never been granted.

    A default an administrator removed is recorded in RoleDefaultGrant and stays removed.
    """
    permissions = list(Permission.objects.using(using).select_related("content_type"))
    for name, patterns in _role_defaults.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        already = set(
            RoleDefaultGrant.objects.using(using)
            .filter(group=group)
            .values_list("permission_id", flat=True)
        )
        new = [p for p in permissions if p.id not in already and _matches(p, patterns)]
        if not new:
            continue
        group.permissions.add(*new)
        RoleDefaultGrant.objects.using(using).bulk_create(
            [RoleDefaultGrant(group=group, permission=p) for p in new], ignore_conflicts=True
        )
