"""Quotes 报价 through the services: totals by the order rules, statuses, conversion into an
order (once, with the credit hold), scope per role."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from guanxi.core.exceptions import BusinessRuleError
from guanxi.customers.models import Customer
from guanxi.sales.models import Order, Quote
from guanxi.sales.services import orders as services_orders
from guanxi.sales.services import quotes as services_quotes
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.quotes import make_quote, sent


def test_a_quote_prices_its_lines_like_an_order(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    lines = list(quote.lines.order_by("position"))
    expected = services_orders.line_amount(
        quantity=1, unit_price=products["drill"].price, discount=10
    )
    assert lines[0].amount == expected == Decimal("179.91")
    assert lines[1].unit_price == Decimal("35.50") and lines[1].amount == Decimal("71.00")
    assert quote.total == Decimal("250.91")
    assert quote.code.startswith(f"BJ{timezone.localdate().year}")
    assert quote.status == Quote.Status.DRAFT and quote.owner == org["manager1"]
    assert quote.valid_until == quote.quote_date + datetime.timedelta(days=30)


def test_bad_lines_and_dates_are_refused(org, customers, products):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_quote(org["manager1"], customers["manager1"], products, lines=[])
    assert "at least one line" in refused.value.message_dict["lines"][0]
    with pytest.raises(ValidationError):
        make_quote(
            org["manager1"],
            customers["manager1"],
            products,
            lines=[{"product": products["printer"], "quantity": 1}],
        )
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        make_quote(
            org["manager1"],
            customers["manager1"],
            products,
            quote_date=today,
            valid_until=today - datetime.timedelta(days=1),
        )
    assert "valid_until" in refused.value.message_dict
    assert not Quote.objects.exists()


def test_quotes_only_for_customers_in_scope_with_an_owner(org, customers, products):
    with pytest.raises(Customer.DoesNotExist):
        make_quote(org["manager1"], customers["manager2"], products)
    with pytest.raises(ValidationError):
        make_quote(org["admin"], customers["pool"], products)
    with pytest.raises(PermissionDenied):
        make_quote(org["exec"], customers["manager1"], products)


def test_editing_replaces_lines_and_recomputes_the_total(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    services_quotes.quote_update(
        actor=org["manager1"],
        quote=quote,
        expected_version=quote.version,
        lines=[{"product": products["wrench"], "quantity": 3, "unit_price": "30"}],
        notes="改价",
    )
    quote.refresh_from_db()
    assert quote.total == Decimal("90.00") and quote.lines.count() == 1 and quote.notes == "改价"


def test_status_moves(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    with pytest.raises(BusinessRuleError):
        sent(org["manager1"], quote, Quote.Status.ACCEPTED)
    sent(org["manager1"], quote)
    sent(org["manager1"], quote, Quote.Status.REJECTED)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED
    with pytest.raises(BusinessRuleError):
        services_quotes.quote_update(actor=org["manager1"], quote=quote, notes="x")


def test_converting_makes_one_order_with_the_same_lines(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    with pytest.raises(BusinessRuleError):  # a draft is not converted
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    sent(org["manager1"], quote)
    sent(org["manager1"], quote, Quote.Status.ACCEPTED)

    order = services_quotes.quote_convert(actor=org["manager1"], quote=quote)

    quote.refresh_from_db()
    assert quote.order == order and quote.status == Quote.Status.CONVERTED
    assert order.total == quote.total == Decimal("250.91")
    assert order.customer == quote.customer and order.status == Order.Status.CONFIRMED
    assert [(line.product_id, line.amount) for line in order.lines.all()] == [
        (line.product_id, line.amount) for line in quote.lines.all()
    ]
    customers["manager1"].refresh_from_db()
    assert customers["manager1"].last_order_at is not None  # the churn effects of an order
    with translation.override("en"), pytest.raises(BusinessRuleError, match="already converted"):
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    assert Order.objects.count() == 1


def test_a_sent_quote_converts_too(org, customers, products):
    quote = sent(org["manager1"], make_quote(org["manager1"], customers["manager1"], products))
    assert services_quotes.quote_convert(actor=org["manager1"], quote=quote).pk


def test_the_credit_hold_applies_through_conversion(org, products):
    customer = CustomerFactory(owner=org["manager1"])
    quote = sent(org["manager1"], make_quote(org["manager1"], customer, products))
    Customer.all_objects.filter(pk=customer.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    with pytest.raises(BusinessRuleError):
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    with pytest.raises(PermissionDenied):
        services_quotes.quote_convert(
            actor=org["manager1"], quote=quote, credit_override=True, credit_override_reason="急"
        )
    quote.refresh_from_db()
    assert quote.order is None and quote.status == Quote.Status.SENT
    assert not Order.objects.exists()

    order = services_quotes.quote_convert(
        actor=org["supervisor"], quote=quote, credit_override=True, credit_override_reason="担保"
    )
    assert order.credit_override_by == org["supervisor"]


def test_a_converted_order_carries_the_quotes_notes_and_delivery_terms_and_links_back(
    org, customers, products
):
    quote = make_quote(
        org["manager1"],
        customers["manager1"],
        products,
        notes="  含安装调试  ",
        delivery_terms="  合同签订后 15 日内送货上门，运费由卖方承担  ",
    )
    assert quote.delivery_terms == "合同签订后 15 日内送货上门，运费由卖方承担"
    services_quotes.quote_update(
        actor=org["manager1"], quote=quote, delivery_terms="30 日内交货，FOB 上海"
    )
    sent(org["manager1"], quote)

    order = services_quotes.quote_convert(actor=org["manager1"], quote=quote)

    order = Order.objects.select_related("quote").get(pk=order.pk)
    assert order.notes == "含安装调试"
    assert order.delivery_terms == "30 日内交货，FOB 上海"
    assert order.quote == quote


def _savepoints(queries) -> int:
    return sum(query["sql"].upper().startswith("SAVEPOINT") for query in queries)


def test_a_failure_in_the_nested_order_write_leaves_nothing_written(
    org, customers, products, monkeypatch
):
    quote = sent(org["manager1"], make_quote(org["manager1"], customers["manager1"], products))
    version = quote.version

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    # The order and its lines are written; then the churn step of the same order fails.
    monkeypatch.setattr(services_orders, "customer_order_recorded", broken)
    with pytest.raises(RuntimeError):
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    assert not Order.all_objects.exists()
    quote.refresh_from_db()
    assert quote.order is None and quote.status == Quote.Status.SENT
    assert quote.version == version


def test_nested_service_calls_do_not_create_a_savepoint_of_their_own(org, customers, products):
    """Converting a quote writes its order inside the conversion's transaction: the order's
    write adds no savepoint of its own, so bulk conversions do not pay one per record."""
    lines = [{"product": products["drill"], "quantity": 1}]
    # Rights and content types loaded first, so both measured writes do the same work.
    services_orders.order_create(actor=org["manager1"], customer=customers["manager1"], lines=lines)
    with transaction.atomic(), CaptureQueriesContext(connection) as public:
        services_orders.order_create(
            actor=org["manager1"], customer=customers["manager1"], lines=lines
        )
    with transaction.atomic(), CaptureQueriesContext(connection) as nested:
        services_orders.order_create_within(
            actor=org["manager1"], customer=customers["manager1"], lines=lines
        )
    assert _savepoints(nested.captured_queries) == _savepoints(public.captured_queries) - 1


def test_each_role_sees_the_quotes_of_its_scope(org, customers, products):
    mine = make_quote(org["manager1"], customers["manager1"], products)
    other = make_quote(org["manager2"], customers["manager2"], products)
    from guanxi.sales.selectors.quotes import quote_list

    assert set(quote_list(actor=org["manager1"])) == {mine}
    assert set(quote_list(actor=org["supervisor"])) >= {mine, other}
    assert set(quote_list(actor=org["exec"])) >= {mine, other}
    with pytest.raises(Quote.DoesNotExist):
        services_quotes.quote_update(actor=org["manager2"], quote=mine, notes="x")
