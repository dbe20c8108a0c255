"""The index behind customer search, dropped and rebuilt around bulk loads.

PostgreSQL: a trigram GIN index on ``search_text`` (created by migration 0002). SQLite: an FTS5
trigram table kept current by triggers (``customers.search.sqlite``, created by migration 0004).
Maintaining either row by row while a million customers are loaded is many times slower than
building it once afterwards, so the seeder drops it first and rebuilds it at the end.
"""

from django.db import connection

from guanxi.customers.search.keys import customer_search_text
from guanxi.customers.search.sqlite import fts_drop, fts_ensure

TRIGRAM_INDEX = "customer_search_trgm"
# From this many customers on, bulk loads drop the search index first and rebuild it after.
REBUILD_INDEX_FROM = 50_000
# Building a GIN index sorts its entries in memory; the server default (64 MB) spills to disk.
BUILD_MEMORY = "256MB"


def search_index_drop() -> bool:
    """Drop the search index; True if there is one to rebuild later."""
    if connection.vendor == "sqlite":
        fts_drop(connection)
        return True
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    return True


def search_index_create() -> None:
    """(Re)build the search index; on PostgreSQL also refresh the planner's statistics."""
    if connection.vendor == "sqlite":
        fts_ensure(connection)
        return
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        if connection.in_atomic_block:
            # Deferred foreign-key checks of rows just written would refuse CREATE INDEX.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON customers_customer "
            "USING gin (search_text gin_trgm_ops)"
        )
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE customers_customer")


def search_text_rewrite(customer_model, contact_model, chunk: int = 2000) -> None:
    """Write every live customer's ``search_text`` again, in the current key format.

    For data migrations after the format changed; takes the (historical) models as arguments.
    Large tables get their search index rebuilt once instead of updated row by row.
    """
    rebuild = customer_model.objects.count() >= REBUILD_INDEX_FROM and search_index_drop()
    rows = customer_model.objects.filter(deleted_at__isnull=True).order_by("pk")
    last = 0
    while batch := list(
        rows.filter(pk__gt=last).only("pk", "name", "code", "phone", "email")[:chunk]
    ):
        last = batch[-1].pk
        names: dict[int, list[str]] = {}
        contacts = contact_model.objects.filter(
            customer_id__in=[customer.pk for customer in batch], deleted_at__isnull=True
        ).order_by("pk")
        for customer_id, name in contacts.values_list("customer_id", "name"):
            names.setdefault(customer_id, []).append(name)
        for customer in batch:
            customer.search_text = customer_search_text(
                name=customer.name,
                code=customer.code,
                phone=customer.phone,
                email=customer.email,
                contact_names=names.get(customer.pk, []),
            )
        customer_model.objects.bulk_update(batch, ["search_text"])
    if rebuild:
        search_index_create()
