"""The sales app's part of a person's data (PIPL/GDPR): what a person customer bought and asked.

Registered from ``SalesConfig.ready()`` as a provider of :mod:`guanxi.customers.personal_data`.
The subject-access export lists a person customer's orders (with lines), quotes, contracts,
opportunities and the leads converted into it; anonymisation keeps every order, amount, date
and status (figures and receivables do not change) and erases who the person was: the
delivery address, the opportunities' prospect and contact, the converted leads' name, phone,
e-mail and notes, in the records and their history. Sales records name no contact, so a
contact's export and erasure have nothing here.
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.pinyin import pinyin_sort_key
from guanxi.customers.personal_data import (
    PLACEHOLDER,
    Section,
    Subject,
    anonymised_history_reason,
    personal_fields_erase,
    placeholder_expression,
    section,
)
from guanxi.sales.models import Contract, Lead, Opportunity, Order, OrderLine, Quote

ORDER_FIELDS = (
    "id",
    "code",
    "order_date",
    "status",
    "total",
    "delivery_address",
    "delivery_terms",
    "notes",
    "owner__username",
    "deleted_at",
)
ORDER_LINE_FIELDS = ("order__code", "position", "product__name", "quantity", "unit_price", "amount")
QUOTE_FIELDS = ("id", "code", "quote_date", "valid_until", "status", "total", "notes", "deleted_at")
CONTRACT_FIELDS = ("id", "code", "title", "amount", "signed_on", "status", "notes", "deleted_at")
OPPORTUNITY_FIELDS = (
    "id",
    "prospect_name",
    "summary",
    "contact",
    "contact_phone",
    "description",
    "expected_amount",
    "status",
    "created_at",
    "deleted_at",
)
LEAD_FIELDS = ("id", "name", "company", "phone", "email", "notes", "status", "created_at")


def sales_personal_data(*, subject: Subject) -> list[Section]:
    if subject.contact is not None:
        return []
    pk = subject.customer.pk
    return [
        section(
            "orders",
            _("Orders"),
            Order.all_objects.filter(customer_id=pk).order_by("order_date", "id"),
            ORDER_FIELDS,
        ),
        section(
            "order_lines",
            _("Order lines"),
            OrderLine.objects.filter(order__customer_id=pk).order_by("order_id", "position"),
            ORDER_LINE_FIELDS,
        ),
        section(
            "quotes",
            _("Quotes"),
            Quote.all_objects.filter(customer_id=pk).order_by("quote_date", "id"),
            QUOTE_FIELDS,
        ),
        section(
            "contracts",
            _("Contracts"),
            Contract.all_objects.filter(customer_id=pk).order_by("id"),
            CONTRACT_FIELDS,
        ),
        section(
            "opportunities",
            _("Opportunities"),
            Opportunity.all_objects.filter(customer_id=pk).order_by("created_at", "id"),
            OPPORTUNITY_FIELDS,
        ),
        section(
            "leads",
            _("Leads"),
            Lead.all_objects.filter(converted_customer_id=pk).order_by("created_at", "id"),
            LEAD_FIELDS,
        ),
    ]


def sales_personal_data_anonymise(*, actor: Any, subject: Subject, reason: str) -> int:
    if subject.contact is not None:
        return 0
    pk = subject.customer.pk
    history_reason = anonymised_history_reason(reason)
    changed = 0
    for queryset, values, key in (
        (Order.all_objects.filter(customer_id=pk), {"delivery_address": ""}, "customer_id"),
        (
            Opportunity.all_objects.filter(customer_id=pk),
            {"prospect_name": PLACEHOLDER, "contact": "", "contact_phone": ""},
            "customer_id",
        ),
        (
            Lead.all_objects.filter(converted_customer_id=pk),
            {
                "name": placeholder_expression(),
                # The derived keys held the person's name and its pinyin.
                "name_sort": pinyin_sort_key(PLACEHOLDER),
                "search_text": "",
                "company": "",
                "phone": "",
                "email": "",
                "notes": "",
            },
            "converted_customer_id",
        ),
    ):
        ids = list(queryset.values_list("pk", flat=True))
        changed += personal_fields_erase(
            queryset=queryset,
            values=values,
            history_condition=Q(**{key: pk}) | Q(id__in=ids),
            reason=history_reason,
            actor=actor,
        )
    return changed
