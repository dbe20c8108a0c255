"""Order services: amounts and totals, credit hold by role, scope, churn, cancel, stale edits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.customers.models import ChurnCase, Customer, CustomerEvent
from guanxi.customers.services import churn as services_churn
from guanxi.customers.services.credit import customer_credit_hold_set
from guanxi.sales.models import Order
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.services.orders import (
    line_amount,
    order_advance,
    order_cancel,
    order_update,
)
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import make_order

# -- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "expected"),
    [
        ("3", "19.99", "0", "59.97"),
        ("1", "10.00", "12.5", "8.75"),
        # 0.125 rounds half up to 0.13 (banker's rounding would give 0.12).
        ("1", "0.25", "50", "0.13"),
        ("2.5", "3.33", "10", "7.49"),  # 8.325 × 0.9 = 7.4925
        ("1", "0.05", "50", "0.03"),  # 0.025 → 0.03
        ("7", "100.00", "100", "0.00"),
    ],
)
def test_line_amount_rounds_half_up_to_cents(quantity, price, discount, expected):
    amount = line_amount(quantity=Decimal(quantity), unit_price=Decimal(price), discount=discount)
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


def test_the_order_stores_line_amounts_and_their_sum(org, customers, products):
    order = make_order(
        org["manager1"],
        customers["manager1"],
        products,
        lines=[
            {"product": products["drill"], "quantity": 3, "discount": "12.5"},
            {"product": products["wrench"], "quantity": "1", "unit_price": "0.25", "discount": 50},
        ],
    )
    lines = list(order.lines.order_by("position"))
    # 3 × 199.90 = 599.70, less 12.5 % = 524.7375 → 524.74; 0.125 → 0.13.
    assert [line.amount for line in lines] == [Decimal("524.74"), Decimal("0.13")]
    assert [line.unit_price for line in lines] == [Decimal("199.90"), Decimal("0.25")]
    order.refresh_from_db()
    assert order.total == Decimal("524.87")
    # What the order keeps of its lines for the KPIs: two lines, 3 + 1 items.
    assert (order.line_count, order.item_quantity) == (2, Decimal("4.00"))
    assert order.code.startswith(f"DD{timezone.localdate().year}")
    assert order.owner == org["manager1"]


def test_the_unit_price_defaults_to_the_product_price(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    assert order.total == Decimal("270.90")
    assert order.lines.get(position=2).unit_price == Decimal("35.50")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"quantity": 0}, "more than zero"),
        ({"quantity": 1, "discount": 101}, "0 to 100"),
        ({"quantity": 1, "discount": -1}, "0 to 100"),
        ({"quantity": 1, "unit_price": "-1"}, "cannot be negative"),
        ({"quantity": "many"}, "enter a number"),
        ({"quantity": "1e30"}, "too large"),
        ({"quantity": "NaN"}, "enter a number"),
    ],
)
def test_bad_lines_are_refused_naming_the_line(org, customers, products, line, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_order(
            org["manager1"],
            customers["manager1"],
            products,
            lines=[
                {"product": products["drill"], "quantity": 1},
                {"product": products["drill"], **line},
            ],
        )
    text = " ".join(refused.value.message_dict["lines"])
    assert "Line 2" in text and message in text
    assert not Order.objects.exists()


def test_an_order_needs_lines_and_active_products(org, customers, products):
    with translation.override("en"):
        with pytest.raises(ValidationError, match="at least one line"):
            make_order(org["manager1"], customers["manager1"], products, lines=[])
        with pytest.raises(ValidationError, match="no longer sold"):
            make_order(
                org["manager1"],
                customers["manager1"],
                products,
                lines=[{"product": products["printer"], "quantity": 1}],
            )


# -- scope and ownership --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "owner", "allowed"),
    [
        ("manager1", "manager1", True),
        ("manager1", "manager2", False),
        ("supervisor", "manager2", True),
        ("supervisor", "manager3", False),
        ("assistant", "manager1", True),
        ("assistant", "manager2", False),
        ("admin", "manager3", True),
    ],
)
def test_orders_are_taken_only_for_customers_in_scope(
    org, customers, products, username, owner, allowed
):
    if not allowed:
        with pytest.raises(Customer.DoesNotExist):
            make_order(org[username], customers[owner], products)
        return
    order = make_order(org[username], customers[owner], products)
    assert order.owner == org[owner]  # the customer's owner at order time
    if username != owner:
        assert order.on_behalf_of == org[owner] and order.created_by == org[username]


def test_executives_cannot_take_orders(org, customers, products):
    with pytest.raises(PermissionDenied):
        make_order(org["exec"], customers["manager1"], products)


def test_pool_customers_get_no_order(org, customers, products):
    with translation.override("en"), pytest.raises(ValidationError, match="in the pool"):
        make_order(org["admin"], customers["pool"], products)


def test_each_role_lists_the_orders_of_its_scope(org, customers, products):
    mine = make_order(org["manager1"], customers["manager1"], products)
    colleague = make_order(org["manager2"], customers["manager2"], products)
    north = make_order(org["manager3"], customers["manager3"], products)

    def seen(username):
        return set(selectors_orders.order_list(actor=org[username]))

    assert seen("manager1") == {mine}
    assert seen("assistant") == {mine}
    assert seen("supervisor") == {mine, colleague}
    assert seen("supervisor2") == {north}
    assert seen("exec") == seen("admin") == {mine, colleague, north}


def test_a_reassigned_customer_brings_its_orders_to_the_new_owner(org, customers, products):
    from guanxi.customers.services.customers import customer_reassign

    order = make_order(org["manager1"], customers["manager1"], products)
    customer_reassign(
        actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
    )

    assert order in selectors_orders.order_list(actor=org["manager2"])
    assert order not in selectors_orders.order_list(actor=org["manager1"])
    order.refresh_from_db()
    assert order.owner == org["manager1"]  # who took the order stays recorded


# -- credit hold ------------------------------------------------------------------------------


@pytest.fixture
def on_hold(org):
    return CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)


def test_an_account_manager_is_refused_on_credit_hold(org, on_hold, products):
    with translation.override("en"), pytest.raises(BusinessRuleError) as refused:
        make_order(org["manager1"], on_hold, products)
    assert "credit hold" in refused.value.message_dict["customer"][0]
    assert not Order.objects.exists()


def test_a_hold_set_through_credit_control_refuses_the_managers_order(org, products):
    customer = CustomerFactory(owner=org["manager1"])
    customer_credit_hold_set(
        actor=org["supervisor"], customer=customer, on_hold=True, reason="逾期未付"
    )
    with pytest.raises(BusinessRuleError):
        make_order(org["manager1"], Customer.objects.get(pk=customer.pk), products)
    customer_credit_hold_set(
        actor=org["supervisor"],
        customer=Customer.objects.get(pk=customer.pk),
        on_hold=False,
        reason="已付款",
    )
    assert make_order(org["manager1"], Customer.objects.get(pk=customer.pk), products).pk


def test_an_account_manager_cannot_override(org, on_hold, products):
    with (
        translation.override("en"),
        pytest.raises(PermissionDenied, match="only a sales supervisor"),
    ):
        make_order(
            org["manager1"], on_hold, products, credit_override=True, credit_override_reason="急单"
        )
    assert not Order.objects.exists()


def test_a_supervisor_overrides_with_a_reason_and_it_is_logged(org, on_hold, products):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_order(org["supervisor"], on_hold, products, credit_override=True)
    assert "credit_override_reason" in refused.value.message_dict

    before = timezone.now()
    order = make_order(
        org["supervisor"],
        on_hold,
        products,
        credit_override=True,
        credit_override_reason="老客户，财务已确认回款计划",
    )
    assert order.credit_override_by == org["supervisor"]
    assert order.credit_override_at >= before
    assert order.credit_override_reason == "老客户，财务已确认回款计划"
    assert order.owner == org["manager1"] and order.on_behalf_of == org["manager1"]
    created = order.history.earliest()
    assert created.history_user == org["supervisor"]
    assert "老客户" in created.history_change_reason


def test_a_supervisor_also_needs_the_override_for_a_held_customer(org, on_hold, products):
    with pytest.raises(BusinessRuleError):
        make_order(org["supervisor"], on_hold, products)


def test_no_override_is_recorded_for_a_customer_in_good_standing(org, customers, products):
    order = make_order(
        org["supervisor"],
        customers["manager1"],
        products,
        credit_override=True,
        credit_override_reason="不需要",
    )
    assert order.credit_override_at is None and order.credit_override_reason == ""


# -- churn ------------------------------------------------------------------------------------


def test_an_order_clears_a_churn_warning(org, products):
    customer = CustomerFactory(owner=org["manager1"])
    Customer.all_objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    case = services_churn.churn_warn(customer=customer)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURN_WARNING

    make_order(org["manager1"], customer, products)

    customer.refresh_from_db()
    case.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert case.state == ChurnCase.State.CLEARED
    assert customer.last_order_at is not None and customer.last_won_at == customer.last_order_at


def test_a_churned_customer_is_won_back_by_an_order(org, products):
    customer = CustomerFactory(owner=org["manager1"])
    Customer.all_objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    services_churn.churn_warn(customer=customer)
    customer.refresh_from_db()
    services_churn.churn_confirm(
        actor=org["manager1"], customer=customer, reason=dictionary("churn_reason", "price")
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURNED

    make_order(org["manager1"], customer, products)

    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert customer.churn_cases.get().state == ChurnCase.State.WON_BACK
    assert CustomerEvent.objects.filter(
        customer=customer, kind=CustomerEvent.Kind.WON_BACK
    ).exists()


def test_a_back_dated_order_records_its_day(org, customers, products):
    day = timezone.localdate() - datetime.timedelta(days=10)
    make_order(org["manager1"], customers["manager1"], products, order_date=day)
    customers["manager1"].refresh_from_db()
    assert timezone.localtime(customers["manager1"].last_order_at).date() == day


# -- edit, advance, cancel ---------------------------------------------------------------------


def test_editing_replaces_the_lines_and_recomputes_the_total(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    order_update(
        actor=org["manager1"],
        order=order,
        expected_version=order.version,
        lines=[{"product": products["wrench"], "quantity": 4, "discount": 10}],
        notes="改为四把扳手",
    )
    order.refresh_from_db()
    assert order.total == Decimal("127.80")  # 4 × 35.50 × 0.9
    assert (order.line_count, order.item_quantity) == (1, Decimal("4.00"))
    assert order.lines.count() == 1 and order.notes == "改为四把扳手"
    assert order.version == 2


def test_a_stale_edit_is_a_conflict_and_changes_nothing(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    stale = order.version
    order_update(actor=org["supervisor"], order=order, expected_version=stale, notes="主管修改")
    again = Order.objects.get(pk=order.pk)
    with pytest.raises(ConflictError):
        order_update(
            actor=org["manager1"],
            order=again,
            expected_version=stale,
            lines=[{"product": products["wrench"], "quantity": 9}],
        )
    again.refresh_from_db()
    assert again.notes == "主管修改" and again.total == Decimal("270.90")
    assert again.lines.count() == 2


def test_status_moves_forward_and_only_open_orders_change(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products, status="draft")
    for expected in ("confirmed", "shipped", "completed"):
        order = order_advance(actor=org["manager1"], order=order)
        assert order.status == expected
    with pytest.raises(BusinessRuleError):
        order_advance(actor=org["manager1"], order=order)
    with pytest.raises(BusinessRuleError):
        order_update(actor=org["manager1"], order=order, notes="晚了")
    with pytest.raises(BusinessRuleError):
        order_cancel(actor=org["manager1"], order=order)


def test_cancel_rules(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    cancelled = order_cancel(actor=org["manager1"], order=order, reason="客户取消采购")
    assert cancelled.status == Order.Status.CANCELLED
    assert "客户取消采购" in cancelled.history.latest().history_change_reason
    with pytest.raises(BusinessRuleError):
        order_cancel(actor=org["manager1"], order=cancelled)
    shipped = make_order(org["manager1"], customers["manager1"], products)
    order_advance(actor=org["manager1"], order=shipped)
    with (
        translation.override("en"),
        pytest.raises(BusinessRuleError, match="Only draft or confirmed"),
    ):
        order_cancel(actor=org["manager1"], order=shipped)
    with pytest.raises(PermissionDenied):
        order_cancel(actor=org["exec"], order=shipped)


def test_orders_out_of_scope_cannot_be_changed(org, customers, products):
    order = make_order(org["manager2"], customers["manager2"], products)
    with pytest.raises(Order.DoesNotExist):
        order_cancel(actor=org["manager1"], order=order)
    with pytest.raises(Order.DoesNotExist):
        order_update(actor=org["manager3"], order=order, notes="x")


def test_key_figures_count_orders_and_revenue_without_cancelled(org, customers, products):
    from guanxi.customers.key_figures import customer_key_figures

    customer = customers["manager1"]
    make_order(org["manager1"], customer, products)
    make_order(
        org["manager1"], customer, products, lines=[{"product": products["drill"], "quantity": 2}]
    )
    order_cancel(actor=org["manager1"], order=make_order(org["manager1"], customer, products))

    figures = {f.key: f for f in customer_key_figures(actor=org["manager1"], customer=customer)}
    assert figures["orders"].value == 2
    assert figures["lifetime_revenue"].value == Decimal("670.70")
    assert figures["lifetime_revenue"].display == "¥670.70"
