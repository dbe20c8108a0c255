"""Writing the sensitive-access log: one entry per sensitive read or export.

Every place that shows or hands out personal data beyond what a reader's role masks calls
:func:`access_log_record`; the cleanup job calls :func:`access_log_purge`. A page that shows
protected fields notes them while it renders (:func:`note_protected_view`, from template tags
and serializers) and ``core.middleware.AccessLogMiddleware`` writes one entry for the whole
request afterwards, so a list of fifty customers is one entry, not fifty.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from guanxi.core.client_address import client_address
from guanxi.core.models import AccessLogEntry

# Where a request keeps what it showed until the middleware records it.
_NOTES_ATTRIBUTE = "_guanxi_protected_views"
# A list page can show thousands of records; the entry names at most this many of them.
MAX_NOTED_RECORDS = 200


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_address(request) or None


def _json_safe(value: Any) -> Any:
    """Filters and other parameters as JSON can store them (dates, decimals, records as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def access_log_record(
    *,
    actor: Any,
    kind: str,
    target: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Log one sensitive access by ``actor`` (``None``: the system).

    ``kind`` is an ``AccessLogEntry.Kind``; ``target`` the record concerned, if one;
    ``details`` the parameters the log page shows (model, row count, filters, file name...).
    """
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    return AccessLogEntry.objects.create(
        user=user,
        kind=AccessLogEntry.Kind(kind),
        target_type=target_type,
        target_id=target.pk if target is not None else None,
        details=_json_safe(dict(details or {})),
        client_address=_address(request),
    )


def note_protected_view(request: Any, record: models.Model, field: str) -> None:
    """Remember that ``request`` showed ``record.field`` (a protected field) unmasked."""
    if request is None:
        return
    # A DRF request wraps Django's: the middleware sees only the latter.
    request = getattr(request, "_request", request)
    notes = getattr(request, _NOTES_ATTRIBUTE, None)
    if notes is None:
        notes = {"fields": set(), "records": set()}
        setattr(request, _NOTES_ATTRIBUTE, notes)
    notes["fields"].add(f"{record._meta.label_lower}.{field}")
    if len(notes["records"]) < MAX_NOTED_RECORDS:
        notes["records"].add((record._meta.label_lower, record.pk, record))


def record_noted_views(request: HttpRequest) -> AccessLogEntry | None:
    """Write the one ``viewed_protected`` entry of a request that showed protected fields."""
    notes = getattr(request, _NOTES_ATTRIBUTE, None)
    if not notes or not notes["fields"]:
        return None
    delattr(request, _NOTES_ATTRIBUTE)
    records = sorted(notes["records"], key=lambda item: (item[0], item[1]))
    target = records[0][2] if len(records) == 1 else None
    return access_log_record(
        actor=getattr(request, "user", None),
        kind=AccessLogEntry.Kind.VIEWED_PROTECTED,
        target=target,
        details={
            "fields": sorted(notes["fields"]),
            "records": [f"{label}:{pk}" for label, pk, _record in records],
            "record_count": len(records),
            "path": request.path,
        },
        request=request,
    )


def access_log_purge(*, now: Any = None) -> int:
    """Delete entries older than ``GUANXI_ACCESS_LOG_DAYS`` days; returns how many."""
    days: int = settings.GUANXI["ACCESS_LOG_DAYS"]
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _by_model = AccessLogEntry.objects.filter(created_at__lt=cutoff).delete()
    return deleted
