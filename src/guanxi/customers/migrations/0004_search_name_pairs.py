"""Search keys in the current format, and on SQLite an FTS5 trigram index over them.

The keys now hold the adjacent character pairs of each name and its initials, between
separators, so two-character terms (张伟, ``zw``) are answered by the trigram index. Going back
needs nothing for the keys, as the older search finds the same rows in the new ones; the
SQLite FTS table and its triggers (search_sqlite.py) are dropped.
"""

from django.db import migrations

CHUNK = 2000


def rewrite_keys(apps, schema_editor):
    from guanxi.customers.search import customer_search_text

    Customer = apps.get_model("customers", "Customer")
    Contact = apps.get_model("customers", "Contact")
    rows = Customer.objects.filter(deleted_at__isnull=True).order_by("pk")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).only("pk", "name", "code", "phone", "email")[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        names: dict[int, list[str]] = {}
        contacts = Contact.objects.filter(
            customer_id__in=[customer.pk for customer in chunk], deleted_at__isnull=True
        ).order_by("pk")
        for customer_id, name in contacts.values_list("customer_id", "name"):
            names.setdefault(customer_id, []).append(name)
        for customer in chunk:
            customer.search_text = customer_search_text(
                name=customer.name,
                code=customer.code,
                phone=customer.phone,
                email=customer.email,
                contact_names=names.get(customer.pk, []),
            )
        Customer.objects.bulk_update(chunk, ["search_text"])


def create_fts(apps, schema_editor):
    from guanxi.customers.search_sqlite import fts_ensure

    fts_ensure(schema_editor.connection)


def drop_fts(apps, schema_editor):
    from guanxi.customers.search_sqlite import fts_drop

    fts_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_interactions_documents_pool_churn_imports"),
    ]

    operations = [
        migrations.RunPython(rewrite_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_fts, drop_fts),
    ]
