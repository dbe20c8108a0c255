"""The print pages: the PDF of a quote, order or contract in scope, and e-mailing it."""

import pytest
from django.core import mail
from django.urls import reverse

from guanxi.customers.models import FieldRule, Interaction
from tests.customers.fixtures.customers import ContactFactory
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.orders import make_order
from tests.sales.fixtures.printing import company, pdf_text
from tests.sales.fixtures.quotes import make_quote


@pytest.fixture
def records(org, customers, products):
    customer = customers["manager1"]
    order = make_order(org["manager1"], customer, products)
    return {
        "quote": make_quote(org["manager1"], customer, products),
        "order": order,
        "contract": make_contract(org["manager1"], customer, order=order),
    }


@pytest.mark.parametrize("kind", ["quote", "order", "contract"])
def test_each_record_prints_in_scope_and_is_absent_outside(login, records, kind):
    record = records[kind]
    url = reverse(f"sales:{kind}_pdf", args=[record.pk])
    response = login("manager1").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline;")
    # The browser's PDF viewer may embed it; nothing else may load or run.
    policy = response["Content-Security-Policy"]
    assert "object-src 'self'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy
    assert record.code in pdf_text(response.content)
    download = login("supervisor").get(url, {"download": "1"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert record.code in download["Content-Disposition"]
    assert login("manager2").get(url).status_code == 404


def test_the_record_pages_offer_the_pdf_and_the_mail(login, records):
    for kind, record in records.items():
        page = login("manager1").get(record.get_absolute_url()).content.decode()
        assert reverse(f"sales:{kind}_pdf", args=[record.pk]) in page
        assert reverse(f"sales:{kind}_email", args=[record.pk]) in page
    page = login("exec").get(records["quote"].get_absolute_url()).content.decode()
    assert 'data-testid="print-pdf"' in page and 'data-testid="print-email"' not in page


def test_the_pdf_page_queries_do_not_grow_with_the_lines(
    login, org, customers, products, django_assert_max_num_queries
):
    company(org["admin"])
    client = login("manager1")
    short = make_quote(org["manager1"], customers["manager1"], products)
    client.get(reverse("sales:quote_pdf", args=[short.pk]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("sales:quote_pdf", args=[short.pk]))
    lines = [{"product": products["wrench"], "quantity": n + 1} for n in range(25)]
    long = make_quote(org["manager1"], customers["manager1"], products, lines=lines)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:quote_pdf", args=[long.pk]))
    assert pdf_text(response.content).count("扳手") == 25


def test_the_mail_page_sends_the_pdf_and_logs_it(login, org, customers, records):
    quote = records["quote"]
    contact = customers["manager1"].contacts.get()
    client = login("manager1")
    url = reverse("sales:quote_email", args=[quote.pk])
    page = client.get(url)
    assert page.status_code == 200 and contact.email in page.content.decode()
    assert quote.code in page.context["form"].initial["subject"]
    response = client.post(
        url, {"contact": contact.pk, "subject": f"报价 {quote.code}", "message": "您好"}
    )
    assert response.status_code == 302 and response["Location"] == quote.get_absolute_url()
    [sent] = mail.outbox
    assert sent.to == [contact.email] and sent.attachments[0][2] == "application/pdf"
    assert Interaction.objects.filter(
        customer=customers["manager1"], contact=contact, kind="email"
    ).exists()
    timeline = client.get(customers["manager1"].get_absolute_url()).content.decode()
    assert quote.code in timeline


def test_a_masked_address_is_mailed_without_being_shown(login, org, customers, records):
    contact = customers["manager1"].contacts.get()
    contact.email = "zhang.wei@example.cn"
    contact.save()
    FieldRule.objects.create(
        role=org["manager1"].groups.get(), field="contact.email", mode=FieldRule.Mode.HIDDEN
    )
    client = login("manager1")
    url = reverse("sales:order_email", args=[records["order"].pk])
    page = client.get(url).content.decode()
    assert "zhang.wei" not in page and contact.name in page
    client.post(url, {"contact": contact.pk, "subject": "订单", "message": ""})
    [sent] = mail.outbox
    assert sent.to == ["zhang.wei@example.cn"]
    logged = Interaction.objects.get(customer=customers["manager1"], kind="email")
    assert "zhang.wei" not in logged.summary + logged.details


def test_the_mail_page_refuses_bad_input_and_outsiders(login, org, customers, records):
    contract = records["contract"]
    url = reverse("sales:contract_email", args=[contract.pk])
    other = ContactFactory(customer=customers["manager2"])
    response = login("manager1").post(url, {"contact": other.pk, "subject": "合同"})
    assert response.status_code == 422 and "contact" in response.context["form"].errors
    response = login("manager1").post(
        url, {"contact": customers["manager1"].contacts.get().pk, "subject": ""}
    )
    assert response.status_code == 422 and "subject" in response.context["form"].errors
    assert login("manager2").get(url).status_code == 404
    assert login("exec").get(url).status_code == 403
    assert mail.outbox == []


# --- the recipient picker --------------------------------------------------------------------


def picked(client, customer, term):
    answer = client.get(reverse("core:pick", args=["recipient"]), {"customer": customer, "q": term})
    assert answer.status_code == 200
    return [(option["label"], option["detail"]) for option in answer.json()["results"]]


def test_the_recipient_is_chosen_with_a_picker_asking_for_this_customers_contacts(
    login, org, customers, records
):
    customer = customers["manager1"]
    primary = customer.contacts.get()
    primary.is_primary = True
    primary.save()
    page = login("manager1").get(reverse("sales:quote_email", args=[records["quote"].pk]))
    html = page.content.decode()
    assert f'data-picker-url="/pick/recipient/?customer={customer.pk}"' in html
    assert 'role="combobox"' in html and f'value="{primary.pk}" data-picker-value' in html
    assert primary.email in html, "the chosen contact's address on the second line"


def test_the_recipient_picker_offers_the_customers_contacts_with_an_address(login, org, customers):
    customer = customers["manager1"]
    # The fixture's own contact has a random name (王… at times): no address, never offered.
    customer.contacts.update(email="")
    ContactFactory(customer=customer, name="王芳", title="采购经理", email="wf@example.cn")
    ContactFactory(customer=customer, name="王小明", email="")
    ContactFactory(customer=customers["manager2"], name="王五", email="w5@example.cn")
    client = login("manager1")
    for term in ["王", "wangfang", "wf", "采购"]:
        assert picked(client, customer.pk, term) == [("王芳", "wf@example.cn · 采购经理")], term
    assert picked(client, customers["manager2"].pk, "王") == [], "another team's customer"
    assert picked(client, "", "王") == [] and picked(client, "x", "王") == []


def test_a_typed_recipient_name_is_found_among_the_customers_contacts(
    login, org, customers, records
):
    customer = customers["manager1"]
    contact = ContactFactory(customer=customer, name="王芳", email="wf@example.cn")
    ContactFactory(customer=customers["manager2"], name="王芳", email="other@example.cn")
    url = reverse("sales:quote_email", args=[records["quote"].pk])
    response = login("manager1").post(
        url, {"contact": "", "contact_text": "王芳", "subject": "报价", "message": ""}
    )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == [contact.email]
