"""Seeded interactions 交往记录: about three per customer, most customers few, some many.

Called by the customers seeder for each batch, once the batch's customers and contacts have
ids, so the interactions go in with them (COPY on PostgreSQL) in the same write.
"""

import random
from datetime import timedelta

from guanxi.core.bulk import reserve_ids
from guanxi.core.seeding import SeedContext, words, words_of
from guanxi.customers.models import Interaction

# An exponential count with this mean, floored, averages three per customer: many customers
# with none or one, a long tail of well-tended accounts.
_MEAN = 3.5
MAX_PER_CUSTOMER = 40
_KINDS = [
    (Interaction.Kind.CALL.value, 45),
    (Interaction.Kind.VISIT.value, 25),
    (Interaction.Kind.EMAIL.value, 15),
    (Interaction.Kind.MEETING.value, 10),
    (Interaction.Kind.OTHER.value, 5),
]
_KIND_VALUES = [kind for kind, _weight in _KINDS]
_KIND_WEIGHTS = [weight for _kind, weight in _KINDS]
SUBJECTS = words_of(
    "电话回访 报价跟进 产品演示 合同洽谈 售后回访 需求调研 节日问候 催款沟通 技术交流 投标准备 "
    "样品确认 交货协调 年度续约 新品推介 满意度回访"
)
OUTCOMES = words_of(
    "客户有意向，下周再联系 已发送报价单 对价格有异议 需要内部审批 约定现场拜访 "
    "要求提供样品 暂无需求 已签订意向书 转交技术部门跟进 客户满意"
)
PLACES = words_of("客户公司 我司会议室 展会现场 客户工厂 茶楼")
_PLACED = {Interaction.Kind.VISIT.value, Interaction.Kind.MEETING.value}


def interaction_rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, seeded from the context's, so the customers and contacts
    generated with a given seed stay what they were before interactions were seeded."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]))  # noqa: S311  (sample data)


def interactions_for_batch(
    ctx: SeedContext, rng: random.Random, customers: list[dict], contacts: list[dict]
) -> list[dict]:
    """Interaction rows for ``customers``; sets each customer's ``last_follow_up_at``."""
    by_customer: dict[int, list[int]] = {}
    for contact in contacts:
        by_customer.setdefault(contact["customer_id"], []).append(contact["id"])
    rows: list[dict] = []
    for customer in customers:
        count = min(int(rng.expovariate(1 / _MEAN)), MAX_PER_CUSTOMER)
        if not count:
            continue
        span = max(int((ctx.now - customer["created_at"]).total_seconds()), 1)
        kinds = rng.choices(_KIND_VALUES, _KIND_WEIGHTS, k=count)
        people = by_customer.get(customer["id"], [])
        latest = None
        for kind in kinds:
            occurred = customer["created_at"] + timedelta(seconds=rng.randrange(span))
            latest = occurred if latest is None or occurred > latest else latest
            rows.append(
                {
                    "customer_id": customer["id"],
                    "contact_id": rng.choice(people) if people else None,
                    "kind": kind,
                    "occurred_at": occurred,
                    "place": (
                        f"{rng.choice(words.CITY)}{rng.choice(PLACES)}" if kind in _PLACED else ""
                    ),
                    "summary": rng.choice(SUBJECTS),
                    "details": rng.choice(OUTCOMES),
                    "created_by_id": customer["owner_id"],
                    "updated_by_id": customer["owner_id"],
                    "created_at": occurred,
                    "updated_at": occurred,
                }
            )
        customer["last_follow_up_at"] = latest
    for row, pk in zip(rows, reserve_ids(Interaction, len(rows)), strict=True):
        row["id"] = pk
    return rows
