"""The phone's and the e-mail's search keys move out of ``search_text`` into columns of their own,
so a reader with a field protection rule on them cannot search by them (see search.keys).

The search index is rebuilt over the three columns: the FTS5 table on SQLite, the trigram GIN
index on PostgreSQL.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from guanxi.customers.search.index import (
        search_index_create,
        search_index_drop,
        search_text_rewrite,
    )

    # The old index covers search_text alone; the new one is built over all search columns.
    search_index_drop()
    search_text_rewrite(apps.get_model("customers", "Customer"), apps.get_model("customers", "Contact"))
    search_index_create()


def backwards(apps, schema_editor):
    from guanxi.customers.search.index import search_index_drop

    # The index (and SQLite's triggers) read the columns about to be dropped.
    search_index_drop()


def index_restore(apps, schema_editor):
    from guanxi.customers.search.index import search_index_create

    # Reversed: the index over search_text alone. Its keys stay without the phone and e-mail
    # until they are rewritten in the older format.
    search_index_create()


class Migration(migrations.Migration):
    dependencies = [("customers", "0013_normalise_phones_flag_invalid_identifiers")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, index_restore, elidable=False),
        migrations.AddField(
            model_name="customer",
            name="search_phone",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="customer",
            name="search_email",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="search_phone",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="search_email",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
