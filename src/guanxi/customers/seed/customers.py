"""Seeds customers 客户 with their contacts and interactions for ``guanxi seed`` and the bench;
importing this module registers the churn cases' seeder too (seed_churn, after the orders)."""

from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.seeding import SeedContext, register_seeder, words_of
from guanxi.core.services.records import code_reserve
from guanxi.customers.dedup import name_key, phone_digits
from guanxi.customers.identifiers import bank_card_with_check, uscc_with_check
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.customers.search.index import (
    REBUILD_INDEX_FROM,
    search_index_create,
    search_index_drop,
)
from guanxi.customers.search.keys import customer_search_columns
from guanxi.customers.seed import churn as seed_churn  # noqa: F401  (its seeder)
from guanxi.customers.seed.activity import interaction_rng, interactions_for_batch
from guanxi.customers.services.customers import CUSTOMER_CODE_PREFIX, tags_normalise

POOL_SHARE = 0.05  # customers without an owner (the public pool 公海)
HISTORY_DAYS = 3 * 365
TITLES = words_of("总经理 采购经理 财务总监 技术总监 销售经理 行政主管 董事长 项目经理")
GENDERS = [Contact.Gender.MALE.value, Contact.Gender.FEMALE.value]
BANKS = words_of(
    "中国工商银行 中国建设银行 中国银行 中国农业银行 交通银行 招商银行 浦发银行 兴业银行"
)
TAGS = words_of("重点 华东 老客户 展会 政府 外资 需回访 VIP 代理商 高潜力")
_DIGITS = "0123456789"
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_REGIONS = ("110000", "310000", "440300", "330100", "320100", "510100")


def _credit_code(ctx: SeedContext) -> str:
    """A unified social credit code with a valid check character: registration authority 9
    (market regulation) and type 1 (company), a region, an organisation code, the check."""
    rng = ctx.rng
    body = "91" + rng.choice(_REGIONS) + "".join(rng.choice(_CODE_CHARS) for _ in range(9))
    return uscc_with_check(body)


def _registration(ctx: SeedContext) -> dict:
    """Business registration details, filled for a realistic share of customers."""
    rng = ctx.rng
    row: dict = {}
    if rng.random() < 0.7:
        row["postcode"] = "".join(rng.choice(_DIGITS) for _ in range(6))
    if rng.random() < 0.3:
        row["fax"] = ctx.landline()
    if rng.random() < 0.6:
        row["business_licence_no"] = _credit_code(ctx)
        row["legal_representative"] = ctx.person_name()
    if rng.random() < 0.5:
        row["registered_capital"] = Decimal(rng.choice([50, 100, 200, 500, 1000, 5000])) * 10000
    if rng.random() < 0.4:
        row["annual_revenue"] = Decimal(rng.randrange(10**7, 10**11)) / 100
    if rng.random() < 0.4:
        row["bank"] = rng.choice(BANKS)
        # Company accounts have no check digit; a tenth are UnionPay cards, which have one.
        row["bank_account"] = (
            bank_card_with_check("62" + "".join(rng.choice(_DIGITS) for _ in range(16)))
            if rng.random() < 0.1
            else "".join(rng.choice(_DIGITS) for _ in range(19))
        )
    if rng.random() < 0.5:
        row["tax_id"] = row.get("business_licence_no") or _credit_code(ctx)
    if rng.random() < 0.3:
        row["tags"] = tags_normalise(rng.sample(TAGS, rng.randint(1, 3)))
    return row


def _customer(ctx: SeedContext, pk: int, code: str) -> dict:
    rng = ctx.rng
    name = ctx.company_name()
    owner = rng.choice(ctx.owners) if ctx.owners and rng.random() >= POOL_SHARE else None
    created = ctx.now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    return {
        "id": pk,
        "code": code,
        "name": name,
        "kind": Customer.Kind.COMPANY.value,
        "level_id": ctx.dictionary("customer_level"),
        "region_id": ctx.dictionary("region"),
        "industry_id": ctx.dictionary("industry"),
        "source_id": ctx.dictionary("source"),
        "owner_id": owner.pk if owner else None,
        "phone": ctx.mobile(),
        "email": ctx.email("info"),
        "satisfaction": rng.randint(1, 5),
        "credit": rng.randint(1, 5),
        "created_at": created,
        "updated_at": created,
        **_registration(ctx),
    }


def _contacts(ctx: SeedContext, customer: dict) -> list[dict]:
    rng = ctx.rng
    contacts = [
        {
            "customer_id": customer["id"],
            "name": ctx.person_name(),
            "gender": rng.choice(GENDERS),
            "title": rng.choice(TITLES),
            "mobile": ctx.mobile(),
            "email": ctx.email("c"),
            "is_primary": index == 0,
            "created_at": customer["created_at"],
            "updated_at": customer["created_at"],
        }
        for index in range(1 + (rng.random() < 0.5))
    ]
    for contact in contacts:
        contact["name_sort"] = pinyin_sort_key(contact["name"])
    return contacts


@register_seeder("customers", order=10)
def seed_customers(ctx: SeedContext, customers: int) -> None:
    if not customers:
        return
    rebuild = customers >= REBUILD_INDEX_FROM and search_index_drop()
    year = ctx.now.year
    first = code_reserve(prefix=CUSTOMER_CODE_PREFIX, year=year, count=customers)
    activity_rng = interaction_rng(ctx)
    for start in range(0, customers, ctx.batch_size):
        size = min(ctx.batch_size, customers - start)
        with ctx.batch_transaction():
            ids = reserve_ids(Customer, size)
            rows = [
                _customer(ctx, pk, f"{CUSTOMER_CODE_PREFIX}{year}{first + start + i:04d}")
                for i, pk in enumerate(ids)
            ]
            contacts = []
            for row in rows:
                mine = _contacts(ctx, row)
                _derive_keys(row, [contact["name"] for contact in mine])
                contacts.extend(mine)
            for contact, pk in zip(contacts, reserve_ids(Contact, len(contacts)), strict=True):
                contact["id"] = pk
            interactions = interactions_for_batch(ctx, activity_rng, rows, contacts)
            ctx.writer.submit(partial(_write, rows, contacts, interactions))
        ctx.add("customers", size)
        ctx.add("contacts", len(contacts))
        ctx.add("interactions", len(interactions))
    if rebuild:
        # After the last seeder: later ones (orders) still update customers' rows.
        ctx.at_end(search_index_create)


def _derive_keys(row: dict, contact_names: list[str]) -> None:
    """The keys services.derive_keys would set, computed on the plain row."""
    row.update(
        customer_search_columns(
            name=row["name"],
            code=row["code"],
            phone=row["phone"],
            email=row["email"],
            contact_names=contact_names,
        )
    )
    row["name_key"] = name_key(row["name"])
    row["name_sort"] = pinyin_sort_key(row["name"])
    row["phone_digits"] = phone_digits(row["phone"])


def _write(customers: list[dict], contacts: list[dict], interactions: list[dict]) -> None:
    with transaction.atomic():
        bulk_insert(Customer, customers)
        bulk_insert(Contact, contacts)
        bulk_insert(Interaction, interactions)
