"""The collaboration app's models; Django loads an app's models from this package."""

from guanxi.collaboration.models.notifications import (
    Comment,
    Notification,
    NotificationPreference,
)

__all__ = [
    "Notification",
    "NotificationPreference",
    "Comment",
]
