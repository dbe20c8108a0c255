"""Reads of notifications (always the reader's own) and comments (through their target's scope)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from guanxi.accounts.models import User
from guanxi.collaboration.models import Comment, Notification
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
