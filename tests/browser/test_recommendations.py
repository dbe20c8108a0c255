"""Recommendations in a real browser: the 360 page loads the customer's recommended products,
and in the quote form a keyboard user puts one on a line (Tab to it, Enter)."""

from guanxi.analytics.tasks import refresh_product_associations
from tests.analytics.fixtures.associations import buy, make_shelf, set_thresholds
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory


def test_a_recommended_product_goes_on_a_quote_line_from_the_keyboard(page, sign_in, org):
    page.set_default_timeout(60_000)  # a loaded machine: the page, not the wait, is tested
    shelf = make_shelf()
    # Five orders of the hand-computed basket set: C → A and D → B (lift 1.25).
    for letters in ["ABC", "AB", "AC", "BD", "ABD"]:
        buy(org["manager1"], CustomerFactory(owner=org["manager1"]), shelf, letters)
    set_thresholds("0.4", "0.75", "1")
    refresh_product_associations.call()
    customer = CustomerFactory(owner=org["manager1"], name="推荐测试客户")
    buy(org["manager1"], customer, shelf, "C")

    page = sign_in("manager1")
    page.goto(f"/customers/{customer.pk}/")
    recommended = page.locator("[data-testid=recommended-products] [data-testid=recommendation]")
    recommended.first.wait_for()
    assert recommended.count() == 1 and "产品A" in recommended.first.inner_text()

    page.goto("/sales/quotes/new/")
    pick(page, "#id_customer", "推荐测试", "推荐测试客户")
    button = page.locator("[data-testid=recommendation-add]")
    button.first.wait_for()
    button.first.focus()
    page.keyboard.press("Enter")
    first_line = page.locator("[data-testid=line-form]").first
    assert first_line.locator("[data-picker-input]").input_value() == "产品A M-A"
    # The focus is on the line's quantity: type it, the amount follows.
    page.keyboard.type("2")
    assert first_line.locator("[data-testid=line-amount]").inner_text() == "¥200.00"
    # Once on a line it is no longer offered; removing the line offers it again.
    item = page.locator("[data-testid=quote-recommendations] [data-testid=recommendation]").first
    assert item.is_hidden()
    first_line.locator("input[name$='-DELETE']").check()
    assert item.is_visible()
