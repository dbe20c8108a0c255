"""An action answered in place with htmx says what happened: its message travels with the
fragment, out of band into the page's message area, and is not shown again on the next page."""

from django.urls import reverse
from django.utils import timezone

from guanxi.sales.services import opportunities

HTMX = {"HTTP_HX_REQUEST": "true"}


def _assigned(org):
    return opportunities.opportunity_assign(
        actor=org["supervisor"],
        opportunity=opportunities.opportunity_create(
            actor=org["manager1"],
            prospect_name="苏州瑞德电子有限公司",
            probability=40,
            summary="采购",
        ),
        assignee=org["manager1"],
    )


def test_a_plan_item_added_in_place_says_so_once(org, english, login):
    opportunity = _assigned(org)
    client = login("manager1")
    url = reverse("sales:plan_item_create", args=[opportunity.pk])
    body = {"date": timezone.localdate().isoformat(), "content": "上门演示"}

    response = client.post(url, body, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="messages" hx-swap-oob="true"' in page
    assert "The plan item was added." in page
    assert (
        "The plan item was added."
        not in client.get(opportunity.get_absolute_url()).content.decode()
    )


def test_a_refused_plan_item_carries_no_success(org, english, login):
    opportunity = _assigned(org)
    url = reverse("sales:plan_item_create", args=[opportunity.pk])
    response = login("manager1").post(url, {"date": "", "content": ""}, **HTMX)
    assert "hx-swap-oob" not in response.content.decode()


def test_without_htmx_the_message_waits_for_the_next_page(org, english, login):
    opportunity = _assigned(org)
    client = login("manager1")
    url = reverse("sales:plan_item_create", args=[opportunity.pk])
    body = {"date": timezone.localdate().isoformat(), "content": "上门演示"}
    response = client.post(url, body, follow=True)
    page = response.content.decode()
    assert "The plan item was added." in page
    assert "hx-swap-oob" not in page


def test_a_comment_added_and_deleted_in_place_says_so(org, english, login, customers):
    from guanxi.collaboration.models import Comment

    customer = customers["manager1"]
    client = login("manager1")
    added = client.post(
        reverse("customers:comment_create", args=[customer.pk]), {"body": "请跟进"}, **HTMX
    )
    assert "Your comment was added." in added.content.decode()
    comment = Comment.objects.get(object_id=customer.pk)
    deleted = client.post(
        reverse("customers:comment_delete", args=[customer.pk, comment.pk]), **HTMX
    )
    assert "The comment was deleted." in deleted.content.decode()
