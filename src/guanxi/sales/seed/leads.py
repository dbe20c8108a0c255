"""Seeded leads 线索: about one per five customers, at the mix a working sales team has.

A fifth are still new (nobody owns them), most were routed to an account manager, some were
disqualified with a reason, and some were converted — those are the customer of the run they
became (same owner, the lead entered some weeks before the customer). Sources: web form, import,
campaign and by hand; the score is the service's own :func:`services.leads.lead_score`. Rows go
in through the seed writer, without audit history.
"""

import dataclasses
import random
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.sales.models import Lead
from guanxi.sales.seed.base import customer_batches
from guanxi.sales.services.leads import derive_keys, lead_score

LEAD_SHARE = 0.2  # leads per customer of the run
HISTORY_DAYS = 180
_STATUSES = [
    (Lead.Status.NEW.value, 20),
    (Lead.Status.ASSIGNED.value, 45),
    (Lead.Status.CONVERTED.value, 15),
    (Lead.Status.DISQUALIFIED.value, 20),
]
_SOURCES = [
    (Lead.Source.WEB.value, 40),
    (Lead.Source.IMPORT.value, 25),
    (Lead.Source.CAMPAIGN.value, 15),
    (Lead.Source.MANUAL.value, 20),
]
NOTES = words_of(
    "咨询产品价格 需要上门演示 索取资料 询问交货期 展会上留的名片 对批量采购有兴趣 "
    "希望试用 老客户介绍"
)
DISQUALIFY_REASONS = words_of("联系不上 无采购需求 同行询价 重复线索 预算不足")
LEAD_FIELDS = [f.attname for f in Lead._meta.concrete_fields]


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so seeding leads leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]) + "leads")  # noqa: S311


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


def _lead(ctx: SeedContext, customer: tuple) -> dict:
    rng, now = ctx.rng, ctx.now
    customer_id, owner_id, created, name, region_id = customer
    status = _pick(rng, _STATUSES)
    if status == Lead.Status.CONVERTED and owner_id is None:
        status = Lead.Status.ASSIGNED.value  # a pool customer came from no one's lead
    row: dict[str, Any] = {
        "name": ctx.person_name(),
        "company": ctx.company_name() if rng.random() < 0.8 else "",
        "phone": ctx.mobile() if rng.random() < 0.85 else "",
        "email": "",
        "region_id": ctx.dictionary("region") if rng.random() < 0.7 else None,
        "source": _pick(rng, _SOURCES),
        "notes": rng.choice(NOTES) if rng.random() < 0.3 else "",
        "status": status,
        "created_at": now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400)),
    }
    if rng.random() < 0.5:
        row["email"] = ctx.email("lead")
    if status == Lead.Status.CONVERTED:
        row.update(
            company=name,
            region_id=region_id,
            converted_customer_id=customer_id,
            created_at=created - timedelta(days=rng.randint(3, 60)),
        )
    if status != Lead.Status.NEW:
        owner = owner_id if status == Lead.Status.CONVERTED else rng.choice(ctx.owners).pk
        assigned = row["created_at"] + timedelta(minutes=rng.randrange(1, 3 * 24 * 60))
        row.update(owner_id=owner, assigned_at=min(assigned, now))
    if status == Lead.Status.CONVERTED:
        row["closed_at"] = created
    elif status == Lead.Status.DISQUALIFIED:
        closed = row["assigned_at"] + timedelta(days=rng.randrange(1, 30))
        row.update(closed_at=min(closed, now), disqualify_reason=rng.choice(DISQUALIFY_REASONS))
    row["updated_at"] = row.get("closed_at") or row.get("assigned_at") or row["created_at"]
    row["created_by_id"] = row.get("owner_id") if row["source"] != Lead.Source.WEB else None
    lead = Lead(**{k: v for k, v in row.items() if k in LEAD_FIELDS})
    row["score"] = lead_score(lead)
    derive_keys(lead)
    row.update(name_sort=lead.name_sort, search_text=lead.search_text)
    return row


@register_seeder("leads", order=50)
def seed_leads(ctx: SeedContext, customers: int) -> None:
    if not customers or not ctx.owners:
        return
    local = dataclasses.replace(ctx, rng=_rng(ctx))
    fields = ("owner_id", "created_at", "name", "region_id")
    for batch in customer_batches(ctx, customers, *fields):
        rows = [_lead(local, customer) for customer in batch if local.rng.random() < LEAD_SHARE]
        if not rows:
            continue
        with ctx.batch_transaction():
            for row, pk in zip(rows, reserve_ids(Lead, len(rows)), strict=True):
                row["id"] = pk
            ctx.writer.submit(partial(_write, rows))
        ctx.add("leads", len(rows))


def _write(rows: list[dict]) -> None:
    with transaction.atomic():
        bulk_insert(Lead, rows)
