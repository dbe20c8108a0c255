"""SLA measurement 服务水平 of one request: how long the first response and the resolution
took (or have taken so far) against what was promised, and whether the request is overdue.

The promise is fixed at creation (``response_due_at`` / ``resolution_due_at``); the first
response is the first handling and the resolution is the archiving (see services). Pure
functions over a loaded row: no query, so lists measure every row for free.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.service.models import ServiceRequest


@dataclass(frozen=True)
class Measure:
    """One SLA measure, taken at ``end``: the moment it was done, or now while it runs.

    ``met`` is True/False once done, ``None`` while running; ``breached`` is True as soon as
    the promise is broken (done late, or still running past the due time).
    """

    start: datetime
    end: datetime
    due_at: datetime | None
    done_at: datetime | None

    @property
    def target(self) -> timedelta | None:
        return self.due_at - self.start if self.due_at is not None else None

    @property
    def elapsed(self) -> timedelta:
        return max(self.end - self.start, timedelta(0))

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def met(self) -> bool | None:
        if self.done_at is None or self.due_at is None:
            return None
        return self.done_at <= self.due_at

    @property
    def breached(self) -> bool:
        return self.due_at is not None and self.end > self.due_at

    @property
    def state(self) -> str:
        """ "met", "missed", "running" or "overdue" (the badge shown)."""
        if self.done:
            return "missed" if self.breached else "met"
        return "overdue" if self.breached else "running"


@dataclass(frozen=True)
class SlaStatus:
    """Both measures of a request and whether it is overdue now."""

    first_response: Measure
    resolution: Measure
    overdue: bool


def _measure(start, due_at, done_at, now) -> Measure:
    return Measure(start=start, end=done_at or now, due_at=due_at, done_at=done_at)


def measure(service_request: ServiceRequest, *, now: datetime | None = None) -> SlaStatus:
    """The SLA of ``service_request`` at ``now``.

    Overdue = open and past the first-response due time without a response, or past the
    resolution due time (the same rule as ``selectors.requests.overdue_q``).
    """
    now = now or timezone.now()
    start = service_request.created_at
    first = _measure(start, service_request.response_due_at, service_request.first_response_at, now)
    resolved_at = service_request.archived_at if service_request.is_archived else None
    resolution = _measure(start, service_request.resolution_due_at, resolved_at, now)
    is_open = service_request.status in ServiceRequest.OPEN_STATUSES
    overdue = is_open and (
        (not first.done and first.breached)
        or (resolution.due_at is not None and resolution.breached)
    )
    return SlaStatus(first_response=first, resolution=resolution, overdue=overdue)


def duration_text(duration: timedelta | None) -> str:
    """A duration as users read it: "2 d 4 h", "3 h 5 min", "45 min"."""
    if duration is None:
        return "—"
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
