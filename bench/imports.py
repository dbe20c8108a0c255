"""The import benchmark: a generated customer file checked (dry run) and committed, timed.

It drives the import framework (``core.services.imports`` with the ``customers`` importer),
the path the pages, the API and the background jobs take.
``python -m bench import --rows 100000 --db postgres://postgres@127.0.0.1:5432/guanxi_bench_import``
re-creates that database (its name must contain "bench"), migrates it, adds the demo and bench
users, optionally seeds ``--existing`` customers to check duplicates against, writes a CSV of
``--rows`` new customers with Chinese headers, then as ``admin``:

1. checks the file (the dry run: every row parsed, validated and looked up for duplicates),
2. commits it (every row checked again, then written in bulk batches with events),
3. imports the same file again (idempotency: every row names its customer by external id and
   is unchanged, nothing is written).

Each step runs in-process exactly as the background job would and prints its rows/s.
"""

import csv
import json
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.environment import RESULTS_DIR

HEADERS = [
    "客户名称",
    "客户类型",
    "客户等级",
    "地区",
    "行业",
    "客户来源",
    "客户经理",
    "电话",
    "邮箱",
    "地址",
    "邮编",
    "税号",
    "标签",
    "注册资金",
    "满意度",
    "信用度",
    "外部编号",
    "备注",
]
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Mobile prefixes (after the 1) that are valid numbers: imports check phones (core.phones).
_MOBILE_PREFIXES = ["38", "39", "58", "86", "88"]
TAGS = ["重点", "华东", "展会", "老客户", "VIP"]


def generate_file(path: Path, *, rows: int, seed: int, owners: list[str], entries: dict) -> None:
    """Write ``rows`` distinct customers (no two share a name, phone, e-mail or tax id)."""
    from guanxi.core.seeding import words
    from guanxi.customers.dedup import name_key
    from guanxi.customers.identifiers import uscc_with_check

    rng = random.Random(seed)  # noqa: S311  (reproducible sample data)
    names: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for position in range(rows):
            index = (seed - 1) * rows + position  # distinct across seeds too
            while True:
                brand = rng.choice(words.BRAND) + rng.choice(words.BRAND)
                name = f"{rng.choice(words.CITY)}{brand}{rng.choice(words.TRADE)}"
                if name_key(name) not in names:
                    break
                name += f"{rng.choice(words.CITY)}分公司"
                if name_key(name) not in names:
                    break
            names.add(name_key(name))
            writer.writerow(
                [
                    name + rng.choice(words.FORM),
                    "单位",
                    rng.choice(entries["customer_level"]),
                    rng.choice(entries["region"]),
                    rng.choice(entries["industry"]),
                    rng.choice(entries["source"]),
                    rng.choice(owners) if rng.random() > 0.05 else "",
                    f"1{rng.choice(_MOBILE_PREFIXES)}{index:08d}",
                    f"info{index}@{rng.choice(words.MAIL_DOMAINS)}",
                    f"{rng.choice(words.CITY)}市{rng.randint(1, 999)}号",
                    f"{rng.randrange(100000, 999999)}",
                    uscc_with_check(
                        f"91{index:08d}" + "".join(rng.choice(_CODE_CHARS) for _ in range(7))
                    ),
                    ",".join(
                        rng.sample(["重点", "华东", "展会", "老客户", "VIP"], rng.randint(0, 2))
                    ),
                    f"{rng.choice([50, 100, 500, 1000])}0000",
                    str(rng.randint(1, 5)),
                    str(rng.randint(1, 5)),
                    f"BENCH-{index:09d}",
                    rng.choice(["", "", "老客户介绍", "展会名片，待跟进"]),
                ]
            )


class BackendCpu:
    """CPU seconds used by this database's PostgreSQL backends while a step runs.

    Only where the server runs on this host (it reads /proc): every half second the backends
    of the database are listed and their CPU time read, so backends that come and go (the
    writer thread's) are counted up to their last sample. Gives a load-independent cost.
    """

    def __init__(self):
        import threading

        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    @staticmethod
    def _cpu(pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self, cursor) -> None:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        for (pid,) in cursor.fetchall():
            if (cpu := self._cpu(pid)) is not None:
                self.start.setdefault(pid, cpu)
                self.seen[pid] = cpu

    def _watch(self) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while True:
                    self._sample(cursor)
                    if self._stop.wait(0.5):
                        self._sample(cursor)
                        return
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen[pid] - self.start[pid] for pid in self.seen)


def _timed(label: str, fn, rows: int, results: dict) -> object:
    """Wall time, and CPU time of this process (all threads) and of the database backends.

    On a shared host the wall time depends on the load; the CPU times much less.
    """
    from django.db import connection

    started, cpu = time.perf_counter(), time.process_time()
    if connection.vendor == "postgresql" and Path("/proc").exists():
        with BackendCpu() as backends:
            value = fn()
        database_cpu = round(backends.seconds, 1)
    else:
        value, database_cpu = fn(), None
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    load = round(os.getloadavg()[0], 1)
    results[label] = {
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "python_cpu_seconds": round(cpu, 2),
        "database_cpu_seconds": database_cpu,
        "load_average": load,
    }
    print(
        f"[bench] {label}: {rows:,} rows in {seconds:.1f}s = {rows / seconds:,.0f} rows/s "
        f"(CPU: Python {cpu:.1f}s, database {database_cpu}s; load average {load})",
        flush=True,
    )
    return value


def run_import_bench(args) -> int:
    from bench.database import create_database

    db_url = os.environ["GUANXI_DATABASE_URL"]
    create_database(db_url, fresh=True)
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from guanxi.accounts.seed.demo import DEMO_PASSWORD, create_demo_organisation
    from guanxi.accounts.seed.organisation import bench_organisation_ensure, seed
    from guanxi.core.models import DictionaryEntry, ImportJob
    from guanxi.core.services import imports as services_import
    from guanxi.customers.models import Customer

    call_command("migrate", interactive=False, verbosity=0)
    users = create_demo_organisation(password=DEMO_PASSWORD)
    owners = [user.username for user in bench_organisation_ensure()]
    if args.existing:
        print(f"[bench] seeding {args.existing:,} existing customers ...", flush=True)
        seed(customers=args.existing, seed=args.seed, parallel=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    entries: dict[str, list[str]] = {}
    for kind, name in DictionaryEntry.objects.filter(is_active=True).values_list("kind", "name_zh"):
        entries.setdefault(kind, []).append(name)
    path = RESULTS_DIR / f"import-{args.rows}-{args.seed}.csv"
    generate_file(path, rows=args.rows, seed=args.seed, owners=owners, entries=entries)
    print(f"[bench] wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)

    # The worker's code path, run here in-process so only the import itself is timed.
    services_import.INLINE_MAX_ROWS = 10**9
    actor = users["admin"]
    results: dict = {}
    before = Customer.all_objects.count()

    def one_import(label: str) -> ImportJob:
        with path.open("rb") as raw:
            job = services_import.import_job_create(
                actor=actor, entity="customers", upload=File(raw, path.name)
            )
        job = _timed(
            f"{label} check (dry run)",
            lambda: services_import.import_job_validate(actor=actor, job=job),
            args.rows,
            results,
        )
        job = _timed(
            f"{label} commit",
            lambda: services_import.import_job_commit(actor=actor, job=job),
            args.rows,
            results,
        )
        print(
            f"[bench] {label}: {job.state}, created {job.created_count:,}, updated "
            f"{job.updated_count:,}, unchanged {job.skipped_count:,}, errors {job.error_count:,}",
            flush=True,
        )
        results[f"{label} counts"] = {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.skipped_count,
            "errors": job.error_count,
        }
        return job

    one_import("first import")
    one_import("same file again")
    created = Customer.all_objects.count() - before
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.json) if args.json else RESULTS_DIR / f"import-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "at": stamp,
                "database": connection.vendor,
                "rows": args.rows,
                "existing": args.existing,
                "created": created,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"[bench] {created:,} customers created in all; results written to {out}")
    return 0
