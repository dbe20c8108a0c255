"""Contacts get ``name_sort``, their name's pinyin sort key (core.pinyin), filled for existing rows.

The fill walks the contacts in id order, BATCH rows at a time (keyset, each batch its own
transaction, rows with a key already skipped: a stopped fill resumes), as customers' 0017 does;
the index is built after the fill.
"""

from django.conf import settings
from django.db import migrations, models, transaction

BATCH = 5000


def fill_name_sort(apps, schema_editor):
    from guanxi.core.pinyin import pinyin_sort_key

    Contact = apps.get_model("customers", "Contact")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Contact._meta.db_table)
    last = 0
    while True:
        rows = list(
            Contact._base_manager.using(connection.alias)
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
        ("customers", "0018_external_ref"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contact",
            options={
                "ordering": ["-is_primary", "name_sort", "id"],
                "verbose_name": "contact",
                "verbose_name_plural": "contacts",
            },
        ),
        migrations.AddField(
            model_name="contact",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="historicalcontact",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_name_sort, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["customer", "name_sort", "id"], name="contact_name_sort"),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name_sort", "id"], name="contact_list_name_sort"),
        ),
    ]
