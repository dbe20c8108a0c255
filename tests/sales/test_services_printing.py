"""Printed quotes, orders and contracts: 大写金额, what the PDF says, e-mailing it."""

import time
from decimal import Decimal
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from guanxi.customers.models import Document, FieldRule, Interaction
from guanxi.sales import printing
from guanxi.sales.services import orders as services_orders
from guanxi.sales.services import printing as services_printing
from tests.customers.fixtures.customers import ContactFactory
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.orders import make_order
from tests.sales.fixtures.printing import (
    MONEY_CASES,
    company,
    pdf_image_count,
    pdf_text,
    thirty_lines,
)
from tests.sales.fixtures.quotes import make_quote

# --- amounts in capital numerals 大写金额 ---------------------------------------------------


@pytest.mark.parametrize(("amount", "words"), MONEY_CASES)
def test_amounts_read_in_capital_numerals(amount, words):
    assert printing.amount_in_words(amount) == words


def test_ten_yuan_keeps_its_leading_one_as_the_banks_require():
    # 拾元整 could be altered into 伍拾元整 by a stroke; cheques and contracts write 壹拾元整.
    assert printing.amount_in_words(Decimal("10.00")) == "壹拾元整"
    assert printing.amount_in_words(Decimal("15.00")) == "壹拾伍元整"


def test_amounts_are_rounded_to_the_fen_not_cut_off():
    assert printing.amount_in_words("5.005") == "伍元零壹分"
    assert printing.amount_in_words(Decimal("5.004")) == "伍元整"


def test_a_negative_amount_reads_negative_and_nonsense_is_refused():
    assert printing.amount_in_words(Decimal("-5.00")) == "负伍元整"
    for bad in ("abc", "NaN", "Infinity", Decimal("1e17")):
        with pytest.raises(ValueError):
            printing.amount_in_words(bad)


# --- the PDF --------------------------------------------------------------------------------


def test_a_quote_pdf_carries_letterhead_customer_lines_and_totals(org, customers, products):
    company(org["admin"])
    customer = customers["manager1"]
    quote = make_quote(
        org["manager1"], customer, products, delivery_terms="上海仓自提", notes="客户预算紧张"
    )
    pdf = printing.document_pdf(actor=org["manager1"], record=quote)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in [
        "上海关系贸易有限公司",
        "招商银行上海分行",
        "6225 8800 1234 5678",
        customer.name,
        quote.code,
        "电钻",
        "扳手",
        "¥250.91",
        "贰佰伍拾元玖角壹分",
        "上海仓自提",
        "货到付款，30天内结清。",
    ]:
        assert expected in text, expected
    assert "客户预算紧张" not in text  # the team's own notes are not printed
    # The logo in the letterhead and the seal over the seller's signature.
    assert pdf_image_count(pdf) == 2


def test_an_order_and_a_contract_print_with_their_own_totals(org, customers, products):
    customer = customers["manager1"]
    order = make_order(org["manager1"], customer, products)
    text = pdf_text(printing.document_pdf(actor=org["manager1"], record=order))
    assert order.code in text and "¥270.90" in text and "贰佰柒拾元玖角整" not in text
    assert "贰佰柒拾元玖角" in text
    contract = make_contract(org["manager1"], customer, order=order, amount=Decimal("123456789.01"))
    text = pdf_text(printing.document_pdf(actor=org["manager1"], record=contract))
    assert "年度供货合同" in text and order.code in text and "电钻" in text
    assert "¥123,456,789.01" in text
    assert "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分" in text


def test_a_pdf_without_a_company_profile_still_prints(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    text = pdf_text(printing.document_pdf(actor=org["manager1"], record=quote))
    assert quote.code in text and "贰佰伍拾元玖角壹分" in text


def test_quantities_print_as_written(org, customers, products):
    lines = [
        {"product": products["wrench"], "quantity": 100},
        {"product": products["drill"], "quantity": "2.5"},
    ]
    quote = make_quote(org["manager1"], customers["manager1"], products, lines=lines)
    [hundred, half] = printing.print_document(actor=org["manager1"], record=quote).lines
    assert (str(hundred.quantity), str(half.quantity)) == ("100", "2.50")


def test_the_pdf_shows_the_customer_as_its_reader_may_see_it(org, customers, products):
    customer = customers["manager1"]
    customer.tax_id = "91310115MA1H7XYZ12"
    customer.save()
    FieldRule.objects.create(
        role=org["manager1"].groups.get(), field="customer.tax_id", mode=FieldRule.Mode.MASKED
    )
    quote = make_quote(org["manager1"], customer, products)
    masked = pdf_text(printing.document_pdf(actor=org["manager1"], record=quote))
    assert "91310115MA1H7XYZ12" not in masked
    full = pdf_text(printing.document_pdf(actor=org["supervisor"], record=quote))
    assert "91310115MA1H7XYZ12" in full


def test_a_thirty_line_quote_renders_quickly(org, customers, products):
    quote = make_quote(
        org["manager1"], customers["manager1"], products, lines=thirty_lines(products)
    )
    printing.document_pdf(actor=org["manager1"], record=quote)  # fonts loaded once
    started = time.perf_counter()
    pdf = printing.document_pdf(actor=org["manager1"], record=quote)
    elapsed = time.perf_counter() - started
    assert pdf_text(pdf).count("扳手") == 15
    assert elapsed < 5, elapsed


# --- e-mailing it ---------------------------------------------------------------------------


def _send(actor, record, contact, **extra):
    values = {"subject": "报价单", "message": "请查收。", **extra}
    return services_printing.document_email_send(
        actor=actor, record=record, contact=contact, **values
    )


def test_the_pdf_is_mailed_to_the_contact_and_logged_on_the_timeline(
    org, customers, products, english
):
    customer = customers["manager1"]
    contact = customer.contacts.get()
    quote = make_quote(org["manager1"], customer, products)
    with translation.override("en"):  # the attachment is named in the sender's language
        interaction = _send(org["manager1"], quote, contact)
    [sent] = mail.outbox
    assert sent.to == [contact.email] and sent.subject == "报价单" and "请查收" in sent.body
    [(filename, content, mimetype)] = sent.attachments
    assert filename == f"Quotation {quote.code}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF") and "电钻" in pdf_text(content)
    interaction.refresh_from_db()
    assert interaction.customer == customer and interaction.contact == contact
    assert interaction.kind == Interaction.Kind.EMAIL and quote.code in interaction.summary
    [document] = Document.objects.filter(interaction=interaction)
    assert document.versions.get().file.read() == content


def test_a_refused_mail_records_nothing(org, customers, products, monkeypatch):
    customer = customers["manager1"]
    quote = make_quote(org["manager1"], customer, products)

    def refuse(*args, **kwargs):
        raise SMTPException("relay denied")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(ValidationError) as refused:
        _send(org["manager1"], quote, customer.contacts.get())
    assert "contact" in refused.value.message_dict
    assert not Interaction.objects.filter(customer=customer).exists()
    assert not Document.objects.filter(customer=customer).exists()


def test_only_a_contact_of_the_customer_with_an_address_is_mailed(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    primary = customers["manager1"].contacts.get()
    stranger = customers["manager2"].contacts.get()
    no_address = ContactFactory(customer=customers["manager1"], email="")
    for contact in (stranger, no_address):
        with pytest.raises(ValidationError) as refused:
            _send(org["manager1"], quote, contact)
        assert "contact" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _send(org["manager1"], quote, primary, subject="  ")
    assert "subject" in refused.value.message_dict
    assert mail.outbox == []


def test_an_executive_may_not_mail_documents(org, customers, products):
    order = services_orders.order_create(
        actor=org["manager1"],
        customer=customers["manager1"],
        lines=[{"product": products["drill"], "quantity": 1}],
    )
    with pytest.raises(PermissionDenied):
        _send(org["exec"], order, customers["manager1"].contacts.get())
