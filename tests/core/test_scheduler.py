"""Periodic jobs: when they are due, and that the scheduler enqueues each slot exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from guanxi.core.jobs import DAILY, HOURLY, WEEKLY, PeriodicJob, _parse_at, job_get, registered_jobs
from guanxi.core.models import ScheduledRun
from guanxi.core.scheduler import due_jobs, run_due

SHANGHAI = ZoneInfo("Asia/Shanghai")
PURGE = "core.purge_expired_sessions"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def daily_at_3() -> PeriodicJob:
    return PeriodicJob(name="x", task=None, every=DAILY, at=_parse_at(DAILY, "03:00"))


def test_a_daily_job_is_due_once_per_day_after_its_time():
    job = daily_at_3()
    assert job.last_slot(at(10, 2, 59)) == at(9, 3)
    assert job.last_slot(at(10, 3, 0)) == at(10, 3)
    assert job.is_due(last_run_at=None, now=at(10, 1))  # never run: catch up at once
    assert not job.is_due(last_run_at=at(10, 3, 0), now=at(10, 23, 59))
    assert job.is_due(last_run_at=at(10, 3, 0), now=at(11, 3, 0))
    # Several missed days run once, not once per missed day.
    assert job.is_due(last_run_at=at(1, 3), now=at(10, 12))
    assert not job.is_due(last_run_at=at(10, 12), now=at(10, 13))


def test_a_weekly_job_is_due_on_sundays_after_its_time():
    job = PeriodicJob(name="x", task=None, every=WEEKLY, at=_parse_at(WEEKLY, "04:00"))
    # 2026-03-08 and 03-15 are Sundays.
    assert job.last_slot(at(11, 12)) == at(8, 4)
    assert job.last_slot(at(15, 3, 59)) == at(8, 4)
    assert job.last_slot(at(15, 4)) == at(15, 4)
    assert not job.is_due(last_run_at=at(8, 4), now=at(14, 23))
    assert job.is_due(last_run_at=at(8, 4), now=at(15, 4, 1))


def test_an_hourly_job_is_due_at_its_minute():
    job = PeriodicJob(name="x", task=None, every=HOURLY, at=_parse_at(HOURLY, ":15"))
    assert job.last_slot(at(10, 8, 14)) == at(10, 7, 15)
    assert job.last_slot(at(10, 8, 15)) == at(10, 8, 15)
    assert not job.is_due(last_run_at=at(10, 8, 16), now=at(10, 9, 14))
    assert job.is_due(last_run_at=at(10, 8, 16), now=at(10, 9, 15))


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError, match="every"):
        _parse_at("monthly", None)
    with pytest.raises(ValueError, match="minute"):
        _parse_at(HOURLY, "75")


def test_the_foundation_registers_real_housekeeping_jobs():
    names = {job.name for job in registered_jobs()}
    assert {PURGE, "core.prune_task_results", "accounts.prune_login_history"} <= names
    assert job_get(PURGE).task.module_path == "guanxi.core.tasks.purge_expired_sessions"


@pytest.mark.django_db
def test_run_due_enqueues_each_job_once_per_slot(django_capture_on_commit_callbacks):
    now = at(10, 12)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_due(now=now)
    assert PURGE in first
    assert DBTaskResult.objects.filter(task_path__endswith="purge_expired_sessions").count() == 1
    assert ScheduledRun.objects.get(name=PURGE).last_run_at == now

    # A daily job is not due again within its day (frequent jobs, such as the mailbox poll and
    # the service overdue scan, are).
    with django_capture_on_commit_callbacks(execute=True):
        assert PURGE not in run_due(now=now + timedelta(hours=1))
    assert PURGE not in [job.name for job in due_jobs(now=at(11, 2))]
    assert PURGE in [job.name for job in due_jobs(now=at(11, 3))]

    with django_capture_on_commit_callbacks(execute=True):
        assert PURGE in run_due(now=at(11, 3, 1))
    assert DBTaskResult.objects.filter(task_path__endswith="purge_expired_sessions").count() == 2


@pytest.mark.django_db
def test_a_slot_another_scheduler_already_took_is_skipped(django_capture_on_commit_callbacks):
    now = at(10, 12)
    for job in registered_jobs():
        ScheduledRun.objects.create(name=job.name, last_run_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due(now=now) == []
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_scheduler_once_runs_a_due_job_once_and_not_twice(capsys):
    call_command("scheduler", once=True)
    assert f"enqueued {PURGE}" in capsys.readouterr().out
    call_command("scheduler", once=True)
    # Five-minute jobs may be due again if a slot boundary passed; the daily one is not.
    assert PURGE not in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path__endswith="purge_expired_sessions").count() == 1

    call_command("worker", batch=True, verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_job_once():
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        # The in-memory shared-cache test database locks whole tables across threads instead of
        # waiting (busy_timeout), unlike the WAL file a real installation uses.
        pytest.skip("needs a database that lets two connections wait for each other")
    now = at(10, 12)
    barrier = threading.Barrier(2)
    enqueued: list[list[str]] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            enqueued.append(run_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    names = [name for batch in enqueued for name in batch]
    assert len(enqueued) == 2
    assert sorted(names) == sorted(job.name for job in registered_jobs())  # each exactly once
    assert DBTaskResult.objects.count() == len(registered_jobs())
