"""Customers get ``name_sort``, their name's pinyin sort key (core.pinyin), filled for existing rows.

The fill reads ``(id, name)`` in id order, BATCH rows at a time (a keyset walk, so each batch
is an index range however many rows came before), computes the keys in Python and writes
them with one statement per batch: ``UPDATE … FROM (VALUES …)`` on PostgreSQL, a prepared
``executemany`` on SQLite. Each batch commits on its own (the migration is not atomic), so a
million customers never sit in one transaction, and a fill that stops half-way picks up where
it stopped (rows with a key already are skipped). The index is built once, after the fill,
instead of being updated a million times.
"""

from django.db import migrations, models, transaction

BATCH = 5000


def fill_name_sort(apps, schema_editor):
    from guanxi.core.pinyin import pinyin_sort_key

    Customer = apps.get_model("customers", "Customer")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Customer._meta.db_table)
    last = 0
    while True:
        rows = list(
            Customer._base_manager.using(connection.alias)
            .filter(pk__gt=last, name_sort="")
            .order_by("pk")
            .values_list("pk", "name")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        keys = [(pk, pinyin_sort_key(name)) for pk, name in rows]
        keys = [(pk, key) for pk, key in keys if key]
        if not keys:
            continue
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s, %s)"] * len(keys))
                cursor.execute(
                    f"UPDATE {table} AS c SET name_sort = v.k FROM (VALUES {values}) "
                    "AS v(id, k) WHERE c.id = v.id",
                    [item for pair in keys for item in pair],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET name_sort = %s WHERE id = %s",
                    [(key, pk) for pk, key in keys],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0016_personal_data_rights_and_anonymisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_name_sort, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["name_sort", "id"], name="customer_name_sort"),
        ),
    ]
