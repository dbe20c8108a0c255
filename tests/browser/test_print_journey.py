"""Printing in a real browser: a quote page printed shows the record without the screen's
navigation and buttons; its PDF is e-mailed to a contact of the customer, chosen from the quote
page's mail form with the recipient picker by keyboard."""

from django.core import mail

from guanxi.customers.models import Interaction
from tests.browser.pickers import pick
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.sales.fixtures.orders import catalogue
from tests.sales.fixtures.quotes import make_quote


def test_a_quote_prints_without_navigation_and_is_mailed_as_a_pdf(sign_in, org):
    customer = CustomerFactory(owner=org["manager1"], name="华盛贸易有限公司")
    primary = ContactFactory(customer=customer, is_primary=True, name="李娜")
    contact = ContactFactory(customer=customer, name="王芳", email="wang.fang@example.cn")
    ContactFactory(customer=CustomerFactory(owner=org["manager1"]), name="王芳芳")
    quote = make_quote(org["manager1"], customer, catalogue())
    page = sign_in("manager1")
    page.goto(f"/sales/quotes/{quote.pk}/")

    assert page.locator(".mainnav").is_visible()
    assert page.locator("[data-testid=print-pdf]").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("[data-testid=print-pdf]").is_visible()
    assert page.locator("[data-testid=quote-total]").is_visible()
    page.emulate_media(media="screen")

    response = page.request.get(f"/sales/quotes/{quote.pk}/pdf/?download=1")
    assert response.ok and response.body().startswith(b"%PDF")

    with page.expect_navigation():
        page.click("[data-testid=print-email]")
    assert page.input_value("#id_contact") == primary.name
    assert page.input_value("[name=contact]") == str(primary.pk)
    pick(page, "#id_contact", "wangf", "王芳")
    options = page.locator("#id_contact_listbox [role=option] .picker-label").all_inner_texts()
    assert options == ["王芳"], "only this customer's contacts are offered"
    assert page.input_value("[name=contact]") == str(contact.pk)
    page.fill("#id_message", "李经理您好，报价单见附件。")
    with page.expect_navigation():
        page.click("[data-testid=document-email-send]")
    assert page.url.endswith(f"/sales/quotes/{quote.pk}/")
    [sent] = mail.outbox
    assert sent.to == [contact.email] and sent.attachments[0][0].endswith(f"{quote.code}.pdf")
    assert Interaction.objects.filter(customer=customer, contact=contact, kind="email").exists()
