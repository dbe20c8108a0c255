"""Seeded churn cases 客户流失 for ``guanxi seed`` and the bench: about 4 % of the owned customers.

A case follows the rules of the daily job and of the churn services: it is warned at the first
run of the job (04:00) after the customer's last order became ``GUANXI_CHURN_MONTHS`` old, and
``last_order_at`` is that order. About 25 % are still warnings 流失预警 and 15 % postponed
暂缓流失 (with one or two measures 暂缓措施), both warned in the last six months; 40 % were
confirmed 确定流失 days or weeks after the warning, with a reason from the churn-reason
dictionary and a short note; 10 % were confirmed and won back by a later order; 10 % were
cleared by a later order while still open. Warnings fall in the last two years. Cases closed by
an order use a real gap between two of the customer's orders, so the orders agree with them.

Only owned customers not in the recycle bin, with at least one order, get a case (one each),
and their ``status`` is set as the services would: churn warning, postponed or churned; a
customer won back or cleared stays active. The case's owner, the one who closes it and records
its measures, is the customer's account manager. No events, notifications or history rows are
written (see ``core/seeding.py``). The writing runs through the seed writer, after every
customer and order is written, in batches: one COPY of cases, one of measures and one
set-based UPDATE of the customers' status per batch.

``write_churn_cases`` also works on its own, for a database seeded before this seeder existed
(every owned customer is considered; it does nothing when the database has any churn case).
With ``GUANXI_DATABASE_URL`` pointing at the database (100,000 customers took 7.5 s on
PostgreSQL, most of it updating the customers' search index, which the seed itself drops)::

    guanxi manage shell -c "import random; from django.utils import timezone; \
from guanxi.customers.seed.churn import write_churn_cases; \
print(write_churn_cases(random.Random(1), timezone.now()))"
"""

import random
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import pairwise
from typing import cast

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone

from guanxi.core.bulk import BATCH_SIZE, analyze, bulk_insert, reserve_ids
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer
from guanxi.customers.selectors.churn import churn_months, months_before

State = ChurnCase.State

CASE_SHARE = 0.04
# The customers looked at to find cases that fit (most lack a suitable gap between orders),
# their orders read a chunk at a time until the batch has its share of cases.
CANDIDATE_SHARE = 0.5
ORDERS_CHUNK = 250
STATE_WEIGHTS = {
    State.WARNING: 25,
    State.POSTPONED: 15,
    State.CONFIRMED: 40,
    State.WON_BACK: 10,
    State.CLEARED: 10,
}
HISTORY_DAYS = 2 * 365  # warnings fall in the last two years
OPEN_DAYS = 180  # a case still open was warned in the last six months
JOB_HOUR = 4  # the daily churn job runs at 04:00 (customers/tasks.py)
REASON_WEIGHTS = {"price": 25, "competitor": 25, "demand": 20, "service": 15, "closed": 10}
REASON_TEXTS = {
    "price": words_of("竞品报价低一成以上 客户预算压缩，要求降价未果 年度框架价格未谈拢"),
    "competitor": words_of(
        "已与竞争对手签订年度合同 竞品提供免费安装和培训 采购负责人更换后改用竞品"
    ),
    "demand": words_of("客户产线调整，不再需要该类产品 项目结束，暂无采购计划 改为自行生产"),
    "service": words_of("多次投诉发货延迟 售后响应慢，客户不满 安装质量问题未妥善解决"),
    "closed": words_of("客户已停业 公司注销 经营困难，停止采购"),
}
OTHER_TEXTS = words_of("客户未说明原因 联系人离职，无法联系")
MEASURES = words_of(
    "电话回访，了解近期采购计划 安排上门拜访客户负责人 提供季度专属折扣 赠送新品样品试用 "
    "付款账期延长至60天 邀请参加新品发布会 主管陪同拜访，听取客户意见 免费提供一次设备保养 "
    "发送新版产品目录和报价 协调技术人员现场解决问题"
)


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so seeding churn leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][48:64]) + "churn")  # noqa: S311


@register_seeder("churn_cases", order=55)
def seed_churn_cases(ctx: SeedContext, customers: int) -> None:
    if not customers or not ctx.owners:
        return
    # Through the writer, so it runs once every customer and order of this run is written.
    ctx.writer.submit(partial(_write_and_count, ctx, _rng(ctx), customers))


def _write_and_count(ctx: SeedContext, rng: random.Random, customers: int) -> None:
    for name, rows in write_churn_cases(rng, ctx.now, customers, ctx.batch_size).items():
        if rows:
            ctx.add(name, rows)


def write_churn_cases(
    rng: random.Random,
    now: datetime,
    customers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:
    """Write churn cases for the ``customers`` newest customers (all when ``None``).

    Does nothing when any churn case exists, so a second run cannot open a second case for a
    customer. Returns how many cases and measures were written.
    """
    written = {"churn_cases": 0, "churn_measures": 0}
    if customers == 0 or ChurnCase.objects.exists():
        return written
    orders = _order_model()
    if orders is not None:
        # Freshly copied orders have no statistics yet (the customers got theirs from the
        # opportunities seeder); without them a chunk's orders may be read by a full scan.
        analyze(orders)
    planner = _Planner(rng, now, churn_months(), _reasons())
    owned = Customer.all_objects.filter(owner__isnull=False, deleted_at__isnull=True)
    after = _first_customer_id(customers) - 1 if customers else 0
    quota = 0.0
    while True:
        batch = list(
            owned.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "owner_id", "last_order_at")[:batch_size]
        )
        if not batch:
            # The churn report lists the latest cases through their index only if the planner
            # knows the freshly copied table (unanalysed: 190 ms at 1,000,000 customers; 15 ms).
            analyze(ChurnCase, ChurnMeasure)
            return written
        after = batch[-1][0]
        quota += CASE_SHARE * len(batch)
        candidates = [
            (pk, owner_id, last_order)
            for pk, owner_id, last_order in batch
            if last_order is not None and rng.random() < CANDIDATE_SHARE
        ]
        cases, statuses = [], []
        # A chunk of candidates at a time: their orders are read only while cases are due.
        for start in range(0, len(candidates), ORDERS_CHUNK):
            if quota < 1:
                break
            chunk = candidates[start : start + ORDERS_CHUNK]
            times = _order_times(orders, [row[0] for row in chunk])
            for customer_id, owner_id, last_order in chunk:
                if quota < 1:
                    break
                anchors = sorted(times.get(customer_id, []))
                if not anchors or last_order > anchors[-1]:
                    anchors.append(last_order)
                case = planner.case(customer_id, owner_id, anchors)
                if case is None:
                    continue
                quota -= 1
                cases.append(case)
                if case["_status"] is not None:
                    statuses.append((customer_id, case["_status"], case["_changed"]))
        if cases:
            written["churn_measures"] += _write_batch(cases, statuses)
            written["churn_cases"] += len(cases)


def _first_customer_id(customers: int) -> int:
    """The smallest id among the ``customers`` newest customers (those of this seed run)."""
    ids = Customer.all_objects.order_by("-pk").values_list("pk", flat=True)
    return ids[customers - 1 : customers].first() or 0  # fewer than that: all of them


def _order_model() -> type[models.Model] | None:
    """The orders' model, through the customer's reverse relation (the sales app owns it)."""
    try:
        # A reverse relation's model is a loaded model class, never "self".
        return cast("type[models.Model]", Customer._meta.get_field("orders").related_model)
    except FieldDoesNotExist:
        return None


def _order_times(orders, customer_ids: list[int]) -> dict[int, list[datetime]]:
    """When each customer ordered (``last_order_at`` is the newest of these), in one query."""
    found: dict[int, list[datetime]] = {}
    if orders is None or not customer_ids:
        return found
    rows = orders._base_manager.filter(customer_id__in=customer_ids).values_list(
        "customer_id", "created_at"
    )
    for customer_id, when in rows:
        found.setdefault(customer_id, []).append(when)
    return found


def _reasons() -> list[tuple[int, str, int]]:
    """(id, code, weight) of the active churn reasons; unknown codes weigh little."""
    entries = DictionaryEntry.objects.filter(
        kind=DictionaryKind.CHURN_REASON, is_active=True
    ).order_by("sort_order", "code")
    return [
        (pk, code, REASON_WEIGHTS.get(code, 5)) for pk, code in entries.values_list("pk", "code")
    ]


class _Planner:
    """Picks each candidate's case: a state its orders allow, keeping the states' ratios."""

    def __init__(self, rng: random.Random, now: datetime, months: int, reasons) -> None:
        self.rng, self.now, self.months, self.reasons = rng, now, months, reasons
        total = sum(STATE_WEIGHTS.values())
        self.shares = {state: weight / total for state, weight in STATE_WEIGHTS.items()}
        self.made = dict.fromkeys(STATE_WEIGHTS, 0)

    def warned_at(self, last_order: datetime) -> datetime:
        """The first run of the daily job after ``last_order`` became ``months`` old."""
        due = timezone.localtime(months_before(last_order, -self.months))
        run = due.replace(hour=JOB_HOUR, minute=0, second=0, microsecond=0)
        if run <= due:
            run += timedelta(days=1)
        # The job compares the last order with its own time moved back (UTC): at month ends
        # that is not the inverse of moving the order forward (31 May + 6 months = 30 November,
        # 30 November − 6 months = 30 May), so the run may come a day later.
        while months_before(run.astimezone(UTC), self.months) <= last_order:
            run += timedelta(days=1)
        return run + timedelta(seconds=self.rng.randrange(600))

    def options(self, anchors: list[datetime]) -> dict[State, list[tuple]]:
        """The states possible for a customer ordering at ``anchors``, each with its gaps:
        (last order, warned at, the order that closed the case or ``None``)."""
        now, earliest = self.now, self.now - timedelta(days=HISTORY_DAYS)
        found: dict[State, list[tuple]] = {}
        last = anchors[-1]
        warned = self.warned_at(last)
        if now - timedelta(days=OPEN_DAYS) <= warned <= now - timedelta(hours=1):
            found[State.WARNING] = found[State.POSTPONED] = [(last, warned, None)]
        if self.reasons and earliest <= warned <= now - timedelta(days=2):
            found[State.CONFIRMED] = [(last, warned, None)]
        shortest, longest = timedelta(days=28 * self.months), timedelta(days=32 * self.months)
        for before, after in pairwise(anchors):
            if after - before < shortest or before + longest < earliest:
                continue  # cannot hold a warning in the period: spare the calendar arithmetic
            warned = self.warned_at(before)
            if warned < earliest or warned + timedelta(days=1) > after:
                continue
            found.setdefault(State.CLEARED, []).append((before, warned, after))
            if self.reasons and warned + timedelta(days=3) <= after:
                found.setdefault(State.WON_BACK, []).append((before, warned, after))
        return found

    def case(self, customer_id: int, owner_id: int, anchors: list[datetime]) -> dict | None:
        """A case row (with its ``_measures`` and the customer's new ``_status``), or ``None``."""
        options = self.options(anchors)
        if not options:
            return None
        # The state furthest behind its share; none when every possible one is ahead of it.
        made = sum(self.made.values()) + 1
        behind = {state: self.shares[state] * made - self.made[state] for state in options}
        state = max(behind, key=behind.__getitem__)
        if behind[state] <= 0:
            return None
        self.made[state] += 1
        last_order, warned, closing_order = self.rng.choice(options[state])
        return self._fill(state, customer_id, owner_id, last_order, warned, closing_order)

    def _fill(self, state, customer_id, owner_id, last_order, warned, closing_order) -> dict:
        rng, now = self.rng, self.now
        row = {
            "customer_id": customer_id,
            "state": state.value,
            "owner_id": owner_id,
            "warned_at": warned,
            "last_order_at": last_order,
            "_measures": [],
            "_status": None,
            "_changed": warned,
        }
        if state == State.WARNING:
            row["_status"] = Customer.Status.CHURN_WARNING.value
        elif state == State.POSTPONED:
            first = warned + timedelta(days=rng.uniform(0.5, 21))
            moments = [min(first, now - timedelta(minutes=rng.randrange(1, 60)))]
            if rng.random() < 0.4:
                moments.append(moments[0] + (now - moments[0]) * rng.uniform(0.2, 0.9))
            row["_measures"] = [self._measure(owner_id, when) for when in moments]
            row["_status"] = Customer.Status.POSTPONED.value
            row["_changed"] = moments[-1]
        elif state == State.CLEARED:
            # The order that came while the case was open closed it (and the owner took it).
            if rng.random() < 0.5:
                when = warned + (closing_order - warned) * rng.uniform(0.05, 0.6)
                row["_measures"] = [self._measure(owner_id, when)]
            row.update(closed_at=closing_order, closed_by_id=owner_id)
        else:  # confirmed, or confirmed and won back by a later order
            end = now if closing_order is None else closing_order
            closed = min(warned + timedelta(days=rng.uniform(2, 56)), end - timedelta(hours=12))
            if rng.random() < 0.3:  # postponed first, then given up
                when = warned + (closed - warned) * rng.uniform(0.1, 0.7)
                row["_measures"] = [self._measure(owner_id, when)]
            row.update(closed_at=closed, closed_by_id=owner_id, **self._reason())
            if state == State.CONFIRMED:
                row["_status"] = Customer.Status.CHURNED.value
                row["_changed"] = closed
        return row

    def _measure(self, owner_id: int, when: datetime) -> dict:
        return {"text": self.rng.choice(MEASURES), "recorded_at": when, "recorded_by_id": owner_id}

    def _reason(self) -> dict:
        reason_id, code, _weight = self.rng.choices(
            self.reasons, [weight for _pk, _code, weight in self.reasons]
        )[0]
        return {
            "reason_id": reason_id,
            "reason_text": self.rng.choice(REASON_TEXTS.get(code, OTHER_TEXTS)),
        }


def _write_batch(cases: list[dict], statuses: list[tuple[int, str, datetime]]) -> int:
    """Insert a batch's cases and measures and set its customers' status; returns the measures."""
    measures = []
    with transaction.atomic():  # SQLite's reserved ids need the write lock held
        for case, pk in zip(cases, reserve_ids(ChurnCase, len(cases)), strict=True):
            case["id"] = pk
            for measure in case.pop("_measures"):
                measures.append({**measure, "case_id": pk})
            del case["_status"], case["_changed"]
            case["reasons"] = "[]"  # the rule raises them: no model reasons (JSON text, raw insert)
        for measure, pk in zip(measures, reserve_ids(ChurnMeasure, len(measures)), strict=True):
            measure["id"] = pk
        bulk_insert(ChurnCase, cases)
        bulk_insert(ChurnMeasure, measures)
        _set_statuses(sorted(statuses))
    return len(measures)


def _set_statuses(rows: list[tuple[int, str, datetime]]) -> None:
    """``status`` and ``updated_at`` of many customers in one statement (no version bump and no
    history, like every seeded row); on PostgreSQL bounded by the id range for the planner."""
    if not rows:
        return
    table = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = [pk for pk, _status, _when in rows]
            cursor.execute(
                f"UPDATE {table} AS c SET status = v.s, updated_at = v.t "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, s, t) "
                "WHERE c.id = v.id AND c.id BETWEEN %s AND %s",
                [
                    ids,
                    [status for _pk, status, _when in rows],
                    [when for _pk, _status, when in rows],
                    ids[0],
                    ids[-1],
                ],
            )
            return
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"UPDATE {table} SET status = %s, updated_at = %s WHERE id = %s",  # noqa: S608
            [(status, adapt(when), pk) for pk, status, when in rows],
        )
