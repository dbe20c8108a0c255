"""Comments on customers (who may write and delete them) and notifications (only one's own)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from guanxi.accounts.models import User
from guanxi.collaboration import notification_kinds
from guanxi.collaboration.models import Comment, Notification, NotificationPreference
from guanxi.collaboration.selectors import notifications as selectors
from guanxi.collaboration.services import notifications as services
from guanxi.customers.models import Customer
from tests.collaboration.fixtures.notifications import notify


def read(notification: Notification) -> Notification:
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def customer(customers):
    return customers["manager1"]


# --- comment services -----------------------------------------------------------------------


def test_a_manager_comments_on_an_own_customer(org, customer):
    comment = services.comment_create(actor=org["manager1"], target=customer, body="  已电话回访 ")
    assert comment.body == "已电话回访"
    assert comment.target == customer and comment.created_by == org["manager1"]
    # Nobody is told about their own comment.
    assert not Notification.objects.exists()


def test_a_comment_by_someone_else_notifies_the_owner(org, customer):
    User.objects.filter(pk=org["manager1"].pk).update(language="en")
    org["manager1"].refresh_from_db()
    services.comment_create(actor=org["supervisor"], target=customer, body="下周一起拜访")
    (note,) = Notification.objects.filter(recipient=org["manager1"])
    with translation.override("en"):
        assert note.title == f"{org['supervisor']} commented on {customer}"
    assert note.body == "下周一起拜访"
    assert note.url == customer.get_absolute_url()


def test_an_empty_comment_is_refused_naming_the_field(org, customer):
    with pytest.raises(ValidationError) as error:
        services.comment_create(actor=org["manager1"], target=customer, body="   ")
    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()


def test_only_customers_in_scope_can_be_commented(org, customer):
    with pytest.raises(Customer.DoesNotExist):
        services.comment_create(actor=org["manager2"], target=customer, body="越权")
    assert not Comment.objects.exists()


def test_an_executive_reads_but_does_not_comment(org, customer):
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=org["exec"], target=customer, body="看看")


def test_the_author_or_an_administrator_deletes_a_comment(org, customer):
    comment = services.comment_create(actor=org["manager1"], target=customer, body="一")
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=org["supervisor"], comment=comment)
    services.comment_delete(actor=org["manager1"], comment=comment)
    assert Comment.all_objects.get(pk=comment.pk).deleted_by == org["manager1"]
    other = services.comment_create(actor=org["supervisor"], target=customer, body="二")
    services.comment_delete(actor=org["admin"], comment=other)
    assert not Comment.objects.exists()


def test_comment_get_follows_the_target_scope(org, customer):
    comment = services.comment_create(actor=org["supervisor"], target=customer, body="三")
    assert selectors.comment_get(actor=org["manager1"], pk=comment.pk, model=Customer) == comment
    with pytest.raises(Comment.DoesNotExist):
        selectors.comment_get(actor=org["manager2"], pk=comment.pk)


# --- notifications --------------------------------------------------------------------------


def test_notification_selectors_read_only_ones_own(org):
    mine = notify(org["manager1"])
    notify(org["manager2"])
    read(notify(org["manager1"], title="已读"))
    assert {n.pk for n in selectors.notification_list(actor=org["manager1"], unread_only=True)} == {
        mine.pk
    }
    assert selectors.notification_list(actor=org["manager1"]).count() == 2
    assert selectors.notification_unread_count(actor=org["manager1"]) == 1


def test_the_page_lists_own_notifications_and_marks_them_read(org, login):
    first = notify(org["manager1"], title="第一条")
    notify(org["manager1"], title="第二条", url="https://evil.example/")
    notify(org["manager2"], title="别人的")
    client = login("manager1")
    page = client.get(reverse("collaboration:notifications")).content.decode()
    assert "第一条" in page and "第二条" in page and "别人的" not in page
    assert 'href="https://evil.example/"' not in page  # only same-site links
    assert 'data-testid="unread-count">2<' in page
    client.post(reverse("collaboration:notification_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("collaboration:notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org["manager1"], read_at__isnull=True)
    page = client.get(reverse("collaboration:notifications")).content.decode()
    assert 'data-testid="unread-count"' not in page


def test_marking_someone_elses_notification_changes_nothing(org, login):
    theirs = notify(org["manager2"])
    login("manager1").post(reverse("collaboration:notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_count_costs_one_query(org, login):
    for _ in range(5):
        notify(org["manager1"])
    client = login("manager1")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="unread-count">5<' in page
    sqls = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in sqls if "collaboration_notification" in sql]) == 1


def test_the_notifications_page_needs_a_sign_in(db, client):
    response = client.get(reverse("collaboration:notifications"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- notifications API ----------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_only_own_notifications(org):
    notify(org["manager1"], title="我的")
    notify(org["manager2"], title="别人的")
    body = api(org["manager1"]).get("/api/notifications/").json()
    assert [row["title"] for row in body["results"]] == ["我的"]
    assert body["count"] == 1
    already = read(notify(org["manager1"], title="x"))
    unread = api(org["manager1"]).get("/api/notifications/?unread=true").json()["results"]
    assert already.pk not in {row["id"] for row in unread}


def test_the_api_marks_own_notifications_read(org):
    mine = notify(org["manager1"])
    other_mine = notify(org["manager1"])
    theirs = notify(org["manager2"])
    client = api(org["manager1"])
    response = client.post("/api/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }
    other_mine.refresh_from_db()
    assert other_mine.read_at is not None


def test_the_api_names_the_missing_field(org):
    response = api(org["manager1"]).post("/api/notifications/read/", {}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["error"]["fields"]
    bad = api(org["manager1"]).post("/api/notifications/read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400 and "ids.0" in bad.json()["error"]["fields"]


def test_the_notifications_api_needs_authentication(db):
    assert APIClient().get("/api/notifications/").status_code == 401
    assert APIClient().post("/api/notifications/read/", {"all": True}).status_code == 401


# --- wording at read time -------------------------------------------------------------------


def comment_notice(org, customer) -> Notification:
    services.comment_create(actor=org["supervisor"], target=customer, body="下周一起拜访")
    return Notification.objects.get(recipient=org["manager1"])


def test_a_stored_notification_reads_in_the_readers_current_language(org, customer):
    note = comment_notice(org, customer)
    assert note.kind == notification_kinds.COMMENT
    assert note.params["author"] == str(org["supervisor"])
    with translation.override("zh-hans"):
        assert (
            Notification.objects.get(pk=note.pk).title == f"{org['supervisor']} 评论了 {customer}"
        )
    with translation.override("en"):
        assert (
            Notification.objects.get(pk=note.pk).title
            == f"{org['supervisor']} commented on {customer}"
        )


def test_the_api_words_notifications_in_the_callers_language(org, customer):
    comment_notice(org, customer)
    manager = org["manager1"]
    for language, words in (("en", "commented on"), ("zh-hans", "评论了")):
        User.objects.filter(pk=manager.pk).update(language=language)
        manager.refresh_from_db()
        (row,) = api(manager).get("/api/notifications/").json()["results"]
        assert words in row["title"] and row["kind"] == notification_kinds.COMMENT


def test_an_unknown_kind_still_shows_its_stored_text(org):
    note = Notification.objects.create(
        recipient=org["manager1"], kind="gone.app_kind", params={"title": "旧通知"}
    )
    assert note.title == "旧通知"


def test_sending_an_unregistered_kind_is_a_programming_error(org):
    with pytest.raises(ValueError):
        services.notification_send(recipient=org["manager1"], kind="nobody.registered_this")


# --- preferences ----------------------------------------------------------------------------

COMMENT = notification_kinds.COMMENT


def test_notifications_arrive_in_the_app_by_default(org):
    assert selectors.notification_channel(user=org["manager1"], kind=COMMENT) == "in_app"
    sent = services.notification_send(
        recipient=org["manager1"], kind=COMMENT, params={"author": "a", "record": "b"}
    )
    assert sent is not None and sent.pk


def test_notification_preference_off_sends_nothing(org, mailoutbox):
    services.notification_preference_set(actor=org["manager1"], kind=COMMENT, channel="off")
    sent = services.notification_send(
        recipient=org["manager1"], kind=COMMENT, params={"author": "a", "record": "b"}
    )
    assert sent is None
    assert not Notification.objects.exists() and not mailoutbox


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_notification_preference_email_mails_in_the_recipients_language(
    org, customer, mailoutbox, django_capture_on_commit_callbacks
):
    manager = org["manager1"]
    User.objects.filter(pk=manager.pk).update(email="zhang@example.com", language="zh-hans")
    services.notification_preference_set(actor=manager, kind=COMMENT, channel="email")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=org["supervisor"], target=customer, body="下周一起拜访")
    assert not Notification.objects.filter(recipient=manager).exists()
    (mail,) = mailoutbox
    assert mail.to == ["zhang@example.com"]
    assert mail.subject == f"{org['supervisor']} 评论了 {customer}"
    assert "下周一起拜访" in mail.body
    assert mail.body.endswith(customer.get_absolute_url())


def test_notification_preference_email_without_an_address_falls_back_to_the_app(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    manager = org["manager1"]
    User.objects.filter(pk=manager.pk).update(email="")
    manager.refresh_from_db()
    services.notification_preference_set(actor=manager, kind=COMMENT, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.notification_send(
            recipient=manager, kind=COMMENT, params={"author": "a", "record": "b"}
        )
    assert sent is not None and not mailoutbox


def test_a_failing_mail_server_costs_only_the_mail(org, monkeypatch):
    manager = org["manager1"]
    manager.email = "zhang@example.com"

    def down(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(services, "send_mail", down)
    assert not services.notification_email_send(
        recipient=manager, kind=COMMENT, params={"author": "a", "record": "b"}, url="/x/"
    )


def test_a_preference_names_the_field_it_refuses(org):
    with pytest.raises(ValidationError) as unknown:
        services.notification_preference_set(actor=org["manager1"], kind="nope", channel="off")
    assert "kind" in unknown.value.message_dict
    with pytest.raises(ValidationError) as fallback:
        services.notification_preference_set(
            actor=org["manager1"], kind=notification_kinds.TEXT, channel="off"
        )
    assert "kind" in fallback.value.message_dict
    with pytest.raises(ValidationError) as channel:
        services.notification_preference_set(actor=org["manager1"], kind=COMMENT, channel="sms")
    assert "channel" in channel.value.message_dict
    assert not NotificationPreference.objects.exists()


def test_preferences_are_each_users_own(org):
    services.notification_preference_set(actor=org["manager1"], kind=COMMENT, channel="off")
    services.notification_preference_set(actor=org["manager1"], kind=COMMENT, channel="email")
    mine = {
        row.kind: row.channel
        for row in selectors.notification_preference_list(actor=org["manager1"])
    }
    theirs = {
        row.kind: row.channel
        for row in selectors.notification_preference_list(actor=org["manager2"])
    }
    assert mine[COMMENT] == "email" and theirs[COMMENT] == "in_app"
    assert notification_kinds.TEXT not in mine
    # Every app's kinds are listed (registered from their ready()).
    assert {
        "customers.churn_digest",
        "sales.opportunity_assigned",
        "service.request_overdue",
    } <= set(mine)


def test_the_preferences_page_saves_the_choices(org, login):
    client = login("manager1")
    url = reverse("collaboration:notification_preferences")
    page = client.get(url).content.decode()
    assert 'data-kind="customers.churn_digest"' in page
    response = client.post(url, {COMMENT: "off", "customers.churn_digest": "email"})
    assert response.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=org["manager1"]).values_list("kind", "channel")
    )
    assert chosen == {COMMENT: "off", "customers.churn_digest": "email"}
    bad = client.post(url, {COMMENT: "sms"})
    assert bad.status_code == 400
    assert NotificationPreference.objects.get(user=org["manager1"], kind=COMMENT).channel == "off"


def test_the_preferences_page_is_linked_from_notifications_and_the_profile(org, login):
    client = login("manager1")
    link = reverse("collaboration:notification_preferences")
    assert link in client.get(reverse("collaboration:notifications")).content.decode()
    assert link in client.get(reverse("accounts:profile")).content.decode()


def test_the_preferences_api_lists_and_changes_the_callers_choices(org):
    client = api(org["manager1"])
    rows = client.get("/api/notification-preferences/").json()
    assert any(row["kind"] == COMMENT and row["channel"] == "in_app" for row in rows)
    response = client.put(
        f"/api/notification-preferences/{COMMENT}/", {"channel": "off"}, format="json"
    )
    assert response.status_code == 200 and response.json()["channel"] == "off"
    bad = client.put(f"/api/notification-preferences/{COMMENT}/", {"channel": "sms"}, format="json")
    assert bad.status_code == 400 and "channel" in bad.json()["error"]["fields"]
    unknown = client.put("/api/notification-preferences/nope/", {"channel": "off"}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["error"]["fields"]
    assert APIClient().get("/api/notification-preferences/").status_code == 401


# --- query counts ---------------------------------------------------------------------------


def _mixed_notifications(user, count):
    for index in range(count):
        if index % 2:
            notify(user, title=f"旧通知 {index}")
        else:
            services.notification_send(
                recipient=user, kind=COMMENT, params={"author": "李华东", "record": f"客户 {index}"}
            )


def test_the_notifications_page_and_api_cost_the_same_queries_for_more_rows(org, login):
    manager = org["manager1"]
    client = login("manager1")
    _mixed_notifications(manager, 2)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("collaboration:notifications")).status_code == 200
        return len(captured.captured_queries)

    def api_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api(manager).get("/api/notifications/").status_code == 200
        return len(captured.captured_queries)

    few_page, few_api = page_queries(), api_queries()
    _mixed_notifications(manager, 20)
    assert page_queries() == few_page
    assert api_queries() == few_api
