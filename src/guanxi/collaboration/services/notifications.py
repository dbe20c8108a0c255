"""Every write on notifications and comments."""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.collaboration.models import Comment, Notification
from guanxi.collaboration.rules import ADD_COMMENT, can_delete_comment
from guanxi.core.rules import require
from guanxi.core.scoping import can_see
from guanxi.core.services.records import record_create, record_soft_delete

# A text worded when it is sent: a string, a lazy translation or a callable giving one.
Text = str | Promise | Callable[[], str | Promise]

MAX_COMMENT_LENGTH = 4000


def notification_send(
    *, recipient: User | None, title: Text, body: Text = "", url: str = ""
) -> Notification | None:
    """Leave ``recipient`` a notification, worded in their own language.

    ``title`` and ``body`` may be lazy translations or callables taking no argument; they are
    rendered with the recipient's language active, so a job running in English still notifies
    a Chinese-speaking rep in Chinese. Inactive or missing recipients get nothing (``None``).
    """
    if recipient is None or not recipient.is_active:
        return None
    with translation.override(getattr(recipient, "language", None) or translation.get_language()):
        title_text = str(title() if callable(title) else title)
        body_text = str(body() if callable(body) else body)
    return Notification.objects.create(
        recipient=recipient, title=title_text[:200], body=body_text, url=url
    )


def notifications_mark_read(*, recipient: User, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's unread notifications (all, or those of ``ids``) read."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- comments --------------------------------------------------------------------------------


def comment_can_delete(*, actor: User, comment: Comment) -> bool:
    """The author may delete their own comment; others need the moderation right."""
    return can_delete_comment(actor, comment)


@transaction.atomic
def comment_create(*, actor: User, target: Model, body: str) -> Comment:
    """Leave a comment on ``target`` (e.g. a customer) — one the actor can see.

    The owner of the target (if it has one and it is someone else) is notified.
    """
    require(actor, ADD_COMMENT)
    if not can_see(actor, target):
        # Out of scope reads as missing: the target model's own DoesNotExist (a 404).
        raise type(target).DoesNotExist  # type: ignore[attr-defined]
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before sending the comment.")})
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {
                "body": _("A comment can have at most %(count)d characters.")
                % {"count": MAX_COMMENT_LENGTH}
            }
        )
    comment = Comment(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk, body=body
    )
    record_create(instance=comment, actor=actor)
    owner = getattr(target, "owner", None)
    if owner is not None and owner.pk != actor.pk:
        author, record = str(actor), str(target)
        notification_send(
            recipient=owner,
            title=lambda: (
                _("%(author)s commented on %(record)s") % {"author": author, "record": record}
            ),
            body=body[:500],
            url=target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
        )
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    """Move a comment to the recycle bin (author or moderator only)."""
    require(
        actor,
        comment_can_delete(actor=actor, comment=comment),
        _("Only the author or an administrator can delete this comment."),
    )
    record_soft_delete(instance=comment, actor=actor)
