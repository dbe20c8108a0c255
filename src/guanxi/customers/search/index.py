"""The index behind customer search, dropped and rebuilt around bulk loads.

PostgreSQL: a trigram GIN index over the search columns (``search_text`` and the protected
fields' ``search_phone``, ``search_email``; a multicolumn GIN index answers a condition on any
of them, and an OR over several is a bitmap OR of its scans). SQLite: an FTS5
trigram table kept current by triggers (``customers.search.sqlite``, created by migration 0004).
Maintaining either row by row while a million customers are loaded is many times slower than
building it once afterwards, so the seeder drops it first and rebuilds it at the end.
"""

from django.db import connection

from guanxi.customers.search.keys import SEARCH_COLUMNS, customer_search_columns
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
        present = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "customers_customer"
            )
        }
        # Before the migration that split the protected fields' keys out: search_text alone.
        columns = ", ".join(
            f"{column} gin_trgm_ops" for column in SEARCH_COLUMNS if column in present
        )
        cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} "
            f"ON customers_customer USING gin ({columns})"
        )
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE customers_customer")


def search_text_rewrite(customer_model, contact_model, chunk: int = 2000) -> None:
    """Write every live customer's search columns again, in the current key format.

    For data migrations after the format changed; takes the (historical) models as arguments.
    Large tables get their search index rebuilt once instead of updated row by row.
    """
    rebuild = customer_model.objects.count() >= REBUILD_INDEX_FROM and search_index_drop()
    fields = {field.name for field in customer_model._meta.get_fields()}
    columns = [column for column in SEARCH_COLUMNS if column in fields]
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
            keys = customer_search_columns(
                name=customer.name,
                code=customer.code,
                phone=customer.phone,
                email=customer.email,
                contact_names=names.get(customer.pk, []),
            )
            for column in columns:
                setattr(customer, column, keys[column])
        customer_model.objects.bulk_update(batch, columns)
    if rebuild:
        search_index_create()
