"""Seeded sales opportunities 销售机会 with their development plans: about one per ten customers.

A fifth are still unassigned, the rest were assigned to an account manager and carry one to
four dated plan items, the past ones with their result; a quarter of all were won (linked to a
customer of the assignee created before the close) and some lost with a reason. Seven in ten
carry an expected amount and close date, so the open ones show in the weighted forecast. Each
result is also one of the item's results (``PlanItemResult``), written by the assignee. Rows go
in through the seed writer like the customers', without audit history.
"""

import dataclasses
import random
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from guanxi.core.bulk import analyze, bulk_insert, reserve_ids
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.customers.models import Customer
from guanxi.sales.models import Opportunity, PlanItem, PlanItemResult

CUSTOMERS_PER_OPPORTUNITY = 10
HISTORY_DAYS = 365
WITH_EXPECTATION = 0.7  # the share with an expected amount and close date
_STATUSES = [
    (Opportunity.Status.UNASSIGNED.value, 20),
    (Opportunity.Status.ASSIGNED.value, 40),
    (Opportunity.Status.WON.value, 25),
    (Opportunity.Status.LOST.value, 15),
]
_STATUS_VALUES = [status for status, _weight in _STATUSES]
_STATUS_WEIGHTS = [weight for _status, weight in _STATUSES]
SUMMARIES = words_of(
    "年度设备采购 办公耗材集采 信息化系统升级 新厂区建设配套 原材料长期供货 售后服务外包 "
    "员工福利采购 仓储物流合作 品牌推广合作 生产线改造"
)
STEPS = words_of(
    "电话初步沟通 上门拜访了解需求 产品演示 提交技术方案 报价 商务谈判 安排样品试用 "
    "邀请参观工厂 约见决策人 起草合同"
)
RESULTS = words_of(
    "客户有兴趣，约定下次沟通 需求已明确 客户认可方案 对价格有异议 需内部审批 "
    "试用反馈良好 决策人出差，改期 已发送修改后的报价"
)
LOST_DETAILS = words_of("预算削减 选择了竞争对手 项目暂停 联系人离职")


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so seeding opportunities leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]) + "opportunities")  # noqa: S311


def _expectation_rng(ctx: SeedContext) -> random.Random:
    """Amounts and dates from a generator of their own: the rows' other values stay as before."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]) + "expectations")  # noqa: S311


def _expect(rng: random.Random, row: dict, now) -> None:
    """An expected amount (¥5,000–¥500,000 in hundreds) and a close date 2–26 weeks after the
    assignment (or creation); open ones still to close lie ahead of ``now``."""
    if rng.random() >= WITH_EXPECTATION:
        return
    amount = Decimal(rng.randrange(50, 5001) * 100)
    start = row.get("assigned_at") or row["created_at"]
    close = start + timedelta(weeks=rng.randrange(2, 27))
    if row["status"] == Opportunity.Status.ASSIGNED and close < now:
        close = now + timedelta(days=rng.randrange(7, 120))
    row.update(expected_amount=amount, expected_close_date=close.date())


def _opportunity(ctx: SeedContext, pk: int) -> dict:
    rng = ctx.rng
    creator = rng.choice(ctx.owners)
    status = rng.choices(_STATUS_VALUES, _STATUS_WEIGHTS)[0]
    created = ctx.now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    row = {
        "id": pk,
        "prospect_name": ctx.company_name(),
        "source_id": ctx.dictionary("source"),
        "probability": rng.choice([10, 20, 30, 40, 50, 60, 70, 80, 90]),
        "summary": rng.choice(SUMMARIES),
        "contact": ctx.person_name(),
        "contact_phone": ctx.mobile(),
        "status": status,
        "created_by_id": creator.pk,
        "created_at": created,
        "updated_at": created,
    }
    if status == Opportunity.Status.UNASSIGNED:
        return row
    assignee = creator if rng.random() < 0.6 else rng.choice(ctx.owners)
    assigned = min(created + timedelta(hours=rng.randrange(1, 120)), ctx.now)
    row.update(assigned_to_id=assignee.pk, assigned_at=assigned, updated_at=assigned)
    if status in (Opportunity.Status.WON, Opportunity.Status.LOST):
        closed = min(assigned + timedelta(days=rng.randrange(5, 60)), ctx.now)
        row.update(closed_at=closed, updated_at=closed)
    if status == Opportunity.Status.LOST:
        row.update(
            lost_reason_id=ctx.dictionary("lost_reason"), lost_details=rng.choice(LOST_DETAILS)
        )
    return row


def _plan_items(ctx: SeedContext, opportunity: dict) -> list[dict]:
    """One to four steps after the assignment; those already due have their result."""
    if opportunity["status"] == Opportunity.Status.UNASSIGNED:
        return []
    rng = ctx.rng
    start = opportunity["assigned_at"]
    end = opportunity.get("closed_at") or ctx.now + timedelta(days=30)
    span = max((end - start).days, 1)
    days = sorted(rng.randrange(span) for _ in range(rng.randint(1, 4)))
    items = []
    for offset in days:
        when = start + timedelta(days=offset)
        done = when <= ctx.now
        items.append(
            {
                "opportunity_id": opportunity["id"],
                "date": when.date(),
                "content": rng.choice(STEPS),
                "result": rng.choice(RESULTS) if done else "",
                "result_at": when if done else None,
                "result_by_id": opportunity["assigned_to_id"] if done else None,
                "created_by_id": opportunity["assigned_to_id"],
                "created_at": start,
                "updated_at": when if done else start,
            }
        )
    return items


@register_seeder("opportunities", order=30)
def seed_opportunities(ctx: SeedContext, customers: int) -> None:
    count = customers // CUSTOMERS_PER_OPPORTUNITY
    if not count or not ctx.owners:
        return
    local = dataclasses.replace(ctx, rng=_rng(ctx))
    expectations = _expectation_rng(ctx)
    for start in range(0, count, ctx.batch_size):
        size = min(ctx.batch_size, count - start)
        with ctx.batch_transaction():
            rows = [_opportunity(local, pk) for pk in reserve_ids(Opportunity, size)]
            for row in rows:
                _expect(expectations, row, ctx.now)
            items = [item for row in rows for item in _plan_items(local, row)]
            for item, pk in zip(items, reserve_ids(PlanItem, len(items)), strict=True):
                item["id"] = pk
            results = _results([item for item in items if item["result"]])
            ctx.writer.submit(partial(_write, rows, items, results))
        ctx.add("opportunities", size)
        ctx.add("plan_items", len(items))
    # Through the writer, so it runs once every customer and opportunity batch is written.
    ctx.writer.submit(won_link_customers)


def _results(done: list[dict]) -> list[dict]:
    """Each seeded result as the item's one recorded result."""
    return [
        {
            "id": pk,
            "item_id": item["id"],
            "text": item["result"],
            "created_by_id": item["result_by_id"],
            "created_at": item["result_at"],
            "updated_at": item["result_at"],
        }
        for item, pk in zip(done, reserve_ids(PlanItemResult, len(done)), strict=True)
    ]


def _write(opportunities: list[dict], items: list[dict], results: list[dict]) -> None:
    with transaction.atomic():
        bulk_insert(Opportunity, opportunities)
        bulk_insert(PlanItem, items)
        bulk_insert(PlanItemResult, results)


def won_link_customers() -> None:
    """Give each won opportunity without a customer the customer it became: the assignee's
    newest customer created before the close, and its name (one UPDATE, no row loop)."""
    analyze(Customer, Opportunity)
    became = Customer.objects.filter(
        owner_id=OuterRef("assigned_to_id"), created_at__lte=OuterRef("closed_at")
    ).order_by("-created_at", "-id")
    won = Opportunity.objects.filter(status=Opportunity.Status.WON, customer__isnull=True)
    won.update(
        customer_id=Subquery(became.values("pk")[:1]),
        prospect_name=Coalesce(Subquery(became.values("name")[:1]), F("prospect_name")),
    )
