"""A trigram index (PostgreSQL) for a service request's summary, which the global search and
the queue search with ``icontains``: the index is on the expression that compiles to,
``UPPER(summary::text)``, so a term of three characters or more no longer reads every request.
SQLite has neither the extension nor GIN: there the operation does nothing.
"""

from django.db import migrations

INDEX = "servicerequest_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON service_servicerequest "
        "USING gin ((UPPER(summary::text)) gin_trgm_ops)"
    )
    schema_editor.execute("ANALYZE service_servicerequest")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0006_service_request_external_ref"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=True),
    ]
