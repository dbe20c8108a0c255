"""Seeded deals 商机 of the sales pipeline: about one per eight customers with an owner.

Each deal belongs to its customer's owner and sits in a random stage (more in the early ones),
with an amount, the stage's probability, an expected close date within the past two and next
six months, sometimes competitors; won and lost deals carry their date (and a lost reason).
Rows go in through the seed writer after the customers, without audit history.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.customers.models import Customer
from guanxi.sales.models import Deal, PipelineStage

CUSTOMERS_PER_DEAL = 8
TITLES = words_of(
    "年度框架采购 设备更新 信息化系统升级 维保服务续约 新产线配套 办公家具集采 "
    "云服务迁移 物流外包 员工培训项目 安防系统改造"
)
COMPETITORS = words_of("华为 浪潮 联想 用友 金蝶 海尔 美的 新华三")


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so seeding deals leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]) + "pipeline")  # noqa: S311


@register_seeder("deals", order=40)
def seed_deals(ctx: SeedContext, customers: int) -> None:
    count = customers // CUSTOMERS_PER_DEAL
    if not count or not ctx.owners:
        return
    rng = _rng(ctx)
    lost_reasons = ctx.dictionaries.get("lost_reason") or []
    # Through the writer, so it runs once every customer batch is written.
    ctx.writer.submit(lambda: _write(rng, ctx.now, count, lost_reasons))
    ctx.add("deals", count)


def _write(rng: random.Random, now: datetime, count: int, lost_reasons: list[int]) -> None:
    stages = list(PipelineStage.objects.order_by("order", "id"))
    owned = list(
        Customer.objects.filter(owner__isnull=False).order_by("id").values_list("id", "owner_id")
    )
    if not stages or not owned:
        return
    weights = [1 if stage.is_won or stage.is_lost else 3 for stage in stages]
    if not lost_reasons:  # a lost deal needs its reason
        weights = [0 if stage.is_lost else w for stage, w in zip(stages, weights, strict=True)]
    today = now.date()
    rows = []
    with transaction.atomic():
        for pk in reserve_ids(Deal, count):
            customer_id, owner_id = rng.choice(owned)
            stage = rng.choices(stages, weights)[0]
            created = now - timedelta(days=rng.randrange(1, 240))
            close = today + timedelta(days=rng.randrange(-60, 180))
            row = {
                "id": pk,
                "customer_id": customer_id,
                "owner_id": owner_id,
                "title": rng.choice(TITLES),
                "stage_id": stage.pk,
                "amount": Decimal(rng.randrange(5_000, 2_000_000)).quantize(Decimal("0.01")),
                "probability": stage.probability,
                "expected_close_date": close,
                "competitors": "\n".join(rng.sample(COMPETITORS, rng.randint(0, 2))),
                "created_by_id": owner_id,
                "created_at": created,
                "updated_at": created,
            }
            closed_on = min(close, today)
            if stage.is_won:
                row["won_on"] = closed_on
            elif stage.is_lost:
                row.update(lost_on=closed_on, lost_reason_id=rng.choice(lost_reasons))
            rows.append(row)
        bulk_insert(Deal, rows)
