"""The sales app's first migration: no tables yet; each subject's migration follows it."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = []
