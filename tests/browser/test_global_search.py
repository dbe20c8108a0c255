"""The header's global search in a real browser: "/" focuses it, typing fills the dropdown,
arrow keys choose a result and Enter opens it; Ctrl+K too, but not while typing elsewhere."""

from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def test_slash_type_arrow_down_and_enter_land_on_the_record(sign_in, org):
    first = CustomerFactory(owner=org["manager1"], name="张伟贸易")
    second = CustomerFactory(owner=org["manager1"], name="张伟机电")
    ContactFactory(customer=second, name="李娜")
    page = sign_in("manager1")
    box = page.locator("[data-testid=global-search-input]")

    page.locator("body").press("/")
    assert page.evaluate("() => document.activeElement.id") == "global-search-input"
    box.press_sequentially("zhangwei")
    results = page.locator("[data-testid=global-search-results]")
    results.locator("[data-testid=search-hit]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    titles = results.locator(".search-hit-title").all_inner_texts()
    assert titles[:2] == ["张伟机电", "张伟贸易"], "newest customer first"

    box.press("ArrowDown")
    box.press("ArrowDown")
    active = results.locator(".search-hit.is-active")
    assert active.count() == 1
    assert box.get_attribute("aria-activedescendant") == f"search-hit-customer-{first.pk}"
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == f"search-hit-customer-{second.pk}"
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith(f"/customers/{first.pk}/")


def test_escape_closes_and_enter_without_a_choice_opens_the_results_page(sign_in, org):
    CustomerFactory(owner=org["manager1"], name="星河科技")
    page = sign_in("manager1")
    box = page.locator("[data-testid=global-search-input]")
    page.keyboard.press("Control+k")
    assert page.evaluate("() => document.activeElement.id") == "global-search-input"
    box.press_sequentially("xhkj")
    results = page.locator("[data-testid=global-search-results]")
    results.locator("[data-testid=search-hit]").first.wait_for()
    box.press("Escape")
    assert results.is_hidden()
    with page.expect_navigation():
        box.press("Enter")
    assert "/search/?q=xhkj" in page.url
    assert page.locator("[data-testid=search-group][data-kind=customer]").count() == 1


def test_slash_types_a_slash_in_another_input(sign_in, org):
    page = sign_in("manager1")
    page.goto("/customers/")
    other = page.locator("main input[name=q]").first
    other.click()
    other.press("/")
    assert other.input_value() == "/"
    assert page.evaluate("() => document.activeElement.id") != "global-search-input"
