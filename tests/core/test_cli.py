"""The ``guanxi`` command, run as a real process the way an operator runs it."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from django.utils import translation

from guanxi import cli
from guanxi.cli import build_parser

COMMANDS = ["demo", "serve", "worker", "scheduler", "seed", "backup", "restore", "manage"]


def guanxi(*args: str, data_dir, timeout: int = 180) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "GUANXI_DATABASE_URL"}
    }
    env["GUANXI_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "guanxi.cli", *args]
    return subprocess.run(  # noqa: S603  (our own CLI with fixed arguments)
        command, env=env, text=True, capture_output=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, migrated_sqlite_copy):
    """A migrated data directory, migrated once and copied per test (migrating takes a while).

    On SQLite the test database as it stood after its migrations is that template.
    """
    template = tmp_path_factory.mktemp("migrated")
    if migrated_sqlite_copy is not None:
        shutil.copy(migrated_sqlite_copy, template / "guanxi.sqlite3")
    else:
        result = guanxi("manage", "migrate", "-v0", data_dir=template)
        assert result.returncode == 0, result.stderr

    def copy(target):
        target.mkdir(parents=True, exist_ok=True)
        for path in template.glob("guanxi.sqlite3*"):
            shutil.copy(path, target / path.name)
        return target

    return copy


def test_help_lists_every_command(tmp_path):
    result = guanxi("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_arguments_parse_with_the_documented_defaults():
    args = build_parser().parse_args(["demo"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    args = build_parser().parse_args(["serve", "--host", "192.0.2.1", "--port", "9000"])
    assert (args.host, args.port) == ("192.0.2.1", 9000)
    assert build_parser().parse_args(["scheduler", "--once"]).once
    args = build_parser().parse_args(["manage", "migrate", "--plan"])
    assert args.rest == ["migrate", "--plan"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["seed"])  # --customers is required


def test_manage_passes_through_to_django(tmp_path):
    result = guanxi("manage", "check", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def seeded_digest(data_dir) -> str:
    with sqlite3.connect(data_dir / "guanxi.sqlite3") as db:
        rows = db.execute(
            "SELECT c.name, c.phone, c.email, u.username FROM customers_customer c "
            "LEFT JOIN accounts_user u ON u.id = c.owner_id ORDER BY c.code"
        ).fetchall()
    assert len(rows) == 50
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_seed_is_deterministic_across_databases(tmp_path, migrated):
    digests = []
    for run in ("a", "b"):
        data_dir = migrated(tmp_path / run)
        result = guanxi("seed", "--customers", "50", "--seed", "1", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert "customers=50" in result.stdout
        digests.append(seeded_digest(data_dir))
    assert digests[0] == digests[1]


def test_scheduler_once_and_worker_batch_run_the_housekeeping_jobs(tmp_path, migrated):
    migrated(tmp_path)
    first = guanxi("scheduler", "--once", data_dir=tmp_path)
    assert "enqueued core.purge_expired_sessions" in first.stdout, first.stderr
    # Run again at once: the daily housekeeping is not enqueued twice (jobs every few minutes,
    # such as the mailbox poll, may be due again if a slot boundary passed in between).
    second = guanxi("scheduler", "--once", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "core.purge_expired_sessions" not in second.stdout
    worker = guanxi("worker", "--batch", data_dir=tmp_path)
    assert worker.returncode == 0, worker.stderr
    with sqlite3.connect(tmp_path / "guanxi.sqlite3") as db:
        table = "django_tasks_database_dbtaskresult"
        statuses = {row[0] for row in db.execute(f"SELECT status FROM {table}")}  # noqa: S608
    assert statuses == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_query_count_header_for_the_benchmark(rf, org):
    from django.http import HttpResponse

    from guanxi.accounts.models import User
    from guanxi.core.querycount import QueryCountMiddleware

    def view(request):
        User.objects.count()
        list(User.objects.filter(username="manager1"))
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(rf.get("/"))
    assert response["X-Query-Count"] == "2"
    assert float(response["X-Query-Ms"]) >= 0


def finished_rq_jobs(url: str) -> dict[str, str]:
    """Job id → task path of the jobs RQ finished on the default queue at ``url``."""
    from redis import Redis
    from rq import Queue
    from rq.job import Job

    connection = Redis.from_url(url)
    registry = Queue("default", connection=connection).finished_job_registry
    ids = registry.get_job_ids()
    return {job.id: job.func_name for job in Job.fetch_many(ids, connection=connection) if job}


@pytest.mark.redis
def test_with_a_redis_url_jobs_go_through_rq(tmp_path, migrated, monkeypatch):
    redis = pytest.importorskip("redis")
    # Its own Redis database: the in-process RQ test in tests/core/test_jobs_workers.py may run
    # at the same time on another xdist worker, and the two workers must not take each other's
    # jobs.
    base = os.environ.get("GUANXI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    url = base.rsplit("/", 1)[0] + "/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if "GUANXI_TEST_REDIS_URL" in os.environ:
            raise
        pytest.skip(f"Redis is not reachable at {url}")
    migrated(tmp_path)
    before = finished_rq_jobs(url)
    monkeypatch.setenv("GUANXI_REDIS_URL", url)

    scheduled = guanxi("scheduler", "--once", data_dir=tmp_path)
    worker = guanxi("worker", "--batch", data_dir=tmp_path)

    assert "enqueued core.purge_expired_sessions" in scheduled.stdout, scheduled.stderr
    assert worker.returncode == 0, worker.stdout + worker.stderr
    # Another test run may share this Redis and its worker may take a job first; what counts
    # is that RQ, not the database queue, ran the job.
    new = {k: v for k, v in finished_rq_jobs(url).items() if k not in before}
    assert "guanxi.core.tasks.purge_expired_sessions" in new.values()
    with sqlite3.connect(tmp_path / "guanxi.sqlite3") as db:
        table = "django_tasks_database_dbtaskresult"
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)  # noqa: S608


def test_scheduler_lists_its_periodic_jobs(tmp_path):
    result = guanxi("scheduler", "--list", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "core.purge_expired_sessions\tdaily\t03:00" in result.stdout
    assert "accounts.prune_login_history" in result.stdout


def test_serve_refuses_the_development_secret_key(settings, monkeypatch):
    settings.SECRET_KEY = settings.INSECURE_SECRET_KEY
    started = []
    monkeypatch.setattr(cli.os, "execv", lambda *args: started.append(args))
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kwargs: started.append(args)
    )

    with translation.override("en"), pytest.raises(SystemExit) as refused:
        cli.main(["serve"])

    assert "GUANXI_SECRET_KEY" in str(refused.value.code)
    assert "development secret key" in str(refused.value.code)
    assert started == []  # neither migrations nor gunicorn


def test_serve_starts_gunicorn_with_a_secret_key_of_its_own(settings, monkeypatch):
    settings.SECRET_KEY = "a-production-key-" + "x" * 40
    started = []
    monkeypatch.setattr(cli.os, "execv", lambda path, command: started.append(command))
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)

    cli.main(["serve", "--port", "9001"])

    assert started[0][2:4] == ["gunicorn", "guanxi.wsgi"]
    assert "127.0.0.1:9001" in started[0]


def test_serve_without_a_secret_key_says_which_variable_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("GUANXI_SECRET_KEY", raising=False)
    monkeypatch.setenv("GUANXI_LANGUAGE", "en")
    result = guanxi("serve", "--port", "1", data_dir=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "Set GUANXI_SECRET_KEY" in result.stderr


def test_backup_and_restore_from_the_command_line(tmp_path, migrated, monkeypatch):
    monkeypatch.setenv("GUANXI_LANGUAGE", "en")
    source = migrated(tmp_path / "source")
    (source / "documents" / "2026").mkdir(parents=True)
    (source / "documents" / "2026" / "1-1-abc").write_bytes(b"%PDF-1.7 scan")

    made = guanxi("backup", "--to", str(tmp_path / "archives"), data_dir=source)
    assert made.returncode == 0, made.stderr
    archive = made.stdout.splitlines()[0]
    assert "document files: 1," in made.stdout
    fresh = tmp_path / "fresh"  # a new machine: no database, no documents yet
    restored = guanxi("manage", "restore", archive, data_dir=fresh)

    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    assert (fresh / "documents" / "2026" / "1-1-abc").read_bytes() == b"%PDF-1.7 scan"
    query = "SELECT COUNT(*) FROM django_migrations"
    with (
        sqlite3.connect(source / "guanxi.sqlite3") as a,
        sqlite3.connect(fresh / "guanxi.sqlite3") as b,
    ):
        assert a.execute(query).fetchone() == b.execute(query).fetchone()
