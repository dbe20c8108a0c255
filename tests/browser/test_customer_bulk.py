"""Bulk actions on the customer list in a real browser: select rows, reassign their owner."""

from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory


def test_supervisor_reassigns_two_selected_customers(sign_in, org):
    first = CustomerFactory(owner=org["manager1"], name="批量甲公司")
    second = CustomerFactory(owner=org["supervisor"], name="批量乙公司")
    untouched = CustomerFactory(owner=org["manager1"], name="不动丙公司")
    page = sign_in("supervisor")
    page.goto("/customers/")
    page.check(f"[data-testid=customer-row][data-pk='{first.pk}'] [data-testid=bulk-row]")
    page.check(f"[data-testid=customer-row][data-pk='{second.pk}'] [data-testid=bulk-row]")
    pick(page, "[data-testid=bulk-owner]", str(org["manager2"]), str(org["manager2"]))
    page.click("[data-testid=bulk-reassign]")
    page.wait_for_selector(".message-success, [role=status]")
    manager2 = str(org["manager2"])
    for customer in (first, second):
        row = page.locator(f"[data-testid=customer-row][data-pk='{customer.pk}']")
        assert manager2 in row.inner_text()
    row = page.locator(f"[data-testid=customer-row][data-pk='{untouched.pk}']")
    assert str(org["manager1"]) in row.inner_text()


def test_select_all_on_this_page_checks_every_row(sign_in, org):
    for number in range(3):
        CustomerFactory(owner=org["manager1"], name=f"全选{number}")
    page = sign_in("supervisor")
    page.goto("/customers/")
    page.check("[data-testid=bulk-select-page]")
    boxes = page.locator("[data-testid=bulk-row]")
    assert boxes.count() >= 3
    assert all(boxes.nth(index).is_checked() for index in range(boxes.count()))
    page.uncheck("[data-testid=bulk-select-page]")
    assert not any(boxes.nth(index).is_checked() for index in range(boxes.count()))


def test_after_filtering_a_reassignment_returns_to_the_filtered_list(sign_in, org):
    chosen = CustomerFactory(owner=org["manager1"], name="过滤后甲")
    page = sign_in("supervisor")
    page.goto("/customers/")
    pick(page, "#id_owner", str(org["manager1"]), str(org["manager1"]))
    page.wait_for_url(f"**owner={org['manager1'].pk}*")
    page.check(f"[data-testid=customer-row][data-pk='{chosen.pk}'] [data-testid=bulk-row]")
    pick(page, "[data-testid=bulk-owner]", str(org["manager2"]), str(org["manager2"]))
    page.click("[data-testid=bulk-reassign]")
    page.wait_for_selector(".message-success")
    assert f"owner={org['manager1'].pk}" in page.url
    assert page.locator(f"[data-testid=customer-row][data-pk='{chosen.pk}']").count() == 0
