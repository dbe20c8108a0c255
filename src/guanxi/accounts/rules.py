"""Who may administer users, teams and roles: the accounts app's rights and rules, written once.

The scope and administration rights (see everything, see the own team, manage accounts,
manage the recycle bin) are defined by the user model; their names live in
:mod:`guanxi.core.rules` because scoping reads them too, and are re-exported here. Services
refuse with ``guanxi.core.rules.require(actor, <verdict or permission>, message)``.
"""

from typing import Any

from guanxi.core.rules import (
    MANAGE_ACCOUNTS,
    MANAGE_RECYCLE_BIN,
    VIEW_ALL_RECORDS,
    VIEW_TEAM_RECORDS,
    is_superuser,
    manages_accounts,
    predicate,
    sees_everything,
)

__all__ = [
    "MANAGE_ACCOUNTS",
    "MANAGE_RECYCLE_BIN",
    "VIEW_ALL_RECORDS",
    "VIEW_TEAM_RECORDS",
    "VIEW_USER",
    "VIEW_TEAM",
    "VIEW_LOGINEVENT",
    "manages_users",
    "manages_teams",
    "manages_roles",
    "sees_all_users",
    "gives_records_to_anyone",
    "may_revoke_token",
]

# -- the model rights of the app --------------------------------------------------------------
VIEW_USER = "accounts.view_user"
VIEW_TEAM = "accounts.view_team"
VIEW_LOGINEVENT = "accounts.view_loginevent"


# -- predicates -------------------------------------------------------------------------------

# Users, teams and roles are administered by the holders of the one administration right.
manages_users = manages_accounts
manages_teams = manages_accounts
manages_roles = manages_accounts

# Administrators list every user; executives and others who see everything see them all too.
sees_all_users = manages_accounts | sees_everything

# New records may go to any active user when an administrator or a superuser hands them out.
gives_records_to_anyone = manages_accounts | is_superuser


@predicate
def may_revoke_token(user: Any, token: Any) -> bool:
    """A token's owner revokes it; administrators revoke anyone's (a leaked or departed key)."""
    return bool(user.is_active and (token.user_id == user.pk or manages_accounts(user)))
