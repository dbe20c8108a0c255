"""Reads of notifications (always the reader's own) and comments (through their target's scope)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from guanxi.accounts.models import User
from guanxi.collaboration import notification_kinds
from guanxi.collaboration.models import Comment, Notification, NotificationPreference
from guanxi.core.scoping import can_see


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own notifications, newest first; nobody reads anyone else's."""
    notifications = Notification.objects.filter(recipient_id=actor.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, actor: User | AnonymousUser) -> int:
    """One COUNT over the partial index of unread rows."""
    if not actor.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


def notification_channel(*, user: User, kind: str) -> str:
    """How ``user`` receives ``kind``: their preference, else in the app."""
    channel = (
        NotificationPreference.objects.filter(user_id=user.pk, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return channel or NotificationPreference.Channel.IN_APP


@dataclass(frozen=True)
class PreferenceRow:
    """One line of the preferences page: a kind and how the user receives it."""

    kind: str
    label: str
    channel: str


def notification_preference_list(*, actor: User) -> list[PreferenceRow]:
    """Every kind a user may route, with the actor's choice (in the app when none): one query."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=actor.pk).values_list("kind", "channel")
    )
    return [
        PreferenceRow(
            kind=kind.key,
            label=str(kind.label),
            channel=chosen.get(kind.key, NotificationPreference.Channel.IN_APP),
        )
        for kind in notification_kinds.configurable_kinds()
    ]


def comment_get(*, actor: User, pk: int | str, model: type[Model] | None = None) -> Comment:
    """A live comment whose target ``actor`` can see (``Comment.DoesNotExist`` otherwise).

    ``model`` narrows it to comments on that kind of record (e.g. customers).
    """
    comments = Comment.objects.select_related("content_type", "created_by")
    if model is not None:
        comments = comments.filter(content_type=ContentType.objects.get_for_model(model))
    comment: Comment = comments.get(pk=pk)
    target = comment.target
    if target is None or not can_see(actor, target):
        raise Comment.DoesNotExist
    return comment
