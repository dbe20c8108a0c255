"""Issue #4's journey in a real browser: an opportunity from its creation to a new customer.

manager1 records an opportunity → the supervisor assigns it to manager1 → manager1 adds a plan
item and records its result (htmx, in place) → development succeeded → the customer exists and
its page opens.
"""

from guanxi.customers.models import Contact, Customer, CustomerEvent
from guanxi.sales.models import Opportunity
from tests.browser.pickers import pick


def _sign_out(page):
    with page.expect_navigation():
        page.click(".usermenu form button.link")


def test_an_opportunity_from_creation_to_a_customer(sign_in, org):
    page = sign_in("manager1")

    # manager1 records the opportunity from the list page.
    page.goto("/sales/opportunities/")
    page.click("[data-testid=opportunity-create]")
    page.fill("#id_prospect_name", "厦门金源贸易有限公司")
    page.fill("#id_probability", "70")
    page.fill("#id_summary", "年度茶叶礼盒采购")
    page.fill("#id_contact", "林晓")
    page.fill("#id_contact_phone", "13599998888")
    with page.expect_navigation():
        page.click("[data-testid=opportunity-form] button[type=submit].btn-primary")
    status = page.locator("h1 [data-testid=opportunity-status]")
    assert status.get_attribute("data-status") == "unassigned"
    opportunity = Opportunity.objects.get(prospect_name="厦门金源贸易有限公司")
    assert opportunity.created_by == org["manager1"]
    detail = f"/sales/opportunities/{opportunity.pk}/"
    _sign_out(page)

    # The supervisor assigns it to manager1 from the detail page.
    sign_in("supervisor")
    page.goto(detail)
    pick(page, "#id_assigned_to", org["manager1"].username, str(org["manager1"]))
    with page.expect_navigation():
        page.click("[data-testid=opportunity-assign-form] button[type=submit]")
    assert status.get_attribute("data-status") == "assigned"
    _sign_out(page)

    # manager1 plans a step and records its result, both swapped in place.
    sign_in("manager1")
    page.goto(detail)
    page.fill("#id_date", "2026-04-01")
    page.fill("#id_content", "上门拜访采购经理")
    page.click("[data-testid=plan-item-form] button[type=submit]")
    item = page.locator("[data-testid=plan-item]")
    item.wait_for()
    assert "上门拜访采购经理" in item.inner_text()
    item.locator("[data-testid=plan-item-result-input]").fill("对方确认预算，下月下单")
    item.locator("[data-testid=plan-item-result-form] button[type=submit]").click()
    page.locator("[data-testid=plan-item-result]").wait_for()
    assert "下月下单" in page.locator("[data-testid=plan-item-result]").inner_text()

    # Development succeeded: the customer is created and its page opens.
    page.click("[data-testid=opportunity-succeed]")
    with page.expect_navigation():
        page.click("[data-testid=opportunity-succeed-submit]")
    page.wait_for_selector("[data-testid=customer-profile]")
    customer = Customer.objects.get(name="厦门金源贸易有限公司")
    assert page.url.endswith(f"/customers/{customer.pk}/")
    assert customer.owner == org["manager1"]
    assert Contact.objects.get(customer=customer).name == "林晓"
    assert CustomerEvent.objects.filter(customer=customer, kind="created").exists()
    assert "林晓" in page.locator("[data-testid=customer-contacts]").inner_text()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON and opportunity.customer == customer
