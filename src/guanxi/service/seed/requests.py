"""Seeded service requests 客户服务 for ``guanxi seed`` and the bench: about 0.3 per customer.

Types 60% consultation 咨询 / 25% complaint 投诉 / 15% suggestion 建议, over the phone, e-mail,
web and walk-in channels. Each request is handled by its customer's account manager (assigned
by a supervisor of their team). Requests older than two weeks are archived, with one to three
rounds (the earlier ones with satisfaction below 3) and their SLA promise met most of the time;
a small share of them stayed open and is overdue (already notified). Recent ones spread over
every status. Rows go in through the seed writer after the customers, without audit history.
"""

import random
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.core.services.records import code_reserve
from guanxi.customers.models import Customer
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.services.requests import CODE_PREFIX
from guanxi.service.services.sla import sla_hours, team_supervisors

REQUESTS_PER_CUSTOMER = 0.3
TYPE_WEIGHTS = {"consultation": 60, "complaint": 25, "suggestion": 15}
CHANNEL_WEIGHTS = {"phone": 40, "email": 25, "web": 20, "walk_in": 15}
RECENT_DAYS = 14
STALE_OPEN_SHARE = 0.03  # older requests that were never closed: the overdue backlog
ROUND_COUNTS = ([1, 2, 3], [80, 17, 3])
SUMMARIES = {
    "consultation": words_of(
        "发票抬头如何修改 订单发货时间咨询 产品保修政策 批量采购折扣 账户对账单 "
        "安装调试预约 配件型号确认 付款方式变更"
    ),
    "complaint": words_of(
        "设备噪音过大 到货包装破损 发货延迟 售后响应太慢 发票金额有误 配件型号发错 "
        "安装人员未按时上门 产品质量问题"
    ),
    "suggestion": words_of(
        "希望增加微信通知 建议提供电子发票 希望延长保修期 建议优化下单流程 希望增加培训课程"
    ),
}
HANDLINGS = words_of(
    "电话指导客户完成设置 上门检查并更换配件 补发货物并致歉 重新开具发票 "
    "远程排查后升级固件 安排技术人员培训 转交产品部门评估并回复客户"
)
RESULTS_GOOD = words_of("客户确认问题已解决 客户表示满意 问题已解决并回访确认 客户接受处理方案")
RESULTS_BAD = words_of("问题仍未解决 客户认为处理太慢 客户不接受处理方案")


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so seeding requests leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][32:48]) + "service")  # noqa: S311


def _codes(kind: str, weights: dict[str, int]) -> tuple[list[int], list[int]]:
    ids = dict(
        DictionaryEntry.objects.filter(kind=kind, code__in=weights).values_list("code", "pk")
    )
    present = [code for code in weights if code in ids]
    return [ids[code] for code in present], [weights[code] for code in present]


@register_seeder("service_requests", order=50)
def seed_service_requests(ctx: SeedContext, customers: int) -> None:
    count = int(customers * REQUESTS_PER_CUSTOMER)
    if not count or not ctx.owners:
        return
    rng = _rng(ctx)
    # Through the writer, so it runs once every customer batch is written.
    ctx.writer.submit(partial(_write_all, rng, ctx.now, customers, count, ctx.batch_size))
    ctx.add("service_requests", count)


def _write_all(rng, now, customers: int, count: int, batch_size: int) -> None:
    types = _codes(DictionaryKind.SERVICE_TYPE, TYPE_WEIGHTS)
    channels = _codes(DictionaryKind.CHANNEL, CHANNEL_WEIGHTS)
    if not types[0] or not channels[0]:
        return
    entries = DictionaryEntry.objects.in_bulk(types[0])
    promises = {pk: sla_hours(entries[pk]) for pk in types[0]}
    type_codes = {pk: entries[pk].code for pk in types[0]}
    newest = Customer.all_objects.filter(owner__isnull=False).order_by("-pk")
    owned = list(newest.values_list("pk", "owner_id", "created_at")[:customers])
    if not owned:
        return
    supervisors = _supervisors({owner for _pk, owner, _at in owned})
    picks = [rng.choice(owned) for _ in range(count)]
    picks.sort(key=lambda row: row[0])
    for start in range(0, len(picks), batch_size):
        batch = picks[start : start + batch_size]
        requests, rounds = [], []
        for customer_id, owner_id, customer_created in batch:
            request, its_rounds = _request(
                rng,
                now,
                customer_id,
                owner_id,
                customer_created,
                types,
                channels,
                promises,
                type_codes,
                supervisors.get(owner_id),
            )
            requests.append(request)
            rounds.extend(its_rounds)
        with transaction.atomic():  # SQLite's reserved ids need the write lock held
            _assign_ids_and_codes(requests, rounds)
            bulk_insert(ServiceRequest, requests)
            bulk_insert(ServiceRound, rounds)


def _supervisors(owner_ids) -> dict[int, int | None]:
    """Each owner's first team supervisor (who assigns their requests), if any."""
    found = {}
    for user in User.objects.filter(pk__in=owner_ids).select_related("team"):
        above = team_supervisors(user)
        found[user.pk] = above[0].pk if above else None
    return found


def _request(
    rng,
    now,
    customer_id,
    owner_id,
    customer_created,
    types,
    channels,
    promises,
    type_codes,
    supervisor_id,
):
    type_id = rng.choices(*types)[0]
    code = type_codes[type_id]
    response_hours, resolution_hours = promises[type_id]
    span = max(int((now - customer_created).total_seconds()), 3600)
    created = now - timedelta(seconds=rng.randrange(min(span, 400 * 86400)))
    row = {
        "service_type_id": type_id,
        "channel_id": rng.choices(*channels)[0],
        "summary": rng.choice(SUMMARIES.get(code) or SUMMARIES["consultation"]),
        "customer_id": customer_id,
        "customer_owner_id": owner_id,
        "request": "",
        "created_by_id": owner_id,
        "updated_by_id": owner_id,
        "created_at": created,
        "response_due_at": created + timedelta(hours=response_hours),
        "resolution_due_at": created + timedelta(hours=resolution_hours),
    }
    row["request"] = row["summary"] + "，请尽快处理。"
    recent = now - created < timedelta(days=RECENT_DAYS)
    if recent:
        status = rng.choices(["new", "assigned", "handled", "archived"], [15, 25, 20, 40])[0]
    else:
        stale = rng.random() < STALE_OPEN_SHARE
        status = rng.choice(["new", "assigned", "handled"]) if stale else "archived"
    rounds = _rounds(rng, row, status, owner_id, supervisor_id, response_hours, now)
    row["status"] = status
    row["rounds"] = len(rounds)
    last_event = max(
        [
            created,
            *[r.get("feedback_at") or r.get("handled_at") or r["assigned_at"] for r in rounds],
        ]
    )
    row["updated_at"] = min(last_event, now)
    if not recent and status != "archived":
        row["overdue_notified_at"] = row["resolution_due_at"]
    return row, rounds


def _rounds(rng, row, status, owner_id, supervisor_id, response_hours, now):
    """The rounds of a request in ``status`` and the request's matching fields."""
    if status == "new":
        return []
    created = row["created_at"]
    archived = status == "archived"
    total = rng.choices(*ROUND_COUNTS)[0] if archived else rng.choices([1, 2], [85, 15])[0]
    # The first response keeps its promise about 85% of the time.
    factor = rng.uniform(0.1, 0.95) if rng.random() < 0.85 else rng.uniform(1.05, 3)
    moment = created + timedelta(hours=response_hours * factor * 0.3)
    rounds = []
    for number in range(1, total + 1):
        last = number == total
        assigned_at = moment
        handled_at = assigned_at + timedelta(hours=response_hours * factor * 0.7)
        one = {
            "number": number,
            "assigned_to_id": owner_id,
            "assigned_by_id": supervisor_id if number == 1 else None,
            "assigned_at": min(assigned_at, now),
            "feedback_source": "",
        }
        handled = not last or status in ("handled", "archived")
        if handled:
            one.update(
                handling=rng.choice(HANDLINGS),
                handled_by_id=owner_id,
                handled_at=min(handled_at, now),
            )
            row.setdefault("first_response_at", one["handled_at"])
            row["handled_at"] = one["handled_at"]
        if not last or archived:
            feedback_at = min(handled_at + timedelta(hours=rng.uniform(2, 72)), now)
            score = rng.choices([3, 4, 5], [20, 45, 35])[0] if last else rng.randint(1, 2)
            one.update(
                result=rng.choice(RESULTS_GOOD if score >= 3 else RESULTS_BAD),
                satisfaction=score,
                feedback_by_id=owner_id,
                feedback_at=feedback_at,
                feedback_source="staff",
            )
            moment = feedback_at
            if last:
                row.update(archived_at=feedback_at, result=one["result"], satisfaction=score)
        rounds.append(one)
    row["assigned_to_id"] = owner_id
    row["assigned_at"] = rounds[-1]["assigned_at"]
    return rounds


def _assign_ids_and_codes(requests: list[dict], rounds_of: list[dict]) -> None:
    """Ids for requests and rounds, codes from the FW sequence of each request's year."""
    by_year: dict[int, list[dict]] = {}
    for row in requests:
        by_year.setdefault(timezone.localtime(row["created_at"]).year, []).append(row)
    for year, rows in sorted(by_year.items()):
        first = code_reserve(prefix=CODE_PREFIX, year=year, count=len(rows))
        for offset, row in enumerate(rows):
            row["code"] = f"{CODE_PREFIX}{year}{first + offset:06d}"
    for row, pk in zip(requests, reserve_ids(ServiceRequest, len(requests)), strict=True):
        row["id"] = pk
    # Rounds follow their request in ``requests`` order (each request's rounds were appended
    # right after it), so they are matched by walking both lists.
    position = 0
    for row in requests:
        for _number in range(row["rounds"]):
            rounds_of[position]["request_id"] = row["id"]
            position += 1
    for one, pk in zip(rounds_of, reserve_ids(ServiceRound, len(rounds_of)), strict=True):
        one["id"] = pk
