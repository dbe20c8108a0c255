"""Create, migrate and seed the bench database once per size; later runs reuse it.

A marker file in results/ remembers what was seeded into which database (size, seed, speed).
A database whose content does not match its marker is re-created, but only if its name says
it is a bench database, so pointing ``--db`` at real data can never wipe it.
"""

import json
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from hashlib import sha256
from pathlib import Path

import dj_database_url

from bench.environment import RESULTS_DIR


@dataclass
class Seeding:
    customers: int
    seed: int
    rows: int
    seconds: float
    rows_per_second: float
    reused: bool = False


def _marker_path(db_url: str) -> Path:
    return RESULTS_DIR / f"seeded-{sha256(db_url.encode()).hexdigest()[:12]}.json"


def _read_marker(db_url: str) -> dict | None:
    path = _marker_path(db_url)
    return json.loads(path.read_text()) if path.exists() else None


def _is_bench_database(config: dict) -> bool:
    return "bench" in Path(str(config["NAME"])).name


def create_database(db_url: str, *, fresh: bool) -> None:
    """Make sure the (empty, or earlier seeded) database exists; drop it first if ``fresh``."""
    config = dj_database_url.parse(db_url)
    if fresh and not _is_bench_database(config):
        raise SystemExit(f"Refusing to re-create {config['NAME']!r}: its name lacks 'bench'.")
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(config["NAME"])
        if fresh:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        return
    import psycopg
    from psycopg import sql

    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        name = sql.Identifier(config["NAME"])
        if fresh:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def prepare(*, db_url: str, customers: int, seed: int, fresh: bool, log) -> Seeding:
    """Return how the database was seeded, seeding it now if it is not seeded at this size."""
    marker = _read_marker(db_url)
    wanted = {"customers": customers, "seed": seed}
    reuse = not fresh and marker is not None and {k: marker.get(k) for k in wanted} == wanted
    create_database(db_url, fresh=fresh or (marker is not None and not reuse))

    import django

    django.setup()
    from django.core.management import call_command

    from guanxi.accounts.models import User
    from guanxi.accounts.seed.demo import DEMO_PASSWORD, create_demo_organisation
    from guanxi.customers.models import Customer

    log("migrating ...")
    call_command("migrate", interactive=False, verbosity=0)
    if reuse and Customer.all_objects.count() == customers:
        log(f"reusing the database seeded with {customers:,} customers")
        return Seeding(
            customers=customers,
            seed=seed,
            rows=marker["rows"],
            seconds=marker["seconds"],
            rows_per_second=marker["rows_per_second"],
            reused=True,
        )
    if Customer.all_objects.exists():
        if not _is_bench_database(dj_database_url.parse(db_url)):
            raise SystemExit("The database holds other customers and is not a bench database.")
        log("the database does not match its marker: re-creating it")
        from django.db import connections

        connections.close_all()
        create_database(db_url, fresh=True)
        call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="admin").exists():
        create_demo_organisation(password=DEMO_PASSWORD)
    log(f"seeding {customers:,} customers ...")
    from guanxi.accounts.seed.organisation import seed as seed_data

    started = time.perf_counter()
    report = seed_data(customers=customers, seed=seed, progress=log, parallel=True)
    seeding = Seeding(
        customers=customers,
        seed=seed,
        rows=report.rows,
        seconds=round(time.perf_counter() - started, 2),
        rows_per_second=round(report.rows_per_second),
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics and the visibility map a live system's autovacuum keeps (index-only
            # scans of the revenue indexes depend on the latter); outside any transaction.
            cursor.execute("VACUUM ANALYZE")
    _marker_path(db_url).write_text(json.dumps({**asdict(seeding), "db": _safe(db_url)}))
    return seeding


def _safe(db_url: str) -> str:
    config = dj_database_url.parse(db_url)
    return f"{config['ENGINE'].rsplit('.', 1)[-1]}:{config['NAME']}"


def refresh_rollups(*, log) -> dict:
    """Bring the reports' rollups up to date as their jobs would have (nightly, hourly) and
    return how long each refresh took (seconds; nothing when they were current already)."""
    from django.core.management import call_command
    from django.utils import timezone

    from guanxi.analytics.models import RevenueRanking, RollupRefresh
    from guanxi.analytics.selectors.rollups import DAY_FACTS, ranking_periods

    today = timezone.localdate()
    days_current = RollupRefresh.objects.filter(
        name=DAY_FACTS, covers_through=today - timedelta(days=1)
    ).exists()
    ranked = set(RevenueRanking.objects.values_list("date_from", "date_to"))
    if days_current and ranked >= set(ranking_periods(today)):
        log("the reports' rollups are current")
        return {}
    log("refreshing the reports' rollups ...")
    started = time.perf_counter()
    call_command("report_rollups_refresh", stdout=_LogWriter(log))
    seconds = round(time.perf_counter() - started, 2)
    log(f"rollups refreshed in {seconds} s")
    return {"rollups_refresh_seconds": seconds}


class _LogWriter:
    """A file-like ``stdout`` for a management command that writes through the bench's log."""

    def __init__(self, log):
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log(text.strip())

    def flush(self) -> None:
        pass
