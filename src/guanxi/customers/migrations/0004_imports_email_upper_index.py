"""An index on UPPER(email), for duplicate checks by e-mail (case-insensitive).

Django's ``email__iexact`` on PostgreSQL compares ``UPPER(email)``, and the import looks up a
batch of e-mails with ``UPPER(email) IN (...)``; without this index both scan the whole table.
Raw SQL (like the trigram index of 0002) because the model declares no expression index; the
statement is the same on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEX = "customer_email_upper"


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_interactions_documents_pool_churn_imports")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON customers_customer (UPPER(email))",
            f"DROP INDEX {INDEX}",
        )
    ]
