"""The customer 360 page, activity first: next steps and the timeline in the centre, key
figures, profile and contacts at the side, related records in tabs loaded when opened — in a
bounded number of queries whatever the customer holds."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.customers.services.interactions import interaction_create
from guanxi.sales.models import Receivable
from guanxi.sales.services.pipeline import deal_create
from tests.customers.fixtures.customers import ContactFactory
from tests.sales.fixtures.contracts import make_contract, open_receivable
from tests.sales.fixtures.orders import make_order, products  # noqa: F401
from tests.sales.fixtures.quotes import make_quote
from tests.service.fixtures.requests import new as new_service_request

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate


def _rich(org, customers, products):  # noqa: F811  (the fixture's value)
    manager = org["manager1"]
    customer = customers["manager1"]
    for _ in range(3):
        ContactFactory(customer=customer)
    for day in range(3):
        interaction_create(
            actor=manager,
            customer=customer,
            kind="call",
            occurred_at=timezone.now() - datetime.timedelta(days=day),
            summary=f"第{day}次回访",
        )
        make_order(manager, customer, products)
    make_quote(manager, customer, products)
    deal_create(
        actor=manager,
        customer=customer,
        title="二期扩产",
        amount="50000",
        expected_close_date=TODAY() + datetime.timedelta(days=10),
    )
    receivable = open_receivable(manager, make_contract(manager, customer), days=5)
    Receivable.objects.filter(pk=receivable.pk).update(
        due_date=TODAY() - datetime.timedelta(days=3)
    )
    new_service_request(org, customers)
    return customer


def test_next_steps_list_what_is_due_soonest_first_with_the_overdue_marked(
    org,
    customers,
    products,  # noqa: F811
    login,
):
    customer = _rich(org, customers, products)
    page = login("manager1").get(reverse("customers:detail", args=[customer.pk]))
    steps = page.context["next_steps"]
    kinds = [step.kind for step in steps]
    assert kinds[0] == "receivable" and steps[0].overdue
    assert "deal" in kinds
    assert [step.when for step in steps] == sorted(step.when for step in steps)
    html = page.content.decode()
    assert 'data-testid="next-steps"' in html and "二期扩产" in html


def test_each_customer_shows_its_own_next_steps_after_another_customers_page(
    org,
    customers,
    products,  # noqa: F811
    login,
):
    # The next steps' query is compiled once per reader and reused for the next customer.
    client = login("supervisor")
    first = _rich(org, customers, products)
    second = customers["manager2"]
    deal_create(
        actor=org["manager2"],
        customer=second,
        title="三号仓库改造",
        amount="8000",
        expected_close_date=TODAY() + datetime.timedelta(days=4),
    )
    seen = {}
    for customer in (first, second, first):
        page = client.get(reverse("customers:detail", args=[customer.pk]))
        seen.setdefault(customer.pk, []).append([step.title for step in page.context["next_steps"]])
    assert seen[second.pk] == [["三号仓库改造"]]
    assert "二期扩产" in seen[first.pk][0] and seen[first.pk][0] == seen[first.pk][1]


def test_the_tabs_load_the_related_records_in_place_and_as_pages(
    org,
    customers,
    products,  # noqa: F811
    login,
):
    customer = _rich(org, customers, products)
    client = login("manager1")
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    for key in ("orders", "deals", "quotes", "contracts", "service", "documents"):
        assert f'data-testid="tab-{key}"' in detail, key
    orders = client.get(reverse("customers:related", args=[customer.pk, "orders"]), **HTMX)
    assert orders.status_code == 200
    assert orders.content.decode().count("/sales/orders/") >= 3
    assert "<html" not in orders.content.decode()
    whole = client.get(reverse("customers:related", args=[customer.pk, "deals"]))
    assert "<html" in whole.content.decode() and "二期扩产" in whole.content.decode()
    assert client.get(reverse("customers:related", args=[customer.pk, "nope"])).status_code == 404
    other = login("manager3").get(reverse("customers:related", args=[customer.pk, "orders"]))
    assert other.status_code == 404


def test_an_assistant_without_the_order_right_gets_no_order_tab(org, customers, login):
    from django.contrib.auth.models import Permission

    assistant = org["assistant"]
    for group in assistant.groups.all():
        group.permissions.remove(Permission.objects.get(codename="view_order"))
    page = login("assistant").get(reverse("customers:detail", args=[customers["manager1"].pk]))
    assert 'data-testid="tab-orders"' not in page.content.decode()


def test_timeline_entries_read_from_the_page_query_match_the_full_rows(
    org,
    customers,
    products,  # noqa: F811
):
    from guanxi.customers import timeline

    customer = _rich(org, customers, products)
    manager = org["manager1"]
    page = timeline.customer_timeline(actor=manager, customer=customer, limit=100)
    assert len({entry.kind for entry in page.entries}) >= 6
    for entry in page.entries:
        provider = timeline._PROVIDERS[entry.kind]
        row = provider.queryset(actor=manager, customer=customer).get(pk=entry.pk)
        if entry.kind == "interaction":
            row.timeline_attachments = list(row.timeline_attachments)
        full = provider.entry(row, actor=manager)
        assert (entry.title, entry.text, entry.label, entry.subtype, entry.links) == (
            full.title,
            full.text,
            full.label,
            full.subtype,
            full.links,
        ), entry.kind
        assert (entry.when, str(entry.actor), entry.url) == (full.when, str(full.actor), full.url)


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_360_page_reads_in_a_fixed_number_of_queries_plus_one_per_kind_shown(
    org,
    customers,
    products,  # noqa: F811
    login,
):
    quiet = customers["manager2"]
    quiet_url = reverse("customers:detail", args=[quiet.pk])
    other = login("manager2")
    other.get(quiet_url)
    # The session, the user, two of rights, scope, the customer, the UNIONs of the timeline
    # and the next steps,
    # contacts, every app's key figures, the unread count, churn and field rules.
    assert _page_queries(other, quiet_url) <= 13

    customer = _rich(org, customers, products)
    client = login("manager1")
    url = reverse("customers:detail", args=[customer.pk])
    client.get(url)
    busy = _page_queries(client, url)
    shown = {entry.kind for entry in client.get(url).context["timeline"].entries}
    assert len(shown) >= 6
    # The timeline's one query reads every kind on its page with what the entries show.
    assert busy <= 15
    for _ in range(3):
        make_order(org["manager1"], customer, products)
    assert _page_queries(client, url) == busy


def test_a_tab_reads_in_a_fixed_number_of_queries_whatever_it_lists(
    org,
    customers,
    products,  # noqa: F811
    login,
):
    customer = customers["manager1"]
    make_order(org["manager1"], customer, products)
    client = login("manager1")
    url = reverse("customers:related", args=[customer.pk, "orders"])
    client.get(url, **HTMX)
    few = _page_queries(client, url)
    for _ in range(4):
        make_order(org["manager1"], customer, products)
    assert _page_queries(client, url) == few
    assert client.get(url, **HTMX).content.decode().count("/sales/orders/") >= 5
