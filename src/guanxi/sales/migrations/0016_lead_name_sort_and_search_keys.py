"""Leads get ``name_sort`` (the name's pinyin sort key, core.pinyin) and ``search_text``
(name and company with their pinyin and initials, sales.search), filled for existing rows.

The fill walks the leads in id order, BATCH rows at a time (keyset, each batch its own
transaction, rows with keys already skipped: a stopped fill resumes), as customers' 0017 does;
the index is built after the fill.
"""

from django.conf import settings
from django.db import migrations, models, transaction

BATCH = 5000


def fill_keys(apps, schema_editor):
    from guanxi.core.pinyin import pinyin_sort_key
    from guanxi.sales.search import lead_search_text

    Lead = apps.get_model("sales", "Lead")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Lead._meta.db_table)
    last = 0
    while True:
        rows = list(
            Lead._base_manager.using(connection.alias)
            .filter(pk__gt=last, search_text="")
            .order_by("pk")
            .values_list("pk", "name", "company")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        keys = [
            (pk, pinyin_sort_key(name), lead_search_text(name=name, company=company))
            for pk, name, company in rows
        ]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s, %s, %s)"] * len(keys))
                cursor.execute(
                    f"UPDATE {table} AS l SET name_sort = v.k, search_text = v.t "
                    f"FROM (VALUES {values}) AS v(id, k, t) WHERE l.id = v.id",
                    [item for row in keys for item in row],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET name_sort = %s, search_text = %s WHERE id = %s",
                    [(key, text, pk) for pk, key, text in keys],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0007_import_job_any_entity"),
        ("sales", "0015_product_code_and_search_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallead",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="historicallead",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="lead",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="lead",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(fields=["name_sort", "id"], name="lead_name_sort"),
        ),
    ]
