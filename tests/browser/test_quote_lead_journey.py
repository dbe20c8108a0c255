"""Issue #4's quote and lead journeys in a real browser.

manager1 writes a quote with two lines for their customer, marks it sent and accepted, and
converts it into an order of the same total. A visitor leaves their details on the public web
form; the lead is routed round-robin to an account manager of the east team, who finds it in
their leads and converts it into a sales opportunity.
"""

from guanxi.sales.forms import leads as forms_leads
from guanxi.sales.models import Lead, LeadRoutingRule, Opportunity, Order, Quote
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue


def _fill_line(page, index: int, product, quantity: str) -> None:
    pick(page, f"#id_lines-{index}-product", product.model_no, str(product))
    page.fill(f"#id_lines-{index}-quantity", quantity)


def test_a_quote_with_lines_is_sent_accepted_and_becomes_an_order(sign_in, org):
    products = catalogue()
    customer = CustomerFactory(owner=org["manager1"], name="瑞德科技有限公司")
    page = sign_in("manager1")

    page.goto(f"/sales/quotes/new/?customer={customer.pk}")
    assert page.input_value("#id_customer") == customer.name
    _fill_line(page, 0, products["drill"], "2")
    _fill_line(page, 1, products["wrench"], "4")
    page.fill("#id_lines-1-discount", "10")
    page.click("[data-testid=quote-save]")
    page.wait_for_selector("[data-testid=quote-total]")

    quote = Quote.objects.get(customer=customer)
    # 2 × 199.90 + 4 × 35.50 × 0.9 = 399.80 + 127.80
    assert page.locator("[data-testid=quote-total]").inner_text() == "¥527.60"
    assert page.locator("[data-testid=quote-line]").count() == 2

    with page.expect_navigation():
        page.click("[data-testid=quote-send]")
    with page.expect_navigation():
        page.click("[data-testid=quote-accept]")
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert page.locator("[data-testid=quote-accept]").count() == 0  # nothing left to mark

    with page.expect_navigation():
        page.click("[data-testid=quote-convert]")
    order = Order.objects.get(customer=customer)
    assert order.total == quote.total
    assert order.lines.count() == 2
    page.wait_for_selector("[data-testid=order-total]")
    assert page.locator("[data-testid=order-total]").inner_text() == "¥527.60"

    # The quote now points at its order, and both are on the customer's timeline.
    page.goto(f"/sales/quotes/{quote.pk}/")
    assert order.code in page.locator("[data-testid=quote-order]").inner_text()
    page.goto(f"/customers/{customer.pk}/")
    assert page.locator("[data-testid=timeline-entry][data-kind=quote]").count() == 1
    assert page.locator("[data-testid=timeline-entry][data-kind=order]").count() == 1


def test_a_web_form_lead_is_routed_and_converted_into_an_opportunity(
    page, sign_in, org, monkeypatch
):
    # A person needs a few seconds to fill the form; the test is faster than any person.
    monkeypatch.setattr(forms_leads.LeadWebForm, "min_fill_seconds", 0)
    LeadRoutingRule.objects.create(team=org["manager1"].team)
    first = min(org["manager1"], org["manager2"], key=lambda user: user.pk)

    page.goto("/sales/leads/web-form/")
    page.fill("#id_name", "孙丽")
    page.fill("#id_company", "晨光物流有限公司")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_email", "sunli@example.com")
    with page.expect_navigation():
        page.click("[data-testid=lead-web-form] button[type=submit]")
    page.wait_for_selector("[data-testid=lead-web-form-sent]")

    lead = Lead.objects.get(name="孙丽")
    assert lead.source == Lead.Source.WEB and lead.owner == first
    assert lead.status == Lead.Status.ASSIGNED

    page = sign_in(first.username)
    page.goto("/sales/leads/")
    page.click(f"a[href='/sales/leads/{lead.pk}/']")
    page.wait_for_selector("[data-testid=lead-facts]")
    assert str(first) in page.locator("[data-field=owner]").inner_text()

    page.check("input[name=to][value=opportunity]")
    page.fill("#id_summary", "物流外包咨询")
    with page.expect_navigation():
        page.click("[data-testid=lead-convert-submit]")
    page.wait_for_selector("[data-testid=lead-opportunity]")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    opportunity = Opportunity.objects.get(pk=lead.converted_opportunity_id)
    assert opportunity.summary == "物流外包咨询"
    assert page.locator("[data-testid=lead-status]").get_attribute("data-status") == "converted"
