"""Issue #4's journey in a real browser: an order with two lines, and a credit hold overridden.

manager1 creates an order for their customer (adding a line row on the way), sees its total
and finds it on the customer's 360 page; for a customer on credit hold manager1 is refused,
and the supervisor overrides the hold with a reason.
"""

from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue


def _fill_line(page, index: int, product, quantity: str) -> None:
    pick(page, f"#id_lines-{index}-product", product.model_no, str(product))
    page.fill(f"#id_lines-{index}-quantity", quantity)


def test_an_order_with_two_lines_and_a_credit_hold_override(sign_in, org):
    products = catalogue()
    customer = CustomerFactory(owner=org["manager1"], name="华盛贸易有限公司")
    page = sign_in("manager1")

    page.goto(f"/sales/orders/new/?customer={customer.pk}")
    assert page.input_value("#id_customer") == customer.name
    _fill_line(page, 0, products["drill"], "2")
    # "Add line" adds one more row in place, keeping what was typed.
    page.click("[data-testid=add-line]")
    page.wait_for_selector("#id_lines-2-product")
    assert page.input_value("#id_lines-0-quantity") == "2"
    _fill_line(page, 1, products["wrench"], "3")
    page.fill("#id_lines-1-discount", "10")
    with page.expect_navigation():
        page.click("[data-testid=order-save]")

    order = Order.objects.get(customer=customer)
    assert order.lines.count() == 2
    # 2 × 199.90 + 3 × 35.50 × 0.9 = 399.80 + 95.85
    assert page.locator("[data-testid=order-total]").inner_text() == "¥495.65"
    assert page.locator("[data-testid=order-line]").count() == 2

    page.goto(f"/customers/{customer.pk}/")
    assert order.code in page.content()
    assert "¥495.65" in page.content()  # lifetime revenue among the key figures
    page.click(f"a[href='/sales/orders/{order.pk}/']")
    page.wait_for_selector("[data-testid=order-total]")

    # A customer on credit hold: manager1 is refused with a clear message.
    held = CustomerFactory(
        owner=org["manager1"], name="恒通机械有限公司", credit_status=Customer.CreditStatus.ON_HOLD
    )
    page.goto(f"/sales/orders/new/?customer={held.pk}")
    assert page.locator("[data-testid=credit-hold-banner]").is_visible()
    assert page.locator("#id_credit_override").count() == 0
    _fill_line(page, 0, products["drill"], "1")
    page.click("[data-testid=order-save]")
    page.wait_for_selector("[data-testid=order-form] .errorlist")
    assert "恒通机械有限公司" in page.locator("[data-testid=order-form]").inner_text()
    assert not Order.objects.filter(customer=held).exists()

    # The supervisor overrides the hold with a reason.
    page.context.clear_cookies()
    page = sign_in("supervisor")
    page.goto(f"/sales/orders/new/?customer={held.pk}")
    _fill_line(page, 0, products["drill"], "1")
    page.check("#id_credit_override")
    page.click("[data-testid=order-save]")
    page.wait_for_selector("[data-testid=order-form] .errorlist")
    assert Order.objects.filter(customer=held).count() == 0
    page.fill("#id_credit_override_reason", "财务已确认预付款")
    with page.expect_navigation():
        page.click("[data-testid=order-save]")
    override = page.locator("[data-testid=credit-override]").inner_text()
    assert "财务已确认预付款" in override
    order = Order.objects.get(customer=held)
    assert order.credit_override_by == org["supervisor"] and order.owner == org["manager1"]
