"""Lists in a real browser: on a 390 px phone (filters behind a button, rows as cards, the first
on screen) and saved views and columns after filtering in place."""

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


def test_a_view_saved_after_htmx_filtering_keeps_those_filters(page, sign_in, org):
    CustomerFactory(name="华东客户", owner=org["manager1"])
    CustomerFactory(name="流失客户", owner=org["manager1"], status="churned")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in("manager1")
    page.goto("/customers/")
    # The filter applies in place (htmx) and only the address bar learns the query.
    with page.expect_response(lambda r: "status=churned" in r.url):
        page.select_option("#customer-filters select[name=status]", "churned")
    page.wait_for_function("() => window.location.search.includes('status=churned')")
    page.click("[data-testid=list-views] summary")
    page.fill("#list-view-name", "已流失")
    with page.expect_navigation():
        page.click("[data-testid=list-view-save] button[type=submit]")
    assert "status=churned" in page.url and "view=" in page.url
    page.click("[data-testid=list-views] summary")
    assert page.get_by_test_id("list-view").filter(has_text="已流失").is_visible()
    # Choosing columns keeps the filters too.
    page.click("[data-testid=column-chooser] summary")
    page.uncheck("[data-column=owner]")
    with page.expect_navigation():
        page.click("[data-testid=column-chooser-apply]")
    assert "status=churned" in page.url
    assert page.get_by_test_id("customer-row").count() == 1
    assert page.locator("th a[data-sort=name]").count() == 1
    assert page.locator("th a[data-sort=owner]").count() == 0
    page.screenshot(path="test-artifacts/lists-saved-view.png")
