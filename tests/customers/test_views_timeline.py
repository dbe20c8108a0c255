"""The customer 360 page: each part renders, the credit-hold banner and badges, the timeline's
htmx parts, posting and deleting comments, scope, and a query count that does not grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.collaboration.models import Comment
from guanxi.customers.models import Customer
from tests.customers.fixtures.customers import ContactFactory
from tests.customers.fixtures.timeline import ago, comment, document, event, interaction
from tests.service.fixtures.requests import on_timeline

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def customer(customers):
    return customers["manager1"]


def detail(customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def entries(content: str) -> list[str]:
    return re.findall(r'data-testid="timeline-entry" data-kind="(\w+)"', content)


def test_the_360_page_shows_every_part(customer, login, english):
    interaction(customer, summary="季度拜访")
    document(customer, title="框架合同")
    event(customer, text="从公海领取")
    comment(customer, body="记得寄样品")
    content = login("manager1").get(detail(customer)).content.decode()
    for part in (
        "customer-profile",
        "customer-contacts",
        "key-figures",
        "customer-timeline",
        "comment-form",
        "customer-history",
    ):
        assert f'data-testid="{part}"' in content, part
    assert entries(content) == ["comment", "interaction", "document", "event"]
    for text in ("季度拜访", "框架合同", "从公海领取", "记得寄样品", "Claimed from the pool"):
        assert text in content
    assert 'data-figure="recent_interactions"' in content
    assert "LEAD: panels of other modules go here" not in content  # a template comment


def test_sensitive_fields_show_through_the_protection_tag(customer, login):
    Customer.objects.filter(pk=customer.pk).update(phone="021-66668888", tax_id="91310000MA1K")
    content = login("manager1").get(detail(customer)).content.decode()
    assert re.search(r'data-field="phone">021 6666 8888<', content)
    assert re.search(r'data-field="tax_id">91310000MA1K<', content)


def test_the_credit_hold_banner_and_badges(customer, login):
    client = login("manager1")
    pages = [
        detail(customer),
        reverse("customers:contact_create", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
        reverse("customers:contacts_vcard_import", args=[customer.pk]),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert "credit-hold-banner" not in content and 'data-testid="credit-hold"' not in content
    Customer.objects.filter(pk=customer.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    content = client.get(detail(customer)).content.decode()
    assert 'role="alert" data-testid="credit-hold-banner"' in content
    assert 'data-figure="credit_status"' in content and "key-figure-warning" in content
    for url in pages[1:]:
        assert 'data-testid="credit-hold"' in client.get(url).content.decode(), url
    listing = client.get(reverse("customers:list")).content.decode()
    row = re.search(rf'data-pk="{customer.pk}"[^>]*>.*?</tr>', listing, re.S).group(0)
    assert 'class="credit-hold"' in listing and 'data-testid="credit-hold"' in row


def test_out_of_scope_is_404_everywhere(customer, login):
    client = login("manager2")
    note = comment(customer)
    assert client.get(detail(customer)).status_code == 404
    assert client.get(reverse("customers:timeline", args=[customer.pk]), **HTMX).status_code == 404
    posted = client.post(reverse("customers:comment_create", args=[customer.pk]), {"body": "x"})
    assert posted.status_code == 404
    url = reverse("customers:comment_delete", args=[customer.pk, note.pk])
    assert client.post(url).status_code == 404
    assert not Comment.objects.filter(created_by__username="manager2").exists()


def test_links_to_modules_not_installed_yet_are_left_out(customer, login):
    # Interactions and documents get their pages from another module; the page renders without.
    content = login("manager1").get(detail(customer)).content.decode()
    assert ("interaction-create" in content) == _installed("customers:interaction_create", customer)
    assert ("document-create" in content) == _installed("customers:document_create", customer)


def _installed(name, customer) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[customer.pk])
    except NoReverseMatch:
        return False
    return True


def test_load_more_and_filter_by_htmx(customer, login):
    for hour in range(35):
        interaction(customer, when=ago(hours=hour + 1), summary=f"拜访{hour}")
    comment(customer, when=ago(days=10))
    client = login("manager1")
    content = client.get(detail(customer)).content.decode()
    assert len(entries(content)) == 30
    more = re.search(r'hx-get="([^"]+)"\s+hx-target="closest li"', content).group(1)
    part = client.get(more.replace("&amp;", "&"), **HTMX)
    assert part.status_code == 200
    rest = part.content.decode()
    assert entries(rest) == ["interaction"] * 5 + ["comment"]
    assert 'data-testid="timeline-more"' not in rest
    timeline = reverse("customers:timeline", args=[customer.pk])
    only = client.get(timeline, {"kind": "comment"}, **HTMX).content.decode()
    assert entries(only) == ["comment"]
    assert client.get(timeline, {"kind": "nope"}, **HTMX).status_code == 400


def test_without_javascript_the_timeline_parts_are_detail_page_links(customer, login):
    for hour in range(32):
        interaction(customer, when=ago(hours=hour + 1))
    client = login("manager1")
    timeline = reverse("customers:timeline", args=[customer.pk])
    response = client.get(timeline, {"kind": "interaction"})
    assert response.status_code == 302
    assert response["Location"] == detail(customer) + "?kind=interaction"
    content = client.get(detail(customer)).content.decode()
    link = re.search(r'<a class="btn" href="([^"]+)"\s+hx-get', content).group(1)
    older = client.get(link.replace("&amp;", "&")).content.decode()
    assert len(entries(older)) == 2
    # A garbled address falls back to the newest entries instead of failing.
    assert len(entries(client.get(detail(customer), {"before": "junk"}).content.decode())) == 30


def test_posting_a_comment_with_htmx_swaps_the_timeline(customer, login):
    client = login("manager1")
    url = reverse("customers:comment_create", args=[customer.pk])
    response = client.post(url, {"body": "客户要求报价"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="timeline"' in content and "客户要求报价" in content
    assert entries(content) == ["comment"]
    empty = client.post(url, {"body": "   "}, **HTMX)
    assert empty.status_code == 422
    assert 'data-testid="comment-errors"' in empty.content.decode()
    assert Comment.objects.count() == 1


def test_posting_a_comment_without_javascript(customer, login):
    client = login("manager1")
    url = reverse("customers:comment_create", args=[customer.pk])
    response = client.post(url, {"body": "普通提交"})
    assert response.status_code == 302 and response["Location"] == detail(customer)
    assert "普通提交" in client.get(detail(customer)).content.decode()
    refused = client.post(url, {"body": ""})
    assert refused.status_code == 400
    assert 'data-testid="comment-errors"' in refused.content.decode()


def test_an_executive_sees_comments_but_has_no_comment_box(customer, login):
    comment(customer, body="经理的备注")
    client = login("exec")
    content = client.get(detail(customer)).content.decode()
    assert "经理的备注" in content and 'data-testid="comment-form"' not in content
    url = reverse("customers:comment_create", args=[customer.pk])
    assert client.post(url, {"body": "x"}).status_code == 403


def test_deleting_a_comment(customer, login, org):
    mine = comment(customer, body="我的", by=org["manager1"])
    theirs = comment(customer, body="主管的", by=org["supervisor"])
    client = login("manager1")
    content = client.get(detail(customer)).content.decode()
    assert content.count('data-testid="comment-delete"') == 1
    forbidden = reverse("customers:comment_delete", args=[customer.pk, theirs.pk])
    assert client.post(forbidden, **HTMX).status_code == 403
    url = reverse("customers:comment_delete", args=[customer.pk, mine.pk])
    response = client.post(url, **HTMX)
    # The entry swaps itself out: nothing to put in its place, only the out-of-band notice.
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="messages" hx-swap-oob="true">')
    assert not Comment.objects.filter(pk=mine.pk).exists()
    assert client.get(url).status_code == 405
    # A comment is only reachable under its own customer.
    other = reverse("customers:comment_delete", args=[customer.pk + 10**6, theirs.pk])
    assert client.post(other).status_code == 404


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_360_query_count_does_not_grow_with_entries_or_contacts(customer, login, org):
    visit = interaction(customer)
    document(customer, interaction=visit)
    document(customer)
    event(customer)
    comment(customer)
    on_timeline(org, customer)
    client = login("manager1")
    url = detail(customer)
    few = _page_queries(client, url)
    for hour in range(6):  # several rows of every source: an N+1 would show
        visit = interaction(customer, when=ago(hours=hour + 2), by=org["assistant"])
        document(customer, interaction=visit, versions=2)
        document(customer, when=ago(hours=hour + 2))
        event(customer, when=ago(hours=hour + 2), actor=org["supervisor"])
        comment(customer, when=ago(hours=hour + 2), by=org["supervisor"])
        ContactFactory(customer=customer)
        on_timeline(org, customer, when=ago(hours=hour + 2), satisfaction=1 + hour % 5)
    assert _page_queries(client, url) == few
    # Session, user, customer, contacts, 10 timeline sources (orders, deals, quotes, contracts,
    # receivables and service requests included), key figures (the customer's, the orders', the
    # open pipeline's, the receivables' and the service requests'), churn panel, pool actions,
    # field rules, unread count, history...: a fixed set, whatever the customer holds
    # (tests/sales/test_timeline_sales.py adds sales records).
    assert few <= 27, few


def test_the_history_loads_when_opened_and_is_a_page_without_javascript(customer, login, org):
    from guanxi.customers.services import customers as services

    services.customer_update(actor=org["manager1"], customer=customer, name="改名后的公司")
    client = login("manager1")
    detail_page = client.get(detail(customer)).content.decode()
    url = reverse("customers:history", args=[customer.pk])
    assert f'hx-get="{url}"' in detail_page
    assert "改名后的公司" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    whole = client.get(url)
    assert whole.status_code == 200 and "<html" in whole.content.decode()
    assert login("manager3").get(url).status_code == 404
