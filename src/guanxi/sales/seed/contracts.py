"""Seeded quotes 报价 (with lines), contracts 合同, receivables 应收款 and payments 回款.

For the owned customers of the run: about a third get a quote (some two) of one to four lines
priced by the order rules (``services.orders.line_amount``), older quotes mostly accepted or
rejected, recent ones draft or sent; a fifth get a contract, signed within the customer's life
and running a year — ended ones completed (or terminated), current ones active, a few still
drafts. Each signed, not terminated contract has its receivable, due 30 to 90 days after
signing: completed ones paid in full in one to three payments, active ones partly or not yet
(so some are overdue). Codes come from the BJ and HT sequences of each year. Rows go in through
the seed writer, without audit history.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.core.services.records import code_reserve
from guanxi.sales.models import Contract, Payment, Product, Quote, QuoteLine, Receivable
from guanxi.sales.seed.base import customer_batches
from guanxi.sales.services.contracts import CONTRACT_CODE_PREFIX
from guanxi.sales.services.orders import line_amount
from guanxi.sales.services.quotes import QUOTE_CODE_PREFIX

QUOTE_SHARE = 0.3  # owned customers with a quote (a sixth of them with two)
SECOND_QUOTE_SHARE = 1 / 6
CONTRACT_SHARE = 0.2
QUOTE_VALID_DAYS = 30
CONTRACT_DAYS = 365
DISCOUNTS = [Decimal(0)] * 5 + [Decimal(5), Decimal(8), Decimal(10), Decimal(15)]
CONTRACT_TITLES = words_of(
    "年度供货合同 设备采购合同 技术服务合同 框架协议 维保服务合同 代理经销合同 项目实施合同"
)
QUOTE_NOTES = words_of("含税价 含运费 批量优惠 报价有效期三十天 分两批交货")
_RECENT = [
    (Quote.Status.DRAFT.value, 30),
    (Quote.Status.SENT.value, 50),
    (Quote.Status.ACCEPTED.value, 10),
    (Quote.Status.REJECTED.value, 10),
]
_OLD = [
    (Quote.Status.SENT.value, 10),
    (Quote.Status.ACCEPTED.value, 45),
    (Quote.Status.REJECTED.value, 45),
]
CENT = Decimal("0.01")


def _rng(ctx: SeedContext) -> random.Random:
    """A generator of its own, so this seeder leaves every other seeder's data as is."""
    return random.Random(repr(ctx.rng.getstate()[1][:16]) + "contracts")  # noqa: S311


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


def _at(rng: random.Random, day: date) -> datetime:
    """A moment of office hours on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60))))


def _quote(rng, customer, catalogue, today) -> dict:
    customer_id, owner_id, created = customer
    quote_date = _day_between(rng, timezone.localdate(created), today)
    valid_until = quote_date + timedelta(days=QUOTE_VALID_DAYS)
    lines, total = [], Decimal("0.00")
    for position in range(1, rng.randint(1, 4) + 1):
        product_id, price = rng.choice(catalogue)
        quantity = Decimal(rng.randint(1, 20))
        discount = rng.choice(DISCOUNTS)
        amount = line_amount(quantity=quantity, unit_price=price, discount=discount)
        total += amount
        lines.append(
            {
                "position": position,
                "product_id": product_id,
                "quantity": quantity,
                "unit_price": price,
                "discount": discount,
                "amount": amount,
            }
        )
    when = _at(rng, quote_date)
    return {
        "customer_id": customer_id,
        "owner_id": owner_id,
        "quote_date": quote_date,
        "valid_until": valid_until,
        "status": _pick(rng, _OLD if valid_until < today else _RECENT),
        "notes": rng.choice(QUOTE_NOTES) if rng.random() < 0.4 else "",
        "total": total,
        "created_by_id": owner_id,
        "updated_by_id": owner_id,
        "created_at": when,
        "updated_at": when,
        "_lines": lines,
    }


def _payments(rng, receivable: dict, *, full: bool, today: date) -> list[dict]:
    """Payments of a receivable: all of it in 1–3 parts (``full``), else 0–2 parts of it."""
    due = receivable["amount_due"]
    start = receivable["_signed"]
    last_day = min(receivable["due_date"] + timedelta(days=30), today)
    parts = rng.randint(1, 3) if full else rng.choice([0, 0, 1, 1, 2])
    if not parts or last_day < start:
        return []
    shares = sorted(rng.random() for _ in range(parts - 1))
    cuts = [Decimal(0), *(Decimal(str(share)) for share in shares), Decimal(1)]
    if not full:  # some of it is still owed
        cuts = [cut * Decimal(str(rng.uniform(0.3, 0.9))) for cut in cuts]
    amounts = [((b - a) * due).quantize(CENT) for a, b in zip(cuts, cuts[1:], strict=False)]
    if full:
        amounts[-1] = due - sum(amounts[:-1])
    days = sorted(_day_between(rng, start, last_day) for _ in amounts)
    return [
        {
            "receivable_id": receivable["id"],
            "paid_on": day,
            "amount": amount,
            "method": rng.choice(["bank_transfer"] * 6 + ["cheque", "cash", "other"]),
            "created_by_id": receivable["owner_id"],
            "created_at": receivable["created_at"],
            "updated_at": receivable["created_at"],
        }
        for day, amount in zip(days, amounts, strict=True)
        if amount > 0
    ]


def _contract(rng, customer, today) -> dict:
    customer_id, owner_id, created = customer
    signed_on = _day_between(rng, timezone.localdate(created), today)
    ends_on = signed_on + timedelta(days=CONTRACT_DAYS)
    if rng.random() < 0.08:
        status, signed = Contract.Status.DRAFT.value, None
    elif ends_on < today:
        status = (
            Contract.Status.COMPLETED if rng.random() < 0.85 else Contract.Status.TERMINATED
        ).value
        signed = signed_on
    else:
        status = (
            Contract.Status.ACTIVE if rng.random() < 0.9 else Contract.Status.TERMINATED
        ).value
        signed = signed_on
    when = _at(rng, signed_on)
    amount = Decimal(rng.randrange(10_000, 2_000_000)).quantize(CENT)
    return {
        "customer_id": customer_id,
        "owner_id": owner_id,
        "title": rng.choice(CONTRACT_TITLES),
        "amount": amount,
        "signed_on": signed,
        "starts_on": signed,
        "ends_on": ends_on if signed else None,
        "status": status,
        "created_by_id": owner_id,
        "updated_by_id": owner_id,
        "created_at": when,
        "updated_at": when,
    }


def _codes(rows: list[dict], prefix: str, day_field: str) -> None:
    by_year: dict[int, list[dict]] = {}
    for row in rows:
        by_year.setdefault(row[day_field].year, []).append(row)
    for year, same in sorted(by_year.items()):
        first = code_reserve(prefix=prefix, year=year, count=len(same))
        for offset, row in enumerate(same):
            row["code"] = f"{prefix}{year}{first + offset:04d}"


def _batch(rng, batch, catalogue, today):
    quotes, contracts = [], []
    for customer in batch:
        if customer[1] is None:  # pool customers have nobody quoting or contracting
            continue
        if rng.random() < QUOTE_SHARE:
            quotes.append(_quote(rng, customer, catalogue, today))
            if rng.random() < SECOND_QUOTE_SHARE:
                quotes.append(_quote(rng, customer, catalogue, today))
        if rng.random() < CONTRACT_SHARE:
            contracts.append(_contract(rng, customer, today))
    return quotes, contracts


@register_seeder("contracts", order=50)
def seed_contracts(ctx: SeedContext, customers: int) -> None:
    if not customers:
        return
    catalogue = list(
        Product.objects.filter(is_active=True).order_by("pk").values_list("pk", "price")
    )
    if not catalogue:
        return
    rng = _rng(ctx)
    today = timezone.localdate(ctx.now)
    for batch in customer_batches(ctx, customers, "owner_id", "created_at"):
        quotes, contracts = _batch(rng, batch, catalogue, today)
        if not quotes and not contracts:
            continue
        with ctx.batch_transaction():
            _codes(quotes, QUOTE_CODE_PREFIX, "quote_date")
            for row in contracts:
                row["_day"] = row["signed_on"] or row["created_at"].date()
            _codes(contracts, CONTRACT_CODE_PREFIX, "_day")
            lines = []
            for quote, pk in zip(quotes, reserve_ids(Quote, len(quotes)), strict=True):
                quote["id"] = pk
                for line in quote.pop("_lines"):
                    line["quote_id"] = pk
                    lines.append(line)
            for line, pk in zip(lines, reserve_ids(QuoteLine, len(lines)), strict=True):
                line["id"] = pk
            receivables = []
            for contract, pk in zip(contracts, reserve_ids(Contract, len(contracts)), strict=True):
                contract["id"] = pk
                contract.pop("_day")
                if contract["status"] in (Contract.Status.ACTIVE, Contract.Status.COMPLETED):
                    receivables.append(
                        {
                            "customer_id": contract["customer_id"],
                            "owner_id": contract["owner_id"],
                            "contract_id": pk,
                            "amount_due": contract["amount"],
                            "due_date": contract["signed_on"]
                            + timedelta(days=rng.choice([30, 60, 90])),
                            "created_by_id": contract["owner_id"],
                            "created_at": contract["created_at"],
                            "updated_at": contract["created_at"],
                            "_signed": contract["signed_on"],
                            "_full": contract["status"] == Contract.Status.COMPLETED,
                        }
                    )
            payments = []
            for receivable, pk in zip(
                receivables, reserve_ids(Receivable, len(receivables)), strict=True
            ):
                receivable["id"] = pk
                paid = _payments(rng, receivable, full=receivable.pop("_full"), today=today)
                receivable.pop("_signed")
                receivable["amount_paid"] = sum((p["amount"] for p in paid), Decimal("0.00"))
                payments.extend(paid)
            for payment, pk in zip(payments, reserve_ids(Payment, len(payments)), strict=True):
                payment["id"] = pk
            ctx.writer.submit(partial(_write, quotes, lines, contracts, receivables, payments))
        ctx.add("quotes", len(quotes))
        ctx.add("quote_lines", len(lines))
        ctx.add("contracts", len(contracts))
        ctx.add("receivables", len(receivables))
        ctx.add("payments", len(payments))


def _write(quotes, lines, contracts, receivables, payments) -> None:
    with transaction.atomic():
        bulk_insert(Quote, quotes)
        bulk_insert(QuoteLine, lines)
        bulk_insert(Contract, contracts)
        bulk_insert(Receivable, receivables)
        bulk_insert(Payment, payments)
