"""Comments on customers (who may write and delete them) and notifications (only one's own)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from guanxi.accounts.models import User
from guanxi.collaboration.models import Comment, Notification
from guanxi.collaboration.selectors import notifications as selectors
from guanxi.collaboration.services import notifications as services
from guanxi.customers.models import Customer
from tests.collaboration.fixtures.notifications import notify


def read(notification: Notification) -> Notification:
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification


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
