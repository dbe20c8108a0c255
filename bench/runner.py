"""Run the chosen scenarios against the prepared database and the real server; report."""

import gc
import json
import os
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.database import Seeding, prepare, refresh_rollups
from bench.environment import BENCH_DIR, RESULTS_DIR, server_environment
from bench.scenarios import Context, Scenario, select
from bench.server import running_server


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p50, p95) of a small sample."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def session_cookie(username: str) -> str:
    """Sign ``username`` in without the login form: a real session row, as after a login."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(Context().user(username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def measure_http(scenario: Scenario, base: str, repeat: int) -> dict:
    path = scenario.fn(Context())
    headers = {
        "Cookie": session_cookie(scenario.user),
        # The production server trusts this header from its proxy; we are that proxy here.
        "X-Forwarded-Proto": "https",
        "Accept-Language": "zh-hans",
    }
    timings, queries, sql_ms, statuses = [], [], [], set()
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for run in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            statuses.add(response.status_code)
            if run:  # the first request warms caches and connections
                timings.append(elapsed)
                queries.append(int(response.headers.get("X-Query-Count", "-1")))
                sql_ms.append(float(response.headers.get("X-Query-Ms", "0")))
    return {
        "target": path,
        "timings": timings,
        "queries": max(queries),
        "status": statuses,
        "sql_ms": statistics.median(sql_ms),
    }


def measure_python(scenario: Scenario, repeat: int, *, cold: bool = False) -> dict:
    """In-process runs; ``cold``: no warm-up run (a nightly job runs once, cold)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = Context().user(scenario.user)
    timings, queries, sql_ms = [], [], []
    for run in range(int(cold), repeat + 1):
        # A full garbage collection of what earlier scenarios left behind (tens of ms in this
        # long-lived process) would otherwise land in whichever run happens to trigger it.
        gc.collect()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            scenario.fn(Context(), user)
            elapsed = (time.perf_counter() - started) * 1000
        if run:
            timings.append(elapsed)
            queries.append(len(captured.captured_queries))
            sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return {
        "target": scenario.about,
        "timings": timings,
        "queries": max(queries),
        "status": {"ok"},
        "sql_ms": statistics.median(sql_ms),
    }


def summarise(scenario: Scenario, raw: dict) -> dict:
    timings = raw["timings"]
    return {
        "name": scenario.name,
        "kind": scenario.kind,
        "user": scenario.user,
        "target": raw["target"],
        "runs": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
        "queries": raw["queries"],
        "sql_ms": round(raw["sql_ms"], 1),
        "status": ",".join(str(s) for s in sorted(raw["status"], key=str)),
    }


def print_table(results: list[dict], seeding: Seeding, vendor: str) -> None:
    how = "reused" if seeding.reused else "seeded now"
    print(
        f"\nDatabase: {vendor}, {seeding.customers:,} customers ({how}); seeding wrote "
        f"{seeding.rows:,} rows in {seeding.seconds:.1f}s = {seeding.rows_per_second:,.0f} rows/s"
    )
    header = (
        f"{'scenario':<40} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'SQL ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        print(
            f"{row['name']:<40} {row['status']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['queries']:>7} {row['sql_ms']:>7.1f}"
        )


def print_ratios(results: list[dict]) -> None:
    """For each ``<name>.orm`` scenario with a ``<name>.sql`` twin: p95 ORM ÷ p95 SQL."""
    by_name = {row["name"]: row for row in results}
    pairs = [
        (name[: -len(".orm")], row, by_name.get(name[: -len(".orm")] + ".sql"))
        for name, row in by_name.items()
        if name.endswith(".orm")
    ]
    pairs = [(name, orm, sql) for name, orm, sql in pairs if sql]
    if not pairs:
        return
    title = "computed by the app vs hand-written SQL"
    print(f"\n{title:<40} {'app p95':>8} {'SQL p95':>8} {'ratio':>6}")
    for name, orm, sql in pairs:
        ratio = orm["p95_ms"] / sql["p95_ms"] if sql["p95_ms"] else float("inf")
        print(f"{name:<40} {orm['p95_ms']:>8.1f} {sql['p95_ms']:>8.1f} {ratio:>6.2f}")


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def run(args) -> int:
    db_url = os.environ["GUANXI_DATABASE_URL"]
    seeding = prepare(
        db_url=db_url,
        customers=args.customers,
        seed=args.seed,
        fresh=args.fresh,
        log=lambda message: print(f"[bench] {message}", flush=True),
    )
    rollups = refresh_rollups(log=lambda message: print(f"[bench] {message}", flush=True))
    from django.db import connection

    scenarios = select(args.scenarios)
    results = []
    env = {**os.environ, **server_environment(db_url)}
    needs_server = any(s.kind == "http" for s in scenarios)
    print(f"[bench] {len(scenarios)} scenarios x {args.repeat} runs", flush=True)
    with running_server(workers=args.workers, env=env) if needs_server else _nothing() as base:
        for scenario in scenarios:
            if scenario.kind == "http":
                raw = measure_http(scenario, base, args.repeat)
            else:
                raw = measure_python(scenario, args.repeat, cold=args.cold)
            results.append(summarise(scenario, raw))
            print(f"[bench] {scenario.name}: p50 {results[-1]['p50_ms']} ms", flush=True)
    print_table(results, seeding, connection.vendor)
    print_ratios(results)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.json) if args.json else RESULTS_DIR / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "at": stamp,
                "commit": _git_commit(),
                "database": connection.vendor,
                "customers": args.customers,
                "repeat": args.repeat,
                "workers": args.workers,
                "seeding": seeding.__dict__,
                "rollups": rollups,
                "scenarios": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nResults written to {out}")
    return 0


class _nothing:
    def __enter__(self):
        return ""

    def __exit__(self, *exc):
        return False
