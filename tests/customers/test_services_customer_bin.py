"""A customer in the recycle bin takes what belongs to it along: its contacts, interactions,
documents, orders, quotes, deals, contracts, receivables and service requests vanish from every
list, board, queue, report and API with it, and come back with it on restore — exactly those,
not a record deleted on its own before. Report caches and rollups do not keep counting them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from guanxi.analytics.models import RevenueRanking, RollupRefresh
from guanxi.analytics.selectors.rollups import DAY_FACTS
from guanxi.analytics.services.rollups import day_facts_refresh, revenue_rankings_refresh
from guanxi.core.recycle_bin import recycle_bin_restore
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.customers.services import customers as services
from guanxi.customers.services.interactions import interaction_create
from guanxi.customers.services.merge import customer_merge
from guanxi.sales.models import Contract, Deal, Order, Quote, Receivable
from guanxi.sales.services.pipeline import deal_create
from guanxi.service.models import ServiceRequest
from tests.analytics.fixtures.reports import column, order, run
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.sales.fixtures.contracts import make_contract, open_receivable
from tests.sales.fixtures.orders import make_order, products  # noqa: F401
from tests.sales.fixtures.quotes import make_quote
from tests.service.fixtures.requests import new as new_service_request

API_LISTS = [
    "/api/contacts/",
    "/api/interactions/",
    "/api/orders/",
    "/api/quotes/",
    "/api/deals/",
    "/api/contracts/",
    "/api/receivables/",
    "/api/service-requests/",
]


@pytest.fixture
def family(org, customers, products):  # noqa: F811  (the fixture imported above)
    """manager1's customer with one record of every kind that belongs to a customer."""
    manager = org["manager1"]
    customer = customers["manager1"]
    contract = make_contract(manager, customer)
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, name="王经理"),
        "interaction": interaction_create(
            actor=manager,
            customer=customer,
            kind="call",
            occurred_at=timezone.now(),
            summary="电话回访",
        ),
        "order": make_order(manager, customer, products),
        "quote": make_quote(manager, customer, products),
        "deal": deal_create(actor=manager, customer=customer, title="扩容项目", amount="9000"),
        "contract": contract,
        "receivable": open_receivable(manager, contract),
        "service_request": new_service_request(org, customers),
    }


def _live(record) -> bool:
    return type(record).objects.filter(pk=record.pk).exists()


def _delete(org, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.customer_delete(actor=org["manager1"], customer=customer)


def _restore(org, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recycle_bin_restore(actor=org["admin"], instance=Customer.all_objects.get(pk=customer.pk))


def _api_ids(api, path) -> set[int]:
    response = api(path)
    assert response.status_code == 200, (path, response.content[:300])
    return {row["id"] for row in response.json()["results"]}


def test_what_belongs_to_a_deleted_customer_vanishes_and_comes_back_on_restore(
    org, family, django_capture_on_commit_callbacks
):
    records = [record for key, record in family.items() if key != "customer"]
    assert all(_live(record) for record in records)

    _delete(org, family["customer"], django_capture_on_commit_callbacks)
    assert not any(_live(record) for record in records)
    stamp = Customer.all_objects.get(pk=family["customer"].pk).deleted_at
    for record in records:
        stored = type(record).all_objects.get(pk=record.pk)
        assert (stored.deleted_at, stored.deleted_by) == (stamp, org["manager1"])

    _restore(org, family["customer"], django_capture_on_commit_callbacks)
    assert all(_live(record) for record in records)
    assert all(type(r).objects.get(pk=r.pk).deleted_by is None for r in records)


def test_lists_boards_and_queues_of_every_reader_lose_them(
    org, family, login, api, django_capture_on_commit_callbacks
):
    supervisor = api("supervisor")
    before = {path: _api_ids(supervisor.get, path) for path in API_LISTS}
    own = {
        "/api/contacts/": family["contact"].pk,
        "/api/interactions/": family["interaction"].pk,
        "/api/orders/": family["order"].pk,
        "/api/quotes/": family["quote"].pk,
        "/api/deals/": family["deal"].pk,
        "/api/contracts/": family["contract"].pk,
        "/api/receivables/": family["receivable"].pk,
        "/api/service-requests/": family["service_request"].pk,
    }
    assert all(own[path] in before[path] for path in API_LISTS)

    _delete(org, family["customer"], django_capture_on_commit_callbacks)
    for path in API_LISTS:
        assert own[path] not in _api_ids(supervisor.get, path), path
    page = login("supervisor")
    board = page.get(reverse("sales:pipeline_board")).content.decode()
    assert "扩容项目" not in board
    assert page.get(reverse("sales:order_detail", args=[family["order"].pk])).status_code == 404

    _restore(org, family["customer"], django_capture_on_commit_callbacks)
    for path in API_LISTS:
        assert own[path] in _api_ids(supervisor.get, path), path
    assert "扩容项目" in page.get(reverse("sales:pipeline_board")).content.decode()


def test_a_record_deleted_on_its_own_before_stays_in_the_bin(
    org, customers, django_capture_on_commit_callbacks
):
    customer = customers["manager1"]
    gone_before = ContactFactory(customer=customer, name="离职联系人")
    services.contact_delete(actor=org["manager1"], contact=gone_before)
    stays = ContactFactory(customer=customer, name="在职联系人")

    _delete(org, customer, django_capture_on_commit_callbacks)
    _restore(org, customer, django_capture_on_commit_callbacks)

    assert Contact.objects.filter(pk=stays.pk).exists()
    assert not Contact.objects.filter(pk=gone_before.pk).exists()


def test_the_bin_lists_the_customer_with_its_records_not_each_of_them(
    org, family, login, django_capture_on_commit_callbacks
):
    _delete(org, family["customer"], django_capture_on_commit_callbacks)
    page = login("admin").get(reverse("core:recycle_bin")).content.decode()
    assert f'data-testid="deleted-customers.customer-{family["customer"].pk}"' in page
    assert f'data-testid="deleted-sales.order-{family["order"].pk}"' not in page
    assert f'data-testid="deleted-customers.contact-{family["contact"].pk}"' not in page
    # its primary contact and the eight records of the family
    followers = re.search(r'data-testid="followers">([^<]*)<', page)
    assert followers is not None
    assert re.findall(r"\d+", followers.group(1)) == ["9"], followers.group(1)


def test_a_record_of_a_customer_in_the_bin_is_not_restored_alone(
    org, family, login, english, django_capture_on_commit_callbacks
):
    _delete(org, family["customer"], django_capture_on_commit_callbacks)
    order_in_bin = Order.all_objects.get(pk=family["order"].pk)
    response = login("admin").post(
        reverse("core:recycle_restore", args=["sales.order", order_in_bin.pk]), follow=True
    )
    assert "which is in the recycle bin" in response.content.decode()
    assert not Order.objects.filter(pk=order_in_bin.pk).exists()


def test_history_says_the_records_went_with_their_customer(
    org, family, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        _delete(org, family["customer"], django_capture_on_commit_callbacks)
    entry = Order.history.filter(id=family["order"].pk).latest("history_date")
    assert entry.deleted_at is not None
    assert entry.history_user == org["manager1"]
    assert "with the record it belongs to" in entry.history_change_reason


def test_a_cached_report_stops_counting_a_deleted_customer(
    org, customers, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    gone = CustomerFactory(owner=org["manager1"], name="将删除公司")
    order(gone, today, "800.00")
    order(customers["manager2"], today, "100.00")
    first = run("customer-contribution", org["exec"], preset="this_year")
    assert column(first["rows"], "name")[0] == "将删除公司"

    _delete(org, gone, django_capture_on_commit_callbacks)
    again = run("customer-contribution", org["exec"], preset="this_year")
    assert "将删除公司" not in column(again["rows"], "name")
    assert again["summary"]["amount"] == first["summary"]["amount"] - Decimal("800.00")

    _restore(org, gone, django_capture_on_commit_callbacks)
    back = run("customer-contribution", org["exec"], preset="this_year")
    assert column(back["rows"], "name")[0] == "将删除公司"


def test_rollups_are_dropped_and_their_rebuild_queued_once(
    org, customers, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    gone = CustomerFactory(owner=org["manager1"], name="将删除公司")
    also_gone = CustomerFactory(owner=org["manager1"], name="也删除公司")
    order(gone, today.replace(day=1), "800.00")
    day_facts_refresh()
    revenue_rankings_refresh()
    assert RollupRefresh.objects.filter(name=DAY_FACTS).exists()
    assert RevenueRanking.objects.exists()

    _delete(org, gone, django_capture_on_commit_callbacks)
    _delete(org, also_gone, django_capture_on_commit_callbacks)

    assert not RollupRefresh.objects.filter(name=DAY_FACTS).exists()
    assert not RevenueRanking.objects.exists()
    queued = DBTaskResult.objects.filter(task_path__startswith="guanxi.analytics.tasks.")
    assert sorted(queued.values_list("task_path", flat=True)) == [
        "guanxi.analytics.tasks.refresh_day_facts",
        "guanxi.analytics.tasks.refresh_revenue_rankings",
    ]
    ranking = run("customer-contribution", org["exec"], preset="this_year")
    assert "将删除公司" not in column(ranking["rows"], "name")


def test_merging_moves_the_records_instead_of_binning_them(
    org, customers, django_capture_on_commit_callbacks
):
    survivor, merged = customers["manager1"], CustomerFactory(owner=org["manager1"])
    contact = ContactFactory(customer=merged)
    with django_capture_on_commit_callbacks(execute=True):
        customer_merge(actor=org["admin"], survivor=survivor, merged=merged)
    moved = Contact.objects.get(pk=contact.pk)
    assert moved.customer == survivor


def test_interactions_and_service_requests_follow_through_their_customer_only(
    org, family, django_capture_on_commit_callbacks
):
    other = CustomerFactory(owner=org["manager1"])
    untouched = interaction_create(
        actor=org["manager1"],
        customer=other,
        kind="visit",
        occurred_at=timezone.now(),
        summary="拜访",
    )
    _delete(org, family["customer"], django_capture_on_commit_callbacks)
    assert Interaction.objects.filter(pk=untouched.pk).exists()
    assert not ServiceRequest.objects.filter(customer=family["customer"]).exists()
    assert not Deal.objects.filter(customer=family["customer"]).exists()
    assert not Quote.objects.filter(customer=family["customer"]).exists()
    assert not Contract.objects.filter(customer=family["customer"]).exists()
    assert not Receivable.objects.filter(customer=family["customer"]).exists()


def test_purging_says_what_goes_with_the_customer(
    org, customers, login, django_capture_on_commit_callbacks
):
    customer = customers["manager2"]
    ContactFactory(customer=customer)
    _delete(org, customer, django_capture_on_commit_callbacks)
    url = reverse("core:recycle_purge", args=["customers.customer", customer.pk])
    page = login("admin").get(url).content.decode()
    said = re.search(r'data-testid="purge-followers">([^<]*)<', page)
    assert said is not None
    assert re.findall(r"\d+", said.group(1)) == ["2"]
    login("admin").post(url)
    assert not Contact.all_objects.filter(customer_id=customer.pk).exists()
