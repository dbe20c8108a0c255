"""How import rows name their customer: by code, external id or exact name, in scope."""

from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    REF,
    Column,
    ImportRow,
)
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Contact, Customer

CUSTOMER_COLUMN = Column(
    "customer",
    gettext_lazy("Customer"),
    REF,
    (
        "客户",
        "客户名称",
        "所属客户",
        "客户编号",
        "公司",
        "公司名称",
        "customer",
        "account",
        "company",
    ),
    required=True,
)


CUSTOMER_FIELDS_READ = (
    "id",
    "code",
    "external_ref",
    "name",
    "owner",
    "phone",
    "email",
    "last_follow_up_at",
    "recall_notice_at",
    "version",
)


def own_fields(model: type[Model]) -> tuple[str, ...]:
    """Every column of ``model`` itself (what ``only()`` keeps beside a few related fields)."""
    return tuple(field.name for field in model._meta.concrete_fields)


def related_fields(relation: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{relation}__{name}" for name in names)


def customers_find(actor: Any, rows: list[ImportRow]) -> None:
    """Each row's customer (``row.related["customer"]``) by code, external id or exact name.

    One query for the batch, within the actor's scope; a name two customers share is refused.
    """
    texts = {row.values["customer"] for row in rows if row.values.get("customer")}
    if not texts:
        return
    found = (
        scope_queryset(
            Customer.objects.filter(
                Q(code__in=texts) | Q(external_ref__in=texts) | Q(name__in=texts)
            ),
            actor,
        )
        .select_related("owner")
        # What rows and their writes read of a customer: a batch of whole customers (and
        # owners) costs more to load than the rows take to write. Other fields load if read.
        .only(*CUSTOMER_FIELDS_READ, "owner__id", "owner__username")
    )
    by_code: dict[str, Customer] = {}
    by_ref: dict[str, Customer] = {}
    by_name: dict[str, list[Customer]] = {}
    for customer in found:
        by_code[customer.code] = customer
        if customer.external_ref:
            by_ref[customer.external_ref] = customer
        by_name.setdefault(customer.name, []).append(customer)
    for row in rows:
        text = row.values.get("customer")
        if not text:
            continue
        match: Customer | None = by_code.get(text) or by_ref.get(text)
        named = by_name.get(text, [])
        if match is None and len(named) == 1:
            match = named[0]
        if match is not None:
            row.related["customer"] = match
        elif named:
            row.error(
                "customer",
                _("Several customers are called “%(value)s”: give the customer code.")
                % {"value": text},
                "ambiguous",
            )
        else:
            row.error(
                "customer",
                _(
                    "No customer “%(value)s” that you may see "
                    "(give its code, external id or exact name)."
                )
                % {"value": text},
                "not_found",
            )


def contacts_find(rows: list[ImportRow]) -> None:
    """Each row's contact (``row.related["contact"]``) by external id or name, within the
    row's customer (one query for the batch); a name two contacts share is refused."""
    if not rows:
        return
    texts = {row.values["contact"] for row in rows}
    found = Contact.objects.filter(
        Q(external_ref__in=texts) | Q(name__in=texts),
        customer_id__in={row.related["customer"].pk for row in rows},
    )
    by_ref: dict[str, Contact] = {}
    by_name: dict[tuple[int, str], list[Contact]] = {}
    for contact in found:
        if contact.external_ref:
            by_ref[contact.external_ref] = contact
        by_name.setdefault((contact.customer_id, contact.name), []).append(contact)
    for row in rows:
        text, customer = row.values["contact"], row.related["customer"]
        match: Contact | None = by_ref.get(text)
        if match is not None and match.customer_id != customer.pk:
            match = None
        named = by_name.get((customer.pk, text), [])
        if match is None and len(named) == 1:
            match = named[0]
        if match is not None:
            row.related["contact"] = match
        else:
            row.error(
                "contact",
                _("“%(customer)s” has no contact “%(value)s”.")
                % {"customer": customer.name, "value": text}
                if not named
                else _("Several contacts are called “%(value)s”: give the contact's external id.")
                % {"value": text},
                "ambiguous" if named else "not_found",
            )
