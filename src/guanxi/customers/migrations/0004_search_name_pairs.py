"""Search keys in the current format, and on SQLite an FTS5 trigram index over them.

The keys now hold the adjacent character pairs of each name and its initials, between
separators, so two-character terms (张伟, ``zw``) are answered by the trigram index. Going back
needs nothing for the keys, as the older search finds the same rows in the new ones; the
SQLite FTS table and its triggers (search_sqlite.py) are dropped.
"""

from django.db import migrations

def rewrite_keys(apps, schema_editor):
    from guanxi.customers.search.index import search_text_rewrite

    search_text_rewrite(apps.get_model("customers", "Customer"), apps.get_model("customers", "Contact"))


def create_fts(apps, schema_editor):
    from guanxi.customers.search.sqlite import fts_ensure

    fts_ensure(schema_editor.connection)


def drop_fts(apps, schema_editor):
    from guanxi.customers.search.sqlite import fts_drop

    fts_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_interactions_documents_pool_churn_imports"),
    ]

    operations = [
        migrations.RunPython(rewrite_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_fts, drop_fts),
    ]
