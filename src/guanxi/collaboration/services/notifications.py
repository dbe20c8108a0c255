"""Every write on notifications and comments."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.collaboration import notification_kinds
from guanxi.collaboration.models import Comment, Notification, NotificationPreference
from guanxi.collaboration.rules import ADD_COMMENT, can_delete_comment
from guanxi.collaboration.selectors.notifications import notification_channel
from guanxi.core.rules import require
from guanxi.core.scoping import can_see
from guanxi.core.services.records import record_create, record_soft_delete

MAX_COMMENT_LENGTH = 4000

logger = logging.getLogger(__name__)

Channel = NotificationPreference.Channel


def notification_send(
    *, recipient: User | None, kind: str, params: Mapping[str, Any] | None = None, url: str = ""
) -> Notification | None:
    """Tell ``recipient`` something of ``kind``, the way they chose for that kind.

    Stored as ``kind`` + ``params`` (JSON), worded when read in the reader's language. The
    recipient's preference decides the channel: in the app (the default), by e-mail (sent in
    their language once the transaction commits; in the app instead when they have no
    address), or not at all. Inactive or missing recipients get nothing; so does an e-mail
    (``None``: no row is stored).
    """
    if recipient is None or not recipient.is_active:
        return None
    if notification_kinds.kind_get(kind) is None:
        raise ValueError(f"Unknown notification kind {kind!r}: register it first.")
    params = dict(params or {})
    channel = notification_channel(user=recipient, kind=kind)
    if channel == Channel.OFF:
        return None
    if channel == Channel.EMAIL and recipient.email:
        user_id = recipient.pk

        def enqueue() -> None:
            # Imported here: the tasks module imports this one.
            from guanxi.collaboration.tasks import notification_email_task

            notification_email_task.enqueue(user_id=user_id, kind=kind, params=params, url=url)

        transaction.on_commit(enqueue)
        return None
    return Notification.objects.create(recipient=recipient, kind=kind, params=params, url=url)


def notifications_send_many(
    *, kind: str, messages: Sequence[tuple[User | None, Mapping[str, Any], str]]
) -> int:
    """:func:`notification_send` for many ``(recipient, params, url)`` of one kind at once: the
    recipients' preferences in one query and the in-app rows in one insert (a daily job
    telling hundreds of owners). Returns how many were stored or mailed."""
    if notification_kinds.kind_get(kind) is None:
        raise ValueError(f"Unknown notification kind {kind!r}: register it first.")
    active = [(user, params, url) for user, params, url in messages if user and user.is_active]
    chosen = dict(
        NotificationPreference.objects.filter(
            kind=kind, user_id__in={user.pk for user, _p, _u in active}
        ).values_list("user_id", "channel")
    )
    rows: list[Notification] = []
    mails: list[tuple[int, dict[str, Any], str]] = []
    for user, params, url in active:
        channel = chosen.get(user.pk, Channel.IN_APP)
        if channel == Channel.OFF:
            continue
        if channel == Channel.EMAIL and user.email:
            mails.append((user.pk, dict(params), url))
            continue
        rows.append(Notification(recipient=user, kind=kind, params=dict(params), url=url))
    Notification.objects.bulk_create(rows)
    if mails:

        def enqueue() -> None:
            from guanxi.collaboration.tasks import notification_email_task

            for user_id, params, url in mails:
                notification_email_task.enqueue(user_id=user_id, kind=kind, params=params, url=url)

        transaction.on_commit(enqueue)
    return len(rows) + len(mails)


def notification_email_send(
    *, recipient: User, kind: str, params: Mapping[str, Any], url: str
) -> bool:
    """Mail one notification to ``recipient`` in their language; ``False`` if it failed.

    A relative ``url`` becomes absolute with ``GUANXI_SITE_URL``. A mail server that is down
    costs this one message (logged), never the work that sent it.
    """
    if not recipient.email:
        return False
    language = getattr(recipient, "language", None) or translation.get_language()
    with translation.override(language):
        title, body = notification_kinds.render(kind, params)
        link = settings.GUANXI.get("SITE_URL", "") + url if url.startswith("/") else url
        text = "\n\n".join(part for part in (body, link) if part)
    try:
        send_mail(
            subject=title,
            message=text,
            from_email=None,
            recipient_list=[recipient.email],
        )
    except (OSError, SMTPException):
        logger.exception("Notification e-mail to user %s failed", recipient.pk)
        return False
    return True


@transaction.atomic
def notification_preference_set(*, actor: User, kind: str, channel: str) -> NotificationPreference:
    """Choose how the actor receives ``kind`` (only their own; anyone signed in may)."""
    found = notification_kinds.kind_get(kind)
    if found is None or not found.configurable:
        raise ValidationError({"kind": _("Choose a kind of notification from the list.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose in the app, by e-mail or off.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, kind=kind, defaults={"channel": channel}
    )
    return preference


@transaction.atomic
def notification_preferences_set(*, actor: User, channels: Mapping[str, str]) -> int:
    """Save several choices at once (the preferences page): all or none; returns how many."""
    for kind, channel in channels.items():
        notification_preference_set(actor=actor, kind=kind, channel=channel)
    return len(channels)


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
        notification_send(
            recipient=owner,
            kind=notification_kinds.COMMENT,
            params={"author": str(actor), "record": str(target), "text": body[:500]},
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
