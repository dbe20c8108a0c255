"""Customer list and form journeys in a real browser: htmx search, paging, sorting, delegation."""

from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory


def test_search_filters_and_pages(sign_in, org):
    for i in range(30):
        CustomerFactory(owner=org["manager1"], name=f"测试公司{i:02d}")
    CustomerFactory(owner=org["manager1"], name="独一无二集团")
    page = sign_in("manager1")
    page.goto("/customers/")
    assert page.locator("[data-testid=customer-row]").count() == 25
    page.click("[data-testid=pager-next]")
    page.wait_for_url("**cursor=*")
    assert page.locator("[data-testid=customer-row]").count() == 6
    page.goto("/customers/")
    page.fill("[data-testid=customer-search]", "独一无二")
    page.wait_for_url("**q=*")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=customer-row]').length === 1"
    )
    assert "独一无二集团" in page.locator("[data-testid=customer-table]").inner_text()
    page.reload()
    assert page.locator("[data-testid=customer-row]").count() == 1
    assert page.input_value("[data-testid=customer-search]") == "独一无二"
    page.fill("[data-testid=customer-search]", "")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=customer-row]').length === 25"
    )
    page.click("[data-sort=name]")
    page.wait_for_url("**sort=name*")
    names = page.locator("[data-testid=customer-row] td:nth-child(2)").all_inner_texts()
    assert names == sorted(names)
    assert page.input_value("#customer-sort") == "name"
    page.select_option("#id_status", "churned")
    page.wait_for_url("**status=churned*")
    page.wait_for_selector("[data-testid=customer-table-empty]")


def test_create_and_conflict(sign_in, org):
    page = sign_in("assistant")
    page.goto("/customers/new/")
    page.fill("#id_name", "代录客户")
    pick(page, "#id_owner", "zw", str(org["manager1"]))
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=customer-profile]")
    assert "周敏" in page.locator("[data-testid=entered-by]").inner_text()


def test_a_stale_edit_shows_the_conflict_in_place(sign_in, org):
    from guanxi.customers.models import Customer
    from guanxi.customers.services import customers as services

    customer = CustomerFactory(owner=org["manager1"], name="原来的名字")
    page = sign_in("manager1")
    page.goto(f"/customers/{customer.pk}/edit/")
    services.customer_update(
        actor=org["supervisor"], customer=Customer.objects.get(pk=customer.pk), name="主管改过"
    )
    page.fill("#id_name", "我的修改")
    page.click("[data-testid=customer-form] button[type=submit]")
    alert = page.locator("[data-testid=form-errors]")
    alert.wait_for()
    assert "其他人" in alert.inner_text() or "someone else" in alert.inner_text().lower()
    assert page.url.endswith(f"/customers/{customer.pk}/edit/")
    customer.refresh_from_db()
    assert customer.name == "主管改过"


def test_a_missing_name_is_reported_on_the_field(sign_in, org):
    page = sign_in("manager1")
    page.goto("/customers/new/")
    page.click("[data-testid=customer-form] button[type=submit]")
    page.locator("[data-testid=customer-form] .errorlist").first.wait_for()
    assert "必填" in page.locator("[data-testid=customer-form]").inner_text()
