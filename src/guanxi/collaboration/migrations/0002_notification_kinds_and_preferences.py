"""Notifications store a kind and parameters, worded when read; per-user delivery preferences.

Rows written before keep their stored sentence as the parameters of the fallback kind
``text``, so nothing is lost (they read in the language they were written in).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def text_to_params(apps, schema_editor):
    notification = apps.get_model("collaboration", "Notification")
    rows = notification.objects.using(schema_editor.connection.alias).order_by("pk")
    after = 0
    while True:
        batch = list(rows.filter(pk__gt=after).only("pk", "title", "body")[:BATCH])
        if not batch:
            return
        for row in batch:
            row.kind = "text"
            row.params = {"title": row.title, "body": row.body}
        notification.objects.bulk_update(batch, ["kind", "params"])
        after = batch[-1].pk


def params_to_text(apps, schema_editor):
    notification = apps.get_model("collaboration", "Notification")
    rows = notification.objects.using(schema_editor.connection.alias).order_by("pk")
    after = 0
    while True:
        batch = list(rows.filter(pk__gt=after)[:BATCH])
        if not batch:
            return
        for row in batch:
            params = row.params or {}
            # Kinds worded in code go back as their key and parameters: the best text left.
            row.title = str(params.get("title") or row.kind)[:200]
            row.body = str(params.get("body") or "")
        notification.objects.bulk_update(batch, ["title", "body"])
        after = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0001_notifications_comments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(default="text", max_length=60, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.RunPython(text_to_params, params_to_text),
        migrations.RemoveField(model_name="notification", name="body"),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=60, verbose_name="kind")),
                (
                    "channel",
                    models.CharField(
                        choices=[("in_app", "In the app"), ("email", "By e-mail"), ("off", "Off")],
                        default="in_app",
                        max_length=10,
                        verbose_name="delivery",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
                "ordering": ["user", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="notification_pref_one_per_kind"
                    )
                ],
            },
        ),
    ]
