"""The order form with the keyboard in a real browser: the customer picker, the line editor's
live amounts, "Add line" in place, and Enter saving the form instead of adding a line."""

from guanxi.sales.models import Order
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue


def test_keyboard_customer_live_amounts_and_enter_saves(sign_in, org):
    catalogue()
    customer = CustomerFactory(owner=org["manager1"], name="张伟贸易有限公司")
    CustomerFactory(owner=org["manager3"], name="张伟机械有限公司")  # another team's
    page = sign_in("manager1")
    page.goto("/sales/orders/new/")

    # Type the initials, see the second line, choose with the arrow keys and Enter.
    page.locator("#id_customer").press_sequentially("zw", delay=30)
    option = page.locator("#id_customer_listbox [role=option]")
    option.first.wait_for()
    assert option.count() == 1, "the other team's 张伟 is not offered"
    assert customer.code in option.first.inner_text()
    assert page.get_attribute("#id_customer", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")  # wraps round to the only option
    active = page.get_attribute("#id_customer", "aria-activedescendant")
    assert active and page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    assert page.input_value("#id_customer") == customer.name
    assert page.get_attribute("#id_customer", "aria-expanded") == "false"
    assert customer.code in page.locator("#id_customer_detail").inner_text()
    assert not Order.objects.exists(), "Enter in an open list chooses, it does not submit"

    # Escape closes the list without choosing.
    pick(page, "#id_lines-0-product", "dz", "电钻 DZ-100")
    page.locator("#id_lines-1-product").press_sequentially("bs", delay=30)
    page.locator("#id_lines-1-product_listbox [role=option]").first.wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#id_lines-1-product_listbox").is_hidden()
    pick(page, "#id_lines-1-product", "bs", "扳手 BS-12")

    # Amounts follow the typing, rounded as the server rounds (half up to cents).
    amount = page.locator("[data-testid=line-amount]")
    total = page.locator("[data-testid=lines-total]")
    page.fill("#id_lines-0-quantity", "2")
    assert amount.nth(0).inner_text() == "¥399.80" and total.inner_text() == "¥399.80"
    assert page.get_attribute("#id_lines-0-unit_price", "placeholder") == "199.90"
    page.fill("#id_lines-1-quantity", "3")
    page.fill("#id_lines-1-discount", "10")
    assert amount.nth(1).inner_text() == "¥95.85"  # 106.50 × 0.9
    assert total.inner_text() == "¥495.65"
    page.fill("#id_lines-1-unit_price", "0.335")  # rounds to 0.34: 3 × 0.34 × 0.9 = 0.918
    assert amount.nth(1).inner_text() == "¥0.92"
    page.fill("#id_lines-1-unit_price", "")

    # "Add line" adds an empty row in place: nothing is posted, nothing typed is lost.
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.method))
    page.click("[data-testid=add-line]")
    page.wait_for_selector("#id_lines-2-product")
    assert "POST" not in requests
    assert page.locator("[data-testid=line-form]").count() == 3
    assert page.input_value("#id_lines-0-quantity") == "2"
    assert page.evaluate("() => document.activeElement.id") == "id_lines-2-product"
    assert page.input_value("input[name=lines-TOTAL_FORMS]") == "3"
    # Removing a line takes it out in place, and out of the total.
    page.check("input[name=lines-1-DELETE]")
    assert page.locator("[data-testid=line-form]").nth(1).is_hidden()
    assert total.inner_text() == "¥399.80"

    # Enter in a quantity saves the form (the removed line left out); it does not add a line.
    with page.expect_navigation():
        page.press("#id_lines-0-quantity", "Enter")
    order = Order.objects.get()
    assert order.customer == customer and order.lines.count() == 1
    assert str(order.total) == "399.80"
    assert page.locator("[data-testid=order-total]").inner_text() == "¥399.80"


def test_labels_show_on_a_phone(sign_in, org):
    catalogue()
    page = sign_in("manager1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sales/orders/new/")
    label = page.locator("label[for=id_lines-0-quantity]")
    assert label.is_visible() and label.bounding_box()["width"] > 20
    assert page.locator("[data-testid=line-amount]").first.is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    assert label.bounding_box()["width"] <= 1, "the column heads label the inputs on wide screens"
