"""Reading the sensitive-access log: administrators search it by user, kind, date and record."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from guanxi.core.models import AccessLogEntry
from guanxi.core.rules import SEARCH_ACCESS_LOG


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_list(
    *,
    actor: Any,
    user_id: int | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    target_type: ContentType | None = None,
    target_id: int | None = None,
) -> QuerySet[AccessLogEntry]:
    """The entries matching every given filter, newest first; ``until`` includes its day.

    Only for holders of ``core.search_access_log`` (administrators): anyone else is refused.
    """
    if not actor.has_perm(SEARCH_ACCESS_LOG):
        raise PermissionDenied
    entries = AccessLogEntry.objects.select_related("user", "target_type")
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    if kind:
        entries = entries.filter(kind=kind)
    if since is not None:
        entries = entries.filter(created_at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(created_at__lt=_start_of(until + timedelta(days=1)))
    if target_type is not None:
        entries = entries.filter(target_type=target_type)
    if target_id is not None:
        entries = entries.filter(target_id=target_id)
    return entries.order_by("-created_at", "-id")
