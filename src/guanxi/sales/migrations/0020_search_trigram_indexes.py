"""Trigram indexes (PostgreSQL) for the texts the global search and the lists search with
``LIKE '%term%'``: a lead's search keys, phone and e-mail, an opportunity's prospect name, a
deal's and a contract's title. Without them a term that matches few rows reads the whole table.

Each index is on the expression the query compiles to: Django's ``icontains`` is
``UPPER(col::text) LIKE UPPER('%term%')`` and ``contains`` is ``col::text LIKE '%term%'``, so
the planner can answer either (and an OR of them, with the customer and code conditions, as a
bitmap OR). Terms of three characters or more use them; shorter ones have no trigram. SQLite
has neither the extension nor GIN: there the operation does nothing (a scan at embedded sizes).
"""

from django.db import migrations

INDEXES = {
    "lead_search_trgm": (
        "sales_lead",
        "search_text gin_trgm_ops, phone gin_trgm_ops, (UPPER(email::text)) gin_trgm_ops",
    ),
    "opportunity_search_trgm": ("sales_opportunity", "(UPPER(prospect_name::text)) gin_trgm_ops"),
    "deal_search_trgm": ("sales_deal", "(UPPER(title::text)) gin_trgm_ops"),
    "contract_search_trgm": ("sales_contract", "(UPPER(title::text)) gin_trgm_ops"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, columns) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({columns})")
        # The planner's estimate of LIKE on an expression comes from the index's statistics.
        schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0019_inventory_external_ref"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=True),
    ]
