"""Notifications written before kinds existed keep their text (the fallback kind ``text``)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("collaboration", "0001_notifications_comments")]
AFTER = [("collaboration", "0002_notification_kinds_and_preferences")]


@pytest.mark.django_db(transaction=True)
def test_old_notifications_keep_their_stored_text(org):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old = old_apps.get_model("collaboration", "Notification").objects.create(
        recipient_id=org["manager1"].pk,
        title="客户即将被收回",
        body="七天内跟进",
        url="/customers/",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from guanxi.collaboration.models import Notification

    note = Notification.objects.get(pk=old.pk)
    assert note.kind == "text"
    assert (note.title, note.body, note.url) == ("客户即将被收回", "七天内跟进", "/customers/")
