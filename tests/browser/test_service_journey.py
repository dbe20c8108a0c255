"""Issue #5's journey in a real browser: a service request through two rounds to the archive.

manager1 files a request from the customer's 360 page → the supervisor assigns it to manager1
→ manager1 records the handling → feedback 2 sends it back to manager1 → handled again →
feedback 4 archives it → the page is read-only (no action forms), both rounds in its history.
"""

from guanxi.core.models import DictionaryEntry
from guanxi.service.models import ServiceRequest
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def _sign_out(page):
    with page.expect_navigation():
        page.click(".usermenu form button.link")


def _status(page) -> str:
    return page.locator("h1 [data-testid=request-status]").get_attribute("data-status")


def _handle(page, text: str) -> None:
    page.fill("#id_handling", text)
    with page.expect_navigation():
        page.click("[data-testid=service-handle-form] button[type=submit]")


def _feedback(page, result: str, satisfaction: int) -> None:
    page.fill("#id_result", result)
    page.select_option("#id_satisfaction", str(satisfaction))
    with page.expect_navigation():
        page.click("[data-testid=service-feedback-form] button[type=submit]")


def test_a_service_request_from_filing_to_the_archive(sign_in, org):
    customer = CustomerFactory(owner=org["manager1"], name="杭州恒通机械有限公司")
    ContactFactory(customer=customer, name="沈丽", is_primary=True)
    complaint = DictionaryEntry.objects.get(kind="service_type", code="complaint")
    phone = DictionaryEntry.objects.get(kind="channel", code="phone")
    page = sign_in("manager1")

    # manager1 files the request from the customer's 360 page: the customer is preselected.
    page.goto(f"/customers/{customer.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=service-request-create]")
    assert page.input_value("#id_customer") == customer.name
    page.select_option("#id_service_type", str(complaint.pk))
    page.select_option("#id_channel", str(phone.pk))
    page.fill("#id_summary", "设备噪音过大")
    page.fill("#id_request", "上周交付的设备运行时噪音很大。")
    with page.expect_navigation():
        page.click("[data-testid=service-form] button[type=submit].btn-primary")
    service_request = ServiceRequest.objects.get(summary="设备噪音过大")
    detail = f"/service/requests/{service_request.pk}/"
    assert page.url.endswith(detail)
    assert _status(page) == "new"
    assert page.locator("[data-testid=service-assign-form]").count() == 0
    _sign_out(page)

    # The supervisor finds it in the unassigned queue and assigns it to manager1.
    sign_in("supervisor")
    page.goto("/service/?queue=unassigned")
    row = page.locator(f"[data-testid=service-row][data-pk='{service_request.pk}']")
    with page.expect_navigation():
        row.locator("a").first.click()
    pick(page, "#id_assigned_to", "zw", str(org["manager1"]))
    with page.expect_navigation():
        page.click("[data-testid=service-assign-form] button[type=submit]")
    assert _status(page) == "assigned"
    _sign_out(page)

    # manager1 sees it under "to handle", handles it; the customer is not satisfied (2).
    sign_in("manager1")
    page.goto("/service/")
    assert page.locator(f"[data-testid=service-row][data-pk='{service_request.pk}']").count() == 1
    page.goto(detail)
    _handle(page, "电话指导客户调整设备底座。")
    assert _status(page) == "handled"
    _feedback(page, "噪音依旧", 2)
    assert _status(page) == "assigned"
    assert page.locator("[data-testid=round-2]").count() == 1

    # Another round: handled on site, satisfaction 4 archives it.
    _handle(page, "上门更换风扇并做减震处理。")
    _feedback(page, "噪音已消除，客户满意", 4)
    assert _status(page) == "archived"
    page.locator("[data-testid=read-only]").wait_for()
    for form in ("assign", "handle", "feedback"):
        assert page.locator(f"[data-testid=service-{form}-form]").count() == 0
    assert page.locator("[data-testid=service-edit]").count() == 0
    history = page.locator("[data-testid=rounds]").inner_text()
    assert "电话指导客户调整设备底座。" in history and "上门更换风扇并做减震处理。" in history
    service_request.refresh_from_db()
    assert service_request.status == ServiceRequest.Status.ARCHIVED
    assert service_request.rounds == 2 and service_request.satisfaction == 4
    _sign_out(page)

    # The supervisor sees it archived and read-only too.
    sign_in("supervisor")
    page.goto(detail)
    assert _status(page) == "archived"
    assert page.locator("[data-testid=service-assign-form]").count() == 0
