"""Sales on the customer 360 page: deals, quotes, contracts and receivables (with payments) on
the timeline, each linking to its page within the reader's scope; the open pipeline and the
outstanding receivables among the key figures; and a page that costs the same number of queries
whatever the customer holds."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.formatting import format_date
from guanxi.customers import key_figures
from guanxi.customers.timeline import customer_timeline
from guanxi.sales.models import PipelineStage
from guanxi.sales.services import contracts as services_contracts
from guanxi.sales.services import pipeline as services_pipeline
from guanxi.sales.services import quotes as services_quotes
from tests.sales.fixtures.orders import make_order


@pytest.fixture
def customer(customers):
    return customers["manager1"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def deal(actor, customer, *, amount="10000.00", owner=None, stage=None, **extra):
    return services_pipeline.deal_create(
        actor=actor,
        customer=customer,
        owner=owner or customer.owner,
        title=extra.pop("title", "年度采购"),
        amount=Decimal(amount),
        stage=stage,
        **extra,
    )


def quote(actor, customer, products):
    return services_quotes.quote_create(
        actor=actor, customer=customer, lines=[{"product": products["drill"], "quantity": 2}]
    )


def contract(actor, customer, amount="5000.00"):
    return services_contracts.contract_create(
        actor=actor, customer=customer, title="年度供货合同", amount=Decimal(amount)
    )


def receivable(actor, source, *, days=30, paid=()):
    made = services_contracts.receivable_create(
        actor=actor,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        contract=source,
    )
    for amount in paid:
        services_contracts.payment_record(actor=actor, receivable=made, amount=Decimal(amount))
    made.refresh_from_db()
    return made


def sales_records(org, customer, products, *, count=1):
    """``count`` of each: a deal, a quote, a contract with a receivable paid in two parts."""
    manager = org["manager1"]
    for _ in range(count):
        deal(manager, customer)
        quote(manager, customer, products)
        receivable(manager, contract(manager, customer), paid=("1000.00", "500.00"))


def entries(actor, customer, kinds=None):
    return customer_timeline(actor=actor, customer=customer, kinds=kinds, limit=100).entries


def test_each_sales_record_is_on_the_timeline_linking_to_its_page(org, customer, products):
    manager = org["manager1"]
    made_deal = deal(manager, customer, title="服务器扩容")
    made_quote = quote(manager, customer, products)
    made_contract = contract(manager, customer)
    made_receivable = receivable(manager, made_contract, paid=("1000.00", "500.00"))
    shown = {entry.kind: entry for entry in entries(manager, customer)}
    assert shown["deal"].url == reverse("sales:deal_detail", args=[made_deal.pk])
    assert shown["deal"].title == "Deal: 服务器扩容"
    assert "¥10,000.00" in shown["deal"].text
    assert shown["quote"].url == reverse("sales:quote_detail", args=[made_quote.pk])
    assert made_quote.code in shown["quote"].title and "¥399.80" in shown["quote"].text
    assert shown["contract"].url == reverse("sales:contract_detail", args=[made_contract.pk])
    assert shown["contract"].label == "Draft"
    receivable_entry = shown["receivable"]
    assert receivable_entry.url == reverse("sales:receivable_detail", args=[made_receivable.pk])
    assert made_contract.code in receivable_entry.title
    assert "balance ¥3,500.00" in receivable_entry.text
    assert receivable_entry.label == "Partially paid"
    assert [link.title for link in receivable_entry.links] == [
        f"Payment ¥1,000.00 on {format_date(timezone.localdate())}",
        f"Payment ¥500.00 on {format_date(timezone.localdate())}",
    ]


def test_a_converted_quote_links_its_order_and_an_overdue_receivable_says_so(
    org, customer, products
):
    manager = org["manager1"]
    made = quote(manager, customer, products)
    made = services_quotes.quote_set_status(actor=manager, quote=made, status="sent")
    order = services_quotes.quote_convert(actor=manager, quote=made)
    late = receivable(manager, contract(manager, customer), days=-3)
    shown = {entry.kind: entry for entry in entries(manager, customer)}
    assert shown["quote"].links[0].url == reverse("sales:order_detail", args=[order.pk])
    assert shown["receivable"].label == "Overdue" and shown["receivable"].subtype == "overdue"
    assert shown["receivable"].pk == late.pk


def test_deals_follow_their_own_scope_and_the_kind_filter_works(org, customer, products):
    supervisor = org["supervisor"]
    mine = deal(org["manager1"], customer)
    theirs = deal(supervisor, customer, owner=org["manager2"], title="同事的商机")
    quote(org["manager1"], customer, products)
    assert [e.pk for e in entries(org["manager1"], customer, ["deal"])] == [mine.pk]
    assert {e.pk for e in entries(supervisor, customer, ["deal"])} == {mine.pk, theirs.pk}
    assert {e.kind for e in entries(org["exec"], customer, ["deal", "quote"])} == {"deal", "quote"}
    assert [e.pk for e in entries(org["assistant"], customer, ["deal"])] == [
        mine.pk
    ]  # supports manager1


def figures(actor, customer) -> dict:
    return {f.key: f for f in key_figures.customer_key_figures(actor=actor, customer=customer)}


def test_the_key_figures_show_the_open_pipeline_and_what_is_owed(org, customer, products):
    manager = org["manager1"]
    deal(manager, customer, amount="10000.00")  # first stage, its default probability
    deal(manager, customer, amount="999.00", probability=33)
    won = PipelineStage.objects.filter(is_won=True).first()
    deal(manager, customer, amount="50000.00", stage=won)  # closed: not in the pipeline
    deal(org["supervisor"], customer, owner=org["manager2"], amount="7000.00")  # not manager1's
    first = PipelineStage.objects.filter(is_won=False, is_lost=False).order_by("order").first()
    receivable(manager, contract(manager, customer, "5000.00"), paid=("1000.00",))
    receivable(manager, contract(manager, customer, "300.00"), days=-1)
    receivable(manager, contract(manager, customer, "200.00"), paid=("200.00",), days=-9)
    shown = figures(manager, customer)
    assert shown["open_deals"].value == 2
    assert shown["open_pipeline"].value == Decimal("10999.00")
    expected = (Decimal("10000.00") * first.probability + Decimal("999.00") * 33) / 100
    assert shown["weighted_pipeline"].value == expected.quantize(Decimal("0.01"))
    assert shown["outstanding_receivables"].value == Decimal("4300.00")
    assert shown["outstanding_receivables"].display == "¥4,300.00"
    assert shown["overdue_receivables"].value == Decimal("300.00")
    assert shown["overdue_receivables"].tone == "warning"
    assert figures(org["supervisor"], customer)["open_pipeline"].value == Decimal("17999.00")


def test_the_key_figures_of_a_customer_without_sales(org, customer):
    shown = figures(org["manager1"], customer)
    assert shown["open_pipeline"].display == "¥0.00"
    assert shown["outstanding_receivables"].value == Decimal("0.00")
    assert shown["overdue_receivables"].tone == ""


def test_the_page_shows_them(org, customer, products, login):
    sales_records(org, customer, products)
    org["manager1"].language = "en"
    org["manager1"].save(update_fields=["language"])
    page = login("manager1").get(customer.get_absolute_url()).content.decode()
    for kind in ("deal", "quote", "contract", "receivable"):
        assert f'data-kind="{kind}"' in page
    assert "Outstanding receivables" in page and "Open pipeline" in page


def _timeline_queries(actor, customer) -> int:
    with CaptureQueriesContext(connection) as captured:
        entries(actor, customer)
    return len(captured)


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_the_sales_records(org, customer, products, login):
    manager = org["manager1"]
    sales_records(org, customer, products)
    make_order(manager, customer, products)
    _timeline_queries(manager, customer)  # rights and scope get cached on the user
    few = _timeline_queries(manager, customer)
    # One UNION query reads the page's rows of every kind (orders, deals, quotes, contracts,
    # receivables) with what they show; one more reads the payments of the paid receivables.
    assert few == 2
    client = login("manager1")
    page = _page_queries(client, customer.get_absolute_url())
    sales_records(org, customer, products, count=12)
    for _ in range(5):
        make_order(manager, customer, products)
    assert _timeline_queries(manager, customer) == few
    assert _page_queries(client, customer.get_absolute_url()) == page


def test_an_order_on_the_timeline_shows_its_date_in_the_readers_language(org, customer, products):
    made = make_order(org["manager1"], customer, products)
    shown = {e.kind: e for e in entries(org["manager1"], customer, kinds=["order"])}
    # English readers get the locale's date (Dec 7, 2026), not the ISO form.
    assert shown["order"].text.startswith(format_date(made.order_date))
    assert not shown["order"].text.startswith(made.order_date.strftime("%Y-%m-%d"))
