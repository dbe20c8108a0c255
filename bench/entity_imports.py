"""The import benchmark of contacts and interactions: a generated file checked and committed.

``python -m bench import --entity interactions --rows 1000000 --customers 100000
--db postgres://postgres@127.0.0.1:5432/guanxi_bench_import_speed`` re-creates that database
(its name must contain "bench"), migrates it, seeds ``--customers`` customers (with their
contacts and activity) for the rows to refer to, writes a CSV of ``--rows`` contacts or
interactions naming them by customer code, then as ``admin``:

1. checks the file (the dry run: every row parsed, looked up, checked and written, then
   rolled back),
2. commits it,
3. checks and commits the same file again (idempotency: every row is unchanged), unless
   ``--once``.

Each step runs in-process exactly as the background job would; it prints its rows/s and the
peak memory of the process while it ran (resident set, above what it held before the step).
"""

import csv
import gc
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.environment import RESULTS_DIR
from bench.imports import _timed

CONTACT_HEADERS = ["客户编号", "姓名", "性别", "职务", "手机", "邮箱", "外部编号", "创建时间"]
INTERACTION_HEADERS = [
    "客户编号",
    "联系人",
    "日期",
    "方式",
    "地点",
    "概要",
    "详细信息",
    "记录人",
    "外部编号",
]
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宁欣怡浩然子轩雨涵"
_TITLES = ["总经理", "采购经理", "财务总监", "技术总监", "销售经理", "行政主管", "项目经理", ""]
_KINDS = ["电话", "拜访", "电子邮件", "会议", "其他"]
_SUMMARIES = [
    "年度回访",
    "报价跟进",
    "合同洽谈",
    "技术交流",
    "上门演示",
    "售后回访",
    "催款",
    "需求调研",
]
_PLACES = ["", "", "客户办公室", "我司会议室", "展会现场", "线上会议"]
_MOBILE_PREFIXES = ["38", "39", "58", "86", "88"]


class PeakMemory:
    """The largest resident set of this process while the block runs, sampled every 0.1 s."""

    def __init__(self) -> None:
        self.before = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    @staticmethod
    def _rss() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> "PeakMemory":
        gc.collect()
        self.before = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def contacts_file(path: Path, *, rows: int, seed: int, codes: list[str]) -> None:
    rng = random.Random(seed)  # noqa: S311  (reproducible sample data)
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CONTACT_HEADERS)
        for index in range(rows):
            created = now - timedelta(days=rng.randint(30, 3000), minutes=rng.randint(0, 1440))
            writer.writerow(
                [
                    rng.choice(codes),
                    _person(rng),
                    rng.choice(["男", "女", ""]),
                    rng.choice(_TITLES),
                    f"1{rng.choice(_MOBILE_PREFIXES)}{50_000_000 + index:08d}"
                    if rng.random() < 0.7
                    else "",
                    f"c{index}@example.cn" if rng.random() < 0.5 else "",
                    f"BC-{seed}-{index:07d}",
                    created.strftime("%Y-%m-%d %H:%M"),
                ]
            )


def interactions_file(
    path: Path, *, rows: int, seed: int, customers: list[tuple[str, str, list[str]]]
) -> None:
    """``customers``: (code, owner's username, names of its contacts named once)."""
    rng = random.Random(seed)  # noqa: S311  (reproducible sample data)
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(INTERACTION_HEADERS)
        for index in range(rows):
            code, owner, contacts = rng.choice(customers)
            when = now - timedelta(days=rng.randint(1, 5 * 365), minutes=rng.randint(0, 1440))
            writer.writerow(
                [
                    code,
                    rng.choice(contacts) if contacts and rng.random() < 0.3 else "",
                    when.strftime("%Y-%m-%d %H:%M"),
                    rng.choice(_KINDS),
                    rng.choice(_PLACES),
                    f"{rng.choice(_SUMMARIES)} {index}",
                    "客户反馈良好，约定下次沟通时间。" if rng.random() < 0.4 else "",
                    owner if rng.random() < 0.8 else "",
                    f"BI-{seed}-{index:07d}",
                ]
            )


def _refer_to(entity: str) -> list:
    """What the generated rows refer to: the seeded customers' codes (and owners, contacts)."""
    from guanxi.customers.models import Contact, Customer

    if entity == "contacts":
        return list(Customer.objects.values_list("code", flat=True))
    names: dict[int, dict[str, int]] = {}
    for customer_id, name in Contact.objects.values_list("customer_id", "name").iterator():
        counts = names.setdefault(customer_id, {})
        counts[name] = counts.get(name, 0) + 1
    return [
        (code, owner or "", [n for n, count in names.get(pk, {}).items() if count == 1])
        for pk, code, owner in Customer.objects.values_list("pk", "code", "owner__username")
    ]


def run_entity_import_bench(args) -> int:
    import os

    from bench.database import create_database

    db_url = os.environ["GUANXI_DATABASE_URL"]
    create_database(db_url, fresh=True)
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from guanxi.accounts.seed.demo import DEMO_PASSWORD, create_demo_organisation
    from guanxi.accounts.seed.organisation import seed
    from guanxi.core.models import ImportJob
    from guanxi.core.services import imports as services_import
    from guanxi.customers.models import Contact, Interaction

    call_command("migrate", interactive=False, verbosity=0)
    users = create_demo_organisation(password=DEMO_PASSWORD)
    started = time.perf_counter()
    print(f"[bench] seeding {args.customers:,} customers ...", flush=True)
    seed(customers=args.customers, seed=args.seed, parallel=True)
    print(f"[bench] seeded in {time.perf_counter() - started:.0f}s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    path = RESULTS_DIR / f"import-{args.entity}-{args.rows}-{args.seed}.csv"
    referred = _refer_to(args.entity)
    if args.entity == "contacts":
        contacts_file(path, rows=args.rows, seed=args.seed, codes=referred)
    else:
        interactions_file(path, rows=args.rows, seed=args.seed, customers=referred)
    del referred
    print(f"[bench] wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)

    services_import.INLINE_MAX_ROWS = 10**9  # the worker's code path, run here in-process
    actor = users["admin"]
    model = Contact if args.entity == "contacts" else Interaction
    before = model.all_objects.count()
    results: dict = {}

    def step(label: str, work) -> ImportJob:
        with PeakMemory() as memory:
            job = _timed(label, work, args.rows, results)
        grown = (memory.peak - memory.before) / 1e6
        results[label]["peak_rss_mb"] = round(memory.peak / 1e6)
        results[label]["rss_growth_mb"] = round(grown)
        print(f"[bench] {label}: peak RSS {memory.peak / 1e6:.0f} MB (+{grown:.0f} MB)")
        return job

    def one_import(label: str) -> None:
        with path.open("rb") as raw:
            job = services_import.import_job_create(
                actor=actor, entity=args.entity, upload=File(raw, path.name)
            )
        job = step(
            f"{label} check (dry run)",
            lambda: services_import.import_job_validate(actor=actor, job=job),
        )
        job = step(
            f"{label} commit", lambda: services_import.import_job_commit(actor=actor, job=job)
        )
        counts = {
            "state": job.state,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.skipped_count,
            "errors": job.error_count,
        }
        results[f"{label} counts"] = counts
        print(f"[bench] {label}: {counts}", flush=True)

    one_import("first import")
    if not args.once:
        one_import("same file again")
    created = model.all_objects.count() - before
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.json) if args.json else RESULTS_DIR / f"import-{args.entity}-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "at": stamp,
                "entity": args.entity,
                "database": connection.vendor,
                "rows": args.rows,
                "customers": args.customers,
                "file_mb": round(path.stat().st_size / 1e6, 1),
                "created": created,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"[bench] {created:,} {args.entity} created in all; results written to {out}")
    return 0
