"""Service requests on the customer 360 page: timeline entries and key figures."""

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.customers import key_figures
from guanxi.customers.timeline import customer_timeline
from tests.customers.fixtures.timeline import ago
from tests.service.fixtures.requests import on_timeline


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def figures(actor, customer) -> dict:
    return {f.key: f for f in key_figures.customer_key_figures(actor=actor, customer=customer)}


def test_requests_appear_on_the_timeline_newest_first(org, customers):
    customer = customers["manager1"]
    older = on_timeline(org, customer, when=ago(days=3), satisfaction=4)
    newer = on_timeline(org, customer, when=ago(hours=1))
    page = customer_timeline(actor=org["manager1"], customer=customer, kinds=["service_request"])
    assert [entry.pk for entry in page.entries] == [newer.pk, older.pk]
    first, second = page.entries
    assert first.title == f"Service request {newer.code}: {newer.summary}"
    assert first.label == "New"
    assert first.url == reverse("service:request_detail", args=[newer.pk])
    assert "satisfaction 4" in second.text
    assert second.subtype == "archived"


def test_the_timeline_pages_through_requests(org, customers):
    customer = customers["manager1"]
    made = [on_timeline(org, customer, when=ago(hours=hour + 1)).pk for hour in range(3)]
    page = customer_timeline(
        actor=org["manager1"], customer=customer, kinds=["service_request"], limit=2
    )
    assert [entry.pk for entry in page.entries] == made[:2]
    rest = customer_timeline(
        actor=org["manager1"],
        customer=customer,
        kinds=["service_request"],
        before=page.next_before,
        limit=2,
    )
    assert [entry.pk for entry in rest.entries] == made[2:]


def test_key_figures_count_open_requests_and_average_every_feedback(org, customers):
    customer = customers["manager1"]
    on_timeline(org, customer)  # open
    on_timeline(org, customer, satisfaction=2)  # back to assigned: open, one score of 2
    on_timeline(org, customer, satisfaction=5)  # archived
    shown = figures(org["manager1"], customer)
    assert shown["open_service_requests"].value == 2
    assert shown["average_satisfaction"].value == 3.5
    assert shown["average_satisfaction"].display == "3.5 (2 answers)"
    assert shown["average_satisfaction"].label == "Satisfaction from service feedback"


def test_a_customer_without_requests_shows_no_average(org, customers):
    shown = figures(org["manager1"], customers["manager1"])
    assert shown["open_service_requests"].value == 0
    assert shown["average_satisfaction"].display == "—"


def test_the_figures_take_one_query(org, customers, django_assert_num_queries):
    from guanxi.customers.key_figures import customer_key_figures

    customer = customers["manager1"]
    on_timeline(org, customer, satisfaction=4)
    on_timeline(org, customer, satisfaction=2)
    actor = org["manager1"]
    customer_key_figures(actor=actor, customer=customer)  # rights are cached on the user
    with django_assert_num_queries(1):
        shown = {f.key: f for f in customer_key_figures(actor=actor, customer=customer)}
    assert shown["average_satisfaction"].value == 3.0


def test_the_360_page_shows_the_requests(login, org, customers):
    customer = customers["manager1"]
    made = on_timeline(org, customer)
    page = login("manager1").get(reverse("customers:detail", args=[customer.pk]))
    html = page.content.decode()
    assert made.code in html
    assert reverse("service:request_detail", args=[made.pk]) in html
