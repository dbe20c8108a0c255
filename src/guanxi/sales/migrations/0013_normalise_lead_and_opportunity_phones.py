"""Phones of leads and opportunities stored in E.164 (core.phones); a value that is no valid
number is kept as typed."""

from django.db import migrations

from guanxi.core.phones import phone_column_normalise


def forwards(apps, schema_editor):
    phone_column_normalise(apps.get_model("sales", "Lead"), "phone")
    phone_column_normalise(apps.get_model("sales", "Opportunity"), "contact_phone")


class Migration(migrations.Migration):
    dependencies = [("sales", "0012_phones_and_identifiers_checked_in_services")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
