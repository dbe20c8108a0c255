"""Lists on a 390 px phone: filters behind a button, rows as cards, the first on screen."""

from tests.customers.fixtures.customers import CustomerFactory

PHONE = {"width": 390, "height": 844}


def test_a_list_on_a_phone_shows_the_first_record_and_folds_the_filters(page, sign_in, org):
    for index in range(8):
        CustomerFactory(name=f"华东客户{index}", owner=org["manager1"])
    page.set_viewport_size(PHONE)
    sign_in("manager1")
    page.goto("/customers/")
    filters = page.locator("#customer-filters")
    bulk = page.locator("[data-testid=customer-bulk]")
    toggle = page.get_by_test_id("list-filters-toggle")
    # Folded away behind one button...
    assert toggle.is_visible()
    assert not filters.is_visible() and not bulk.is_visible()
    # ...so the first record, a card, starts within the first screen.
    first = page.get_by_test_id("customer-row").first
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE["height"], box
    assert box["width"] <= PHONE["width"]
    assert first.evaluate("row => getComputedStyle(row).display") == "grid"
    page.screenshot(path="test-artifacts/lists-phone-customers.png")
    # The button opens them, and says so.
    toggle.click()
    assert filters.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert (
        page.get_by_label("搜索")
        .or_(page.locator("[data-testid=customer-search]"))
        .first.is_visible()
    )
    page.screenshot(path="test-artifacts/lists-phone-customers-filters.png")
    toggle.click()
    assert not filters.is_visible()


def test_on_a_wide_screen_the_filters_stay_open(page, sign_in, org):
    CustomerFactory(name="华东客户", owner=org["manager1"])
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in("manager1")
    page.goto("/customers/")
    assert page.locator("#customer-filters").is_visible()
    assert not page.get_by_test_id("list-filters-toggle").is_visible()
    page.screenshot(path="test-artifacts/lists-wide-customers.png")
