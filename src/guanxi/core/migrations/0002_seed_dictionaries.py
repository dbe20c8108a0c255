from django.db import migrations


def seed(apps, schema_editor):
    from guanxi.core.seed.dictionaries import seed_dictionaries

    seed_dictionaries(apps.get_model("core", "DictionaryEntry"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
