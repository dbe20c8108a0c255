"""Users' phones stored in E.164 (core.phones); a value that is no valid number is kept as
typed."""

from django.db import migrations

from guanxi.core.phones import phone_column_normalise


def forwards(apps, schema_editor):
    phone_column_normalise(apps.get_model("accounts", "User"), "phone")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
