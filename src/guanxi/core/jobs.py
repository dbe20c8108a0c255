"""The registry of periodic jobs that ``guanxi scheduler`` enqueues (weekly, daily, hourly, or
every few minutes).

A periodic job names a django-tasks task and when it is due::

    @periodic(name="core.purge_expired_sessions", every="daily", at="03:00")
    @task()
    def purge_expired_sessions() -> int: ...

Apps declare theirs in their ``tasks`` module; :func:`registered_jobs` imports those modules,
so adding a job never means editing this file. Times are local (``TIME_ZONE``). A job
``every=MINUTES, at=5`` runs every five minutes, at :00, :05, :10... (``at`` divides 60). A
``WEEKLY`` job runs on Sundays at ``at`` (HH:MM): the models retrained once a week.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

WEEKLY = "weekly"
DAILY = "daily"
HOURLY = "hourly"
MINUTES = "minutes"
SUNDAY = 6  # datetime.weekday()

_REGISTRY: dict[str, "PeriodicJob"] = {}

_TaskT = TypeVar("_TaskT", bound=Task[Any, Any])


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued once per week (Sunday) or day at ``at`` (HH:MM), once per hour at minute
    ``at``, or (``MINUTES``) every ``at.minute`` minutes."""

    name: str
    task: Task[Any, Any]
    every: str
    at: time

    def last_slot(self, now: datetime) -> datetime:
        """The latest moment at or before ``now`` when this job was meant to run."""
        local = timezone.localtime(now)
        if self.every in (DAILY, WEEKLY):
            slot = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
            step = timedelta(days=1)
            if self.every == WEEKLY:
                slot -= timedelta(days=(local.weekday() - SUNDAY) % 7)
                step = timedelta(days=7)
        elif self.every == MINUTES:
            every = self.at.minute
            return local.replace(minute=local.minute // every * every, second=0, microsecond=0)
        else:
            slot = local.replace(minute=self.at.minute, second=0, microsecond=0)
            step = timedelta(hours=1)
        return slot if slot <= local else slot - step

    def is_due(self, *, last_run_at: datetime | None, now: datetime) -> bool:
        """Due once per slot; a job never run before is due at once, missed slots run once."""
        return last_run_at is None or last_run_at < self.last_slot(now)


def _parse_at(every: str, at: str | int | None) -> time:
    if every not in (WEEKLY, DAILY, HOURLY, MINUTES):
        raise ValueError(
            f"every must be {WEEKLY!r}, {DAILY!r}, {HOURLY!r} or {MINUTES!r}, not {every!r}"
        )
    if every == MINUTES:
        minutes = int(str(at or 0))
        if not (0 < minutes < 60 and 60 % minutes == 0):
            raise ValueError(f"every {MINUTES!r} needs a divisor of 60 as at, not {at!r}")
        return time(0, minutes)
    if at is None:
        return time(0, 0)
    if every == HOURLY:
        minute = int(str(at).lstrip(":"))
        if not 0 <= minute < 60:
            raise ValueError(f"an hourly job's minute must be 0..59, not {at!r}")
        return time(0, minute)
    hours, _sep, minutes_text = str(at).partition(":")
    return time(int(hours), int(minutes_text or 0))


def register(
    *, name: str, task: Task[Any, Any], every: str, at: str | int | None = None
) -> PeriodicJob:
    """Register ``task`` (a django-tasks task) to run ``every`` day or hour, at ``at``, or
    every ``at`` minutes."""
    job = PeriodicJob(name=name, task=task, every=every, at=_parse_at(every, at))
    existing = _REGISTRY.get(name)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ValueError(f"periodic job {name!r} is already registered for another task")
    _REGISTRY[name] = job
    return job


def periodic(*, name: str, every: str, at: str | int | None = None) -> Callable[[_TaskT], _TaskT]:
    """Decorator form of :func:`register`; put it above ``@task()``."""

    def decorate(task: _TaskT) -> _TaskT:
        register(name=name, task=task, every=every, at=at)
        return task

    return decorate


def registered_jobs() -> list[PeriodicJob]:
    """Every periodic job of every installed app, by name."""
    autodiscover_modules("tasks")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def job_get(name: str) -> PeriodicJob:
    autodiscover_modules("tasks")
    return _REGISTRY[name]
