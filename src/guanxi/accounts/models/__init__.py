"""The accounts app's models; Django loads an app's models from this package."""

from guanxi.accounts.models.security import RoleSecurity
from guanxi.accounts.models.tokens import ApiToken
from guanxi.accounts.models.users import (
    LoginEvent,
    RoleDefaultGrant,
    Team,
    User,
)

__all__ = [
    "ApiToken",
    "Team",
    "User",
    "RoleDefaultGrant",
    "LoginEvent",
    "RoleSecurity",
]
