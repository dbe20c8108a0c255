"""The accounts app's models; Django loads an app's models from this package."""

from guanxi.accounts.models.users import (
    LoginEvent,
    RoleDefaultGrant,
    Team,
    User,
)

__all__ = [
    "Team",
    "User",
    "RoleDefaultGrant",
    "LoginEvent",
]
