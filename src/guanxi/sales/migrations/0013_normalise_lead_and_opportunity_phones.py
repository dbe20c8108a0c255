"""Phones of leads and opportunities stored in E.164 (core.phones); a value that is no valid
number is kept as typed. Batched by primary key, rows that change nothing are not written."""

from django.db import migrations

from guanxi.core.phones import phone_normalise_or_keep

BATCH = 2000


def _normalise(model, field):
    last = 0
    rows = model.objects.exclude(**{field: ""}).order_by("pk").only("pk", field)
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        changed = []
        for row in batch:
            stored, valid = phone_normalise_or_keep(getattr(row, field))
            if valid and stored != getattr(row, field):
                setattr(row, field, stored)
                changed.append(row)
        model.objects.bulk_update(changed, [field])


def forwards(apps, schema_editor):
    _normalise(apps.get_model("sales", "Lead"), "phone")
    _normalise(apps.get_model("sales", "Opportunity"), "contact_phone")


class Migration(migrations.Migration):
    dependencies = [("sales", "0012_phones_and_identifiers_checked_in_services")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
