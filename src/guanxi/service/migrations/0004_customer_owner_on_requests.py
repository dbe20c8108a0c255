"""The customer's account manager kept on each service request (what scoping reads), filled in
for the requests that exist.

The column is added without its index, filled with one UPDATE (a join on PostgreSQL, a
correlated lookup by primary key on SQLite: seconds for 300,000 requests), and indexed last,
so the fill does not maintain an index entry per row on the way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_customer_owner(apps, schema_editor):
    requests = apps.get_model("service", "ServiceRequest")._meta.db_table
    customers = apps.get_model("customers", "Customer")._meta.db_table
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        sql = (
            f"UPDATE {quote(requests)} AS r SET customer_owner_id = c.owner_id "
            f"FROM {quote(customers)} AS c "
            "WHERE c.id = r.customer_id AND c.owner_id IS NOT NULL"
        )
    else:
        sql = (
            f"UPDATE {quote(requests)} SET customer_owner_id = ("
            f"SELECT c.owner_id FROM {quote(customers)} AS c "
            f"WHERE c.id = {quote(requests)}.customer_id) "
            "WHERE customer_id IS NOT NULL"
        )
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("service", "0003_merge_intake_and_queues"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalservicerequest",
            name="customer_owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="account manager",
            ),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="customer_owner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="account manager",
            ),
        ),
        migrations.RunPython(fill_customer_owner, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="servicerequest",
            name="customer_owner",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="account manager",
            ),
        ),
    ]
