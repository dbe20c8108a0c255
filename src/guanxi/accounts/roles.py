"""The five built-in roles as editable permission sets (Django groups).

A role's *scope* follows from its permissions: ``accounts.view_all_records`` sees everything,
``accounts.view_team_records`` sees the own team subtree, everyone else sees their own records
and those of the account managers they support. Executives see everything but hold only
``view_*`` permissions, which makes them read-only.
"""

from fnmatch import fnmatch

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import RoleDefaultGrant
from guanxi.accounts.rules import VIEW_ALL_RECORDS, VIEW_TEAM, VIEW_TEAM_RECORDS, VIEW_USER
from guanxi.collaboration.rules import ADD_COMMENT, VIEW_COMMENT
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

GUANXI_APPS = (
    "core",
    "accounts",
    "customers",
    "sales",
    "service",
    "marketing",
    "collaboration",
    "analytics",
)
_SALES_WORK = [
    "customers.view_*",
    "customers.add_*",
    "customers.change_*",
    "customers.delete_*",
    "sales.view_*",
    "sales.add_*",
    "sales.change_*",
    "sales.delete_*",
    VIEW_DICTIONARY_ENTRY,
    VIEW_USER,
    VIEW_TEAM,
    # Comments on customers (the 360 page); deleting others' comments stays with administrators.
    VIEW_COMMENT,
    ADD_COMMENT,
]

# "app_label.codename" patterns granted to each built-in role when it first sees a permission.
ROLE_DEFAULTS: dict[str, list[str]] = {
    ADMINISTRATOR: ["*"],
    EXECUTIVE: [f"{app}.view_*" for app in GUANXI_APPS if app != "accounts"]
    + [VIEW_USER, VIEW_TEAM, VIEW_ALL_RECORDS],
    SUPERVISOR: [*_SALES_WORK, VIEW_TEAM_RECORDS],
    ACCOUNT_MANAGER: list(_SALES_WORK),
    SALES_ASSISTANT: [
        "customers.view_*",
        "customers.add_*",
        "customers.change_*",
        "sales.view_*",
        "sales.add_*",
        "sales.change_*",
        VIEW_COMMENT,
        ADD_COMMENT,
        VIEW_DICTIONARY_ENTRY,
        VIEW_USER,
    ],
}


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
    for name, patterns in ROLE_DEFAULTS.items():
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


# Products and orders: supervisors maintain the catalogue (products, categories,
# warehouses, stock) and may take an order from a customer on credit hold; account managers
# and assistants sell from the catalogue and cannot override a hold.
ROLE_DEFAULTS[SUPERVISOR] += ["sales.manage_catalogue", "sales.override_credit_hold"]

# Service: account managers and supervisors create requests, record handling and
# feedback and delete new ones filed by mistake; supervisors assign them; sales assistants and
# executives read them.
_SERVICE_WORK = [
    "service.view_*",
    "service.add_servicerequest",
    "service.change_servicerequest",
    "service.delete_servicerequest",
]
ROLE_DEFAULTS[ACCOUNT_MANAGER] += _SERVICE_WORK
ROLE_DEFAULTS[SUPERVISOR] += [*_SERVICE_WORK, "service.assign_servicerequest"]
ROLE_DEFAULTS[SALES_ASSISTANT] += ["service.view_*"]

# Statistics and reports 统计报表: executives (through analytics.view_*), supervisors
# and account managers see the reports, each within their own scope; assistants do not.
ROLE_DEFAULTS[SUPERVISOR] += ["analytics.view_reports"]
ROLE_DEFAULTS[ACCOUNT_MANAGER] += ["analytics.view_reports"]
