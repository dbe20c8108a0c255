from django.db import migrations


def seed(apps, schema_editor):
    from guanxi.core.dictionary_seed import SEED

    entry = apps.get_model("core", "DictionaryEntry")
    for kind, values in SEED.items():
        for order, (code, name_zh, name_en) in enumerate(values, start=1):
            entry.objects.get_or_create(
                kind=kind, code=code,
                defaults={"name_zh": name_zh, "name_en": name_en, "sort_order": order * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
