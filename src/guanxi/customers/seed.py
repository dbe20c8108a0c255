"""Seeds customers 客户 and their contacts for ``guanxi seed`` and the benchmark."""

from datetime import timedelta
from functools import partial

from django.db import transaction

from guanxi.core.seeding import SeedContext, bulk_insert, register_seeder, reserve_ids, words_of
from guanxi.core.services import code_reserve
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import CUSTOMER_CODE_PREFIX

POOL_SHARE = 0.05  # customers without an owner (the public pool 公海)
HISTORY_DAYS = 3 * 365
TITLES = words_of("总经理 采购经理 财务总监 技术总监 销售经理 行政主管 董事长 项目经理")
GENDERS = [Contact.Gender.MALE.value, Contact.Gender.FEMALE.value]


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
    }


def _contacts(ctx: SeedContext, customer: dict) -> list[dict]:
    rng = ctx.rng
    return [
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


@register_seeder("customers", order=10)
def seed_customers(ctx: SeedContext, customers: int) -> None:
    if not customers:
        return
    year = ctx.now.year
    first = code_reserve(prefix=CUSTOMER_CODE_PREFIX, year=year, count=customers)
    for start in range(0, customers, ctx.batch_size):
        size = min(ctx.batch_size, customers - start)
        with ctx.batch_transaction():
            ids = reserve_ids(Customer, size)
            rows = [
                _customer(ctx, pk, f"{CUSTOMER_CODE_PREFIX}{year}{first + start + i:04d}")
                for i, pk in enumerate(ids)
            ]
            contacts = [contact for row in rows for contact in _contacts(ctx, row)]
            for contact, pk in zip(contacts, reserve_ids(Contact, len(contacts)), strict=True):
                contact["id"] = pk
            ctx.writer.submit(partial(_write, rows, contacts))
        ctx.add("customers", size)
        ctx.add("contacts", len(contacts))


def _write(customers: list[dict], contacts: list[dict]) -> None:
    with transaction.atomic():
        bulk_insert(Customer, customers)
        bulk_insert(Contact, contacts)
