"""Writing the new customers of an import batch: a few bulk writes, whatever the batch's size.

Codes come from ``code_reserve`` (one sequence step per batch), primary keys from the table's
sequence, and rows go in with COPY on PostgreSQL (``core.seeding.bulk_insert``). Each new
customer records its importer (``created_by``, ``on_behalf_of`` for another owner) and gets an
"imported" event on its timeline naming the import job, also in bulk. No simple-history row is
written per customer (as for seeded data): the customer table's 27 indexes already make the
insert the import's main cost, and the history table's 24 would add a quarter to it; edits
after the import are audited as usual.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.services.records import code_reserve
from guanxi.customers import dedup
from guanxi.customers.events import (
    customers_credit_hold_imported_events,
    customers_imported_events,
)
from guanxi.customers.importing.customer_columns import FOREIGN_KEYS
from guanxi.customers.models import Customer
from guanxi.customers.search.keys import customer_search_columns
from guanxi.customers.services.customers import CUSTOMER_CODE_PREFIX


@dataclass(frozen=True)
class NewCustomer:
    """One checked row to insert: its field values (foreign keys as primary keys) and its
    duplicate-check keys (``customer_duplicates.duplicate_keys``)."""

    values: dict
    keys: dict


def _customer_row(row: NewCustomer, *, pk: int, code: str, actor, now) -> dict:
    values = {
        (f"{name}_id" if name in FOREIGN_KEYS else name): value
        for name, value in row.values.items()
        if name != "code"
    }
    owner_id = values.get("owner_id")
    name, phone, email = values["name"], values.get("phone", ""), values.get("email", "")
    values.update(
        id=pk,
        code=code,
        # An original creation date from the file is kept (migrations from other systems).
        created_at=values.get("created_at") or now,
        updated_at=now,
        created_by_id=actor.pk,
        updated_by_id=actor.pk,
        # As customer_create records it: entered by the importer for another owner.
        on_behalf_of_id=owner_id if owner_id is not None and owner_id != actor.pk else None,
        owned_since=now if owner_id is not None else None,
        **customer_search_columns(name=name, code=code, phone=phone, email=email),
        name_key=row.keys.get("name") or dedup.name_key(name),
        name_sort=pinyin_sort_key(name),
        phone_digits=row.keys.get("phone", ""),
    )
    if values.get("credit_status") == Customer.CreditStatus.ON_HOLD:
        # The importer let only someone the credit rule allows bring a hold, with a reason.
        values.update(credit_hold_by_id=actor.pk, credit_hold_at=now)
    return values


@dataclass(frozen=True)
class PreparedRows:
    """New customers ready to insert: codes and primary keys reserved, columns computed."""

    customers: list[dict]
    ids: list[int]


def prepare_rows(*, rows: list[NewCustomer], actor) -> PreparedRows:
    """Reserve codes and ids for ``rows`` and compute their columns (search keys included).

    On PostgreSQL this needs no transaction (sequences), so the import does it on its own
    thread while a second one writes the previous batch; on SQLite call it inside the
    transaction that writes the rows, which holds the lock ``reserve_ids`` relies on.
    """
    now = timezone.now()
    year = timezone.localdate(now).year
    first = code_reserve(prefix=CUSTOMER_CODE_PREFIX, year=year, count=len(rows))
    ids = reserve_ids(Customer, len(rows))
    customers = [
        _customer_row(
            row, pk=pk, code=f"{CUSTOMER_CODE_PREFIX}{year}{first + i:04d}", actor=actor, now=now
        )
        for i, (row, pk) in enumerate(zip(rows, ids, strict=True))
    ]
    return PreparedRows(customers=customers, ids=ids)


def write_rows(prepared: PreparedRows, *, actor, job_id, file_name: str = "") -> list[int]:
    """Insert prepared customers and their "imported" events in one transaction."""
    if not prepared.ids:
        return []
    with transaction.atomic():
        bulk_insert(Customer, prepared.customers)
        customers_imported_events(
            customer_ids=prepared.ids, actor=actor, import_job=str(job_id), file_name=file_name
        )
        held = {
            row["id"]: row["credit_hold_reason"]
            for row in prepared.customers
            if row.get("credit_status") == Customer.CreditStatus.ON_HOLD
        }
        if held:
            customers_credit_hold_imported_events(reasons=held, actor=actor, import_job=str(job_id))
    return prepared.ids
