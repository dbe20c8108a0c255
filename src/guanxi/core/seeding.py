"""Deterministic bulk data for demos and benchmarks: ``seed(customers=N, seed=S)``.

Each app registers a seeder (``customers`` in ``customers/seed.py``; later apps add theirs) that
generates its rows from the shared :class:`SeedContext`. The same N and seed always give the same
names, phones and owners. Rows go in with ``bulk_create`` in batches and skip the per-row audit
history on purpose: seeded data has no author, and a million history rows would double the cost.
"""

import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from guanxi.accounts import roles
from guanxi.accounts.models import Team, User
from guanxi.core.models import DictionaryEntry

BATCH_SIZE = 5000


def words_of(text: str) -> list[str]:
    return text.split()


class words:
    """Word lists the generated names are composed from (written for Guanxi, not a corpus)."""

    FAMILY = list(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
        "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
        "黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    ) + ["欧阳", "司马", "上官", "诸葛"]
    GIVEN = list(
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍晨辉鹏宇浩然欣怡子涵"
        "梓轩博文俊思远雨婷嘉琪晓东海波丹凤雪梅立新春林斌宁亮慧颖佳琳瑶晶鑫宏飞龙云"
    )
    CITY = words_of(
        "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 长沙 郑州 青岛 宁波 厦门 "
        "福州 合肥 济南 沈阳 大连 昆明 南宁 无锡 佛山 东莞 石家庄 太原 哈尔滨 长春 南昌 贵阳 "
        "兰州 温州 珠海 烟台 常州 徐州 绍兴"
    )
    BRAND = list(
        "华盛鑫达恒通宏远泰祥瑞德兴隆安康美嘉永丰正元金源海天富利信诚创新力博宇星辰晨光启明卓越"
        "飞腾汇众和中"
    )
    TRADE = words_of(
        "科技 贸易 机械 电子 信息技术 实业 物流 建材 食品 医药 化工 纺织 汽车配件 网络 能源 "
        "环保 文化传媒 教育咨询 餐饮管理 软件"
    )
    FORM = words_of("有限公司 有限公司 有限公司 股份有限公司 集团有限公司 有限责任公司")
    MAIL_DOMAINS = words_of("163.com 126.com qq.com sina.com foxmail.com aliyun.com")


BENCH_TEAMS = 5
BENCH_MANAGERS_PER_TEAM = 10


class BatchWriter:
    """Runs each batch's inserts; on PostgreSQL optionally in a second thread.

    With the thread, Python generates batch k+1 while the database writes and indexes batch k.
    The thread has its own connection, which cannot see the caller's uncommitted rows, so it is
    only used when the caller is not inside a transaction.
    """

    def __init__(self, *, threaded: bool) -> None:
        self.threaded = threaded
        self._error: BaseException | None = None
        if threaded:
            self._jobs: queue.Queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._work, name="seed-writer", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._error is None:
                    try:
                        job()
                    except BaseException as exc:  # handed to the main thread in submit/close
                        self._error = exc
        finally:
            connection.close()

    def submit(self, job: Callable[[], None]) -> None:
        if self._error is not None:
            raise self._error
        if self.threaded:
            self._jobs.put(job)
        else:
            job()

    def close(self) -> None:
        if self.threaded:
            self._jobs.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


@dataclass
class SeedContext:
    """What every seeder shares: the random source, owners, dictionaries, the batch size."""

    rng: random.Random
    owners: list[User]
    dictionaries: dict[str, list[int]]
    now: datetime
    batch_size: int = BATCH_SIZE
    counts: dict[str, int] = field(default_factory=dict)
    writer: BatchWriter = field(default_factory=lambda: BatchWriter(threaded=False))
    end_steps: list[Callable[[], None]] = field(default_factory=list)

    def at_end(self, step: Callable[[], None]) -> None:
        """Run ``step`` once every seeder ran and every row is written (even after a failure).

        For work that later seeders' writes would otherwise pay for again, such as rebuilding
        an index the customers seeder dropped while the orders seeder still updates customers.
        """
        self.end_steps.append(step)

    def batch_transaction(self) -> AbstractContextManager:
        """Wrap reserving ids and submitting one batch (SQLite's MAX(id) needs the write lock)."""
        return nullcontext() if self.writer.threaded else transaction.atomic()

    # -- realistic zh_CN values -------------------------------------------------------------
    def person_name(self) -> str:
        rng = self.rng
        given = rng.choice(words.GIVEN)
        if rng.random() < 0.7:
            given += rng.choice(words.GIVEN)
        return rng.choice(words.FAMILY) + given

    def company_name(self) -> str:
        rng = self.rng
        brand = rng.choice(words.BRAND) + rng.choice(words.BRAND)
        return f"{rng.choice(words.CITY)}{brand}{rng.choice(words.TRADE)}{rng.choice(words.FORM)}"

    def mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def email(self, domain_seed: str) -> str:
        return f"{domain_seed}{self.rng.randrange(10**6)}@{self.rng.choice(words.MAIL_DOMAINS)}"

    def dictionary(self, kind: str) -> int | None:
        ids = self.dictionaries.get(kind)
        return self.rng.choice(ids) if ids else None

    def add(self, name: str, rows: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + rows


Seeder = Callable[[SeedContext, int], None]
_SEEDERS: dict[str, tuple[int, Seeder]] = {}


def register_seeder(name: str, *, order: int = 100):
    """Register ``fn(ctx, customers)``; seeders run by ``order`` (customers first, at 10)."""

    def decorate(fn: Seeder) -> Seeder:
        _SEEDERS[name] = (order, fn)
        return fn

    return decorate


def registered_seeders() -> list[tuple[str, Seeder]]:
    autodiscover_modules("seed")
    return [(name, fn) for name, (_order, fn) in sorted(_SEEDERS.items(), key=lambda i: i[1][0])]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows, so children can point at parents inserted in bulk."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the caller's transaction holds the write lock, so MAX(id) cannot move.
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quoted(column)}), 0) FROM {quoted(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def bulk_insert(model: type[models.Model], rows: list[dict]) -> int:
    """Insert ``rows`` (attname → value, with ``id``) fast: COPY on PostgreSQL, executemany else.

    Columns a row leaves out get the field's default, so fields added to a model later still
    get valid values. No signals fire and no history rows are written (see the module doc).
    """
    if not rows:
        return 0
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = timezone.now()
    names = [f.attname for f in fields]
    columns = [f.column for f in fields]
    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row.get(name, defaults[name]) for name in names])
        return len(rows)
    datetimes = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        [
            adapt(row.get(n, defaults[n])) if n in datetimes else row.get(n, defaults[n])
            for n in names
        ]
        for row in rows
    ]
    quoted = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quoted(model._meta.db_table),
        ", ".join(map(quoted, columns)),
        ", ".join(["%s"] * len(names)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, values)
    return len(rows)


def analyze(*seeded: type[models.Model]) -> None:
    """Refresh PostgreSQL's statistics of freshly seeded tables before querying them.

    Right after millions of rows arrive by COPY the planner still believes the tables are
    empty and picks plans that scan them once per row (a correlated subquery over 1,000,000
    customers ran for over ten minutes); autovacuum catches up only later.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in seeded:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class SeedReport:
    counts: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def account_managers() -> list[User]:
    """Active account managers in a stable order (the seed's owners)."""
    return list(
        User.objects.filter(groups__name=roles.ACCOUNT_MANAGER, is_active=True)
        .order_by("username")
        .distinct()
    )


@transaction.atomic
def bench_organisation_ensure() -> list[User]:
    """Make sure there are account managers besides the demo ones: five teams of ten.

    A benchmark needs a realistic spread (manager1 owning a small share, not a third).
    Their password is unusable: they own data, nobody signs in as them.
    """
    from guanxi.accounts.demo import DEMO_USERS

    demo = {row[0] for row in DEMO_USERS}
    if any(user.username not in demo for user in account_managers()):
        return account_managers()
    manager_role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    parent = Team.objects.filter(parent=None).order_by("pk").first()
    for team_no in range(1, BENCH_TEAMS + 1):
        team = Team.objects.create(name=f"压测{team_no}组", parent=parent)
        team.path = f"{parent.path if parent else '/'}{team.pk}/"
        team.save(update_fields=["path"])
        rng = random.Random(team_no)  # noqa: S311  (names only)
        for member in range(1, BENCH_MANAGERS_PER_TEAM + 1):
            user = User(
                username=f"bench{team_no:02d}{member:02d}",
                team=team,
                last_name=rng.choice(words.FAMILY),
                first_name=rng.choice(words.GIVEN),
                email=f"bench{team_no:02d}{member:02d}@bench.guanxi.local",
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(manager_role)
    return account_managers()


def seed(
    *,
    customers: int,
    seed: int = 1,
    owners: list[User] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
    parallel: bool = False,
) -> SeedReport:
    """Generate ``customers`` customers (and what other apps derive from them) deterministically.

    ``parallel`` overlaps generating and writing on PostgreSQL (used by ``guanxi seed`` and the
    benchmark); the data is the same either way.
    """
    if customers < 0:
        raise ValueError("customers must be zero or more")
    started = time.perf_counter()
    if owners is None:
        owners = bench_organisation_ensure()
    dictionaries: dict[str, list[int]] = {}
    for kind, pk in (
        DictionaryEntry.objects.filter(is_active=True)
        .order_by("kind", "sort_order", "code")
        .values_list("kind", "pk")
    ):
        dictionaries.setdefault(kind, []).append(pk)
    rng = random.Random(seed)  # noqa: S311  (reproducible sample data, not secrets)
    threaded = parallel and connection.vendor == "postgresql" and not connection.in_atomic_block
    ctx = SeedContext(
        rng=rng,
        owners=owners,
        dictionaries=dictionaries,
        now=timezone.now(),
        batch_size=batch_size,
        writer=BatchWriter(threaded=threaded),
    )
    try:
        for name, seeder in registered_seeders():
            step = time.perf_counter()
            seeder(ctx, customers)
            if progress:
                progress(f"{name}: {ctx.counts} generated in {time.perf_counter() - step:.1f}s")
    finally:
        try:
            ctx.writer.close()
        finally:
            for end_step in ctx.end_steps:
                end_step()
    return SeedReport(counts=dict(ctx.counts), seconds=time.perf_counter() - started)
