"""The customer import runs on the import framework (core.ImportJob): its own job table goes.

Jobs of the old table are not carried over: they were only the history of past uploads.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0020_customer_notes'),
    ]

    operations = [
        migrations.DeleteModel(
            name='ImportJob',
        ),
    ]
