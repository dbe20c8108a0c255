"""Printed quotes 报价单, orders 订单 and contracts 合同: what the PDF says and how it is made.

``printable_get`` reads the record through its scoped selector (out of scope → DoesNotExist);
``print_document`` gathers what the page shows — our letterhead (the company profile), the
customer as the reader may see it (field protection applies on paper too), the lines, the total
in figures and in capital numerals 大写金额, the terms and the signature blocks — and
``document_pdf`` renders ``templates/sales/pdf/<kind>.html`` with WeasyPrint (``core.pdf``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.models import CompanyProfile
from guanxi.core.pdf import html_to_pdf, storage_url
from guanxi.core.selectors.company import company_profile_get
from guanxi.customers import masking
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import customers as selectors_customers
from guanxi.sales.models import Contract, Order, Quote
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.selectors import orders as selectors_orders
from guanxi.sales.selectors import quotes as selectors_quotes

if TYPE_CHECKING:
    from django.http import HttpRequest

    from guanxi.accounts.models import User

Printable = Quote | Order | Contract

CENT = Decimal("0.01")
# cn2an writes at most 16 integer digits; our money fields hold 12.
MAX_WORDS_AMOUNT = Decimal("9999999999999999.99")

KINDS: dict[str, type[Printable]] = {"quote": Quote, "order": Order, "contract": Contract}
_SELECTORS: dict[str, Callable[..., Printable]] = {
    "quote": selectors_quotes.quote_get,
    "order": selectors_orders.order_get,
    "contract": selectors_contracts.contract_get,
}


def amount_in_words(amount: Decimal | int | str) -> str:
    """The amount in Chinese capital numerals for money 人民币大写: 壹万贰仟叁佰肆拾伍元陆角柒分.

    Rounded to the fen 分 first (half up), so 5.005 reads 伍元零壹分 rather than being cut off;
    the numerals come from cn2an's RMB mode, which follows the banks' writing rules (a zero
    inside is written once, whole yuan end in 整, 壹拾 keeps its 壹). A negative amount is
    prefixed 负. ``ValueError`` for what is not a finite amount or exceeds 16 integer digits.
    """
    try:
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as bad:
        raise ValueError(f"Not an amount: {amount!r}") from bad
    if not value.is_finite() or abs(value) > MAX_WORDS_AMOUNT:
        raise ValueError(f"Amount out of range: {amount!r}")
    # Imported on first use: loading its conversion tables takes a quarter of a second.
    import cn2an

    words = cn2an.an2cn(f"{abs(value):f}", "rmb")
    return f"负{words}" if value < 0 else words


def money(value: Decimal | None) -> str:
    """¥12,345.67 — figures as printed (thousands separated, two decimals)."""
    return f"¥{(value or Decimal(0)):,.2f}"


@dataclass(frozen=True)
class PrintLine:
    position: int
    product: str
    model_no: str
    unit: str
    quantity: Decimal
    unit_price: str
    discount: Decimal
    amount: str


@dataclass
class PrintDocument:
    """Everything a printed document shows, already worded and masked for its reader."""

    kind: str
    title: str
    code: str
    record: Printable
    company: CompanyProfile
    customer: Customer
    contact: Contact | None
    facts: list[tuple[str, str]]
    lines: list[PrintLine]
    lines_total: str
    total_label: str
    total: str
    total_in_words: str
    terms: list[tuple[str, str]]
    seller_signatory: str
    printed_at: Any
    logo_url: str = ""
    seal_url: str = ""

    @property
    def filename(self) -> str:
        return document_filename(self.record)


def printable_get(*, actor: User, kind: str, pk: int | str) -> Printable:
    """The quote, order or contract ``pk`` with what its print needs, if ``actor`` sees it."""
    return _SELECTORS[kind](actor=actor, pk=pk)


def kind_of(record: Printable) -> str:
    return {Quote: "quote", Order: "order", Contract: "contract"}[type(record)]


def document_title(kind: str) -> str:
    titles = {"quote": _("Quotation"), "order": _("Sales order"), "contract": _("Contract")}
    return titles[kind]


def document_filename(record: Printable) -> str:
    return f"{document_title(kind_of(record))} {record.code}.pdf"


def _quantity(value: Decimal) -> Decimal:
    """15 rather than 15.00 for whole quantities (and 100, never normalize()'s 1E+2)."""
    return value.quantize(Decimal(1)) if value % 1 == 0 else value


def _lines(lines: Any) -> list[PrintLine]:
    return [
        PrintLine(
            position=line.position,
            product=line.product.name,
            model_no=line.product.model_no,
            unit=str(line.product.unit) if line.product.unit_id else "",
            quantity=_quantity(line.quantity),
            unit_price=money(line.unit_price),
            discount=line.discount,
            amount=money(line.amount),
        )
        for line in lines
    ]


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _facts_and_lines(actor: User, record: Printable) -> tuple[list, list[PrintLine], Any]:
    """The document's header facts, its lines and the total those lines add up to."""
    if isinstance(record, Quote):
        facts = [
            (_("Quote no."), record.code),
            (_("Quote date"), _date(record.quote_date)),
            (_("Valid until"), _date(record.valid_until)),
        ]
        return facts, _lines(record.lines.all()), record.total
    if isinstance(record, Order):
        facts = [
            (_("Order no."), record.code),
            (_("Order date"), _date(record.order_date)),
        ]
        if record.delivery_address:
            facts.append((_("Delivery address"), record.delivery_address))
        return facts, _lines(record.lines.all()), record.total
    facts = [
        (_("Contract no."), record.code),
        (_("Title"), record.title),
        (_("Signed date"), _date(record.signed_on)),
    ]
    if record.starts_on or record.ends_on:
        facts.append((_("Term"), f"{_date(record.starts_on)} – {_date(record.ends_on)}"))
    order = None
    if record.order_id:
        try:
            order = selectors_orders.order_get(actor=actor, pk=record.order_id)
        except Order.DoesNotExist:
            order = None
    if order is None:
        return facts, [], None
    facts.append((_("Order no."), order.code))
    return facts, _lines(order.lines.all()), order.total


def _terms(record: Printable, company: CompanyProfile) -> list[tuple[str, str]]:
    # A record's notes are the team's own and stay off paper; the terms are what is agreed.
    terms = []
    delivery = getattr(record, "delivery_terms", "")
    if delivery:
        terms.append((_("Delivery terms"), delivery))
    if company.default_terms:
        terms.append((_("Terms and conditions"), company.default_terms))
    return terms


def primary_contact(*, actor: User, customer: Customer) -> Contact | None:
    """The customer's primary contact as ``actor`` may see it (masked where protected)."""
    contact = (
        selectors_customers.contact_list(actor=actor, customer=customer)
        .filter(is_primary=True)
        .select_related(None)
        .first()
    )
    return masking.protected_copy(actor, contact) if contact is not None else None


def print_document(*, actor: User, record: Printable) -> PrintDocument:
    """What the printed ``record`` shows to ``actor`` (who must see it: read it with
    :func:`printable_get`)."""
    kind = kind_of(record)
    company = company_profile_get()
    facts, lines, lines_total = _facts_and_lines(actor, record)
    facts.append((_("Account manager"), str(record.owner)))
    total = record.amount if isinstance(record, Contract) else record.total
    return PrintDocument(
        kind=kind,
        title=document_title(kind),
        code=record.code,
        record=record,
        company=company,
        customer=masking.protected_copy(actor, record.customer),
        contact=primary_contact(actor=actor, customer=record.customer),
        facts=facts,
        lines=lines,
        lines_total=money(lines_total) if lines_total is not None else "",
        total_label=_("Contract amount") if kind == "contract" else _("Total"),
        total=money(total),
        total_in_words=amount_in_words(total),
        terms=_terms(record, company),
        seller_signatory=str(record.owner),
        printed_at=timezone.localtime(),
        logo_url=storage_url(company.logo.name) if company.logo else "",
        seal_url=storage_url(company.seal.name) if company.seal else "",
    )


def document_html(document: PrintDocument) -> str:
    return render_to_string(f"sales/pdf/{document.kind}.html", {"doc": document})


def document_pdf(*, actor: User, record: Printable) -> bytes:
    """The PDF of ``record`` as ``actor`` may see it."""
    return html_to_pdf(document_html(print_document(actor=actor, record=record)))


def note_shown_fields(request: HttpRequest, document: PrintDocument) -> None:
    """Tell the sensitive-access log which protected customer fields the print showed in full."""
    user = request.user
    for name in ("address", "tax_id", "phone", "bank", "bank_account"):
        masking.note_unmasked(
            request, user, document.customer, name, getattr(document.customer, name, "")
        )
