"""Who a user is, for every app's permission rules (django-rules predicates).

The scope rights are defined by the accounts app's user model; their names are written here once
because scoping (``core.scoping``) reads them too. Apps compose these predicates in their own
``rules.py``; each name has one meaning.
"""

from collections.abc import Callable
from typing import Any, Protocol, cast

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

# Rights of the accounts app that decide scope and administration.
VIEW_ALL_RECORDS = "accounts.view_all_records"
VIEW_TEAM_RECORDS = "accounts.view_team_records"
MANAGE_ACCOUNTS = "accounts.manage_accounts"
MANAGE_RECYCLE_BIN = "accounts.manage_recycle_bin"

# Rights of core's own records: the shared dictionaries 数据字典.
VIEW_DICTIONARY_ENTRY = "core.view_dictionaryentry"
ADD_DICTIONARY_ENTRY = "core.add_dictionaryentry"
CHANGE_DICTIONARY_ENTRY = "core.change_dictionaryentry"
# Searching the sensitive-access log: administrators only (they hold every right; no other
# built-in role is granted it, and it is no ``view_*`` right that executives would get).
SEARCH_ACCESS_LOG = "core.search_access_log"
# Editing the company profile (letterhead, bank details, seal): administrators only.
CHANGE_COMPANY_PROFILE = "core.change_companyprofile"
# Editing which sales region 大区 each province belongs to: administrators.
CHANGE_PROVINCE_REGION = "core.change_provinceregion"


class Predicate(Protocol):
    """A django-rules predicate as typed code sees it: called with a user (and optionally a
    record) it answers yes or no; ``&``, ``|`` and ``~`` compose predicates."""

    def __call__(self, *args: Any) -> bool: ...

    def __and__(self, other: Any) -> "Predicate": ...

    def __or__(self, other: Any) -> "Predicate": ...

    def __invert__(self) -> "Predicate": ...


def predicate(test: Callable[..., bool]) -> Predicate:
    """``@rules.predicate`` with a type (django-rules itself carries no annotations)."""
    return cast(Predicate, rules.predicate(test))  # type: ignore[no-untyped-call]


def add_perm(name: str, test: Predicate) -> None:
    """``rules.add_perm`` with a type: ``user.has_perm(name, record)`` asks ``test``."""
    rules.add_perm(name, test)  # type: ignore[no-untyped-call]


@predicate
def is_active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


@predicate
def is_superuser(user: Any) -> bool:
    return bool(user.is_active and user.is_superuser)


@predicate
def sees_everything(user: Any) -> bool:
    """Executives and administrators: every record, whoever owns it."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(VIEW_ALL_RECORDS)))


@predicate
def leads_team(user: Any) -> bool:
    """Holds the team-scope right (sales supervisors): sees the own team subtree's records."""
    return bool(user.is_active and user.has_perm(VIEW_TEAM_RECORDS))


@predicate
def leads_own_team(user: Any) -> bool:
    """A supervisor who belongs to a team (the team right means nothing without one)."""
    return bool(user.is_active and user.team_id and user.has_perm(VIEW_TEAM_RECORDS))


@predicate
def supervises(user: Any) -> bool:
    """Superusers and team supervisors: they assign work and may edit what their team owns."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(VIEW_TEAM_RECORDS)))


@predicate
def manages_accounts(user: Any) -> bool:
    """Administrators: users, teams, roles and other settings."""
    return bool(user.is_active and user.has_perm(MANAGE_ACCOUNTS))


@predicate
def is_sales_assistant(user: Any) -> bool:
    """Supports account managers and owns nothing (a supervisor who also supports is not one)."""
    return bool(user.supports.exists() and not user.has_perm(VIEW_TEAM_RECORDS))


def require(user: Any, allowed: bool | str, message: str | None = None) -> None:
    """Refuse with ``PermissionDenied`` unless ``allowed``: a rule's verdict, or a permission
    name the user must hold. Services call this before any write."""
    if isinstance(allowed, str):
        allowed = user.has_perm(allowed)
    if not allowed:
        raise PermissionDenied(message or _("You do not have the right to do this."))
