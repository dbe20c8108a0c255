"""The customer and contact pickers (``core.pickers``): what a form's search box offers.

They reuse the customer list's search (``selectors.customers.customer_list``): the same scope,
the same keys (name, code, pinyin, initials, contacts' names) and the same masking rule, so a
reader with a mask or hide rule on the phone cannot find a customer by its phone here either,
and sees the phone on the second line as the mask shows it.
"""

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.pickers import PickerKind, PickerOption
from guanxi.customers.masking import note_unmasked, protect
from guanxi.customers.models import Contact, Customer
from guanxi.customers.search.keys import name_keys, name_matches, normalise
from guanxi.customers.selectors.customers import contact_list, customer_list

# Two characters: the search index answers from two (张伟, zw); one would scan every row.
MIN_TERM_LENGTH = 2
SEPARATOR = " · "


def _joined(*parts: object) -> str:
    return SEPARATOR.join(str(part) for part in parts if part not in (None, ""))


def customer_choices(actor: User) -> QuerySet[Customer]:
    return customer_list(actor=actor)


def customer_search(actor: User, term: str, limit: int) -> Sequence[Customer]:
    return list(customer_list(actor=actor, search=term)[:limit])


def customer_option(actor: User, customer: Customer, request: HttpRequest | None) -> PickerOption:
    """Name; code · owner · region · phone (as the reader may see the phone)."""
    phone = protect(actor, customer, "phone")
    note_unmasked(request, actor, customer, "phone", phone)
    return PickerOption(
        pk=customer.pk,
        label=customer.name,
        detail=_joined(customer.code, customer.owner, customer.region, phone),
        data={"address": customer.address},
    )


def contact_choices(actor: User) -> QuerySet[Contact]:
    return contact_list(actor=actor).select_related("customer")


def contact_search(actor: User, term: str, limit: int) -> Sequence[Contact]:
    """Contacts named ``term`` (name, pinyin, initials) or of the customers ``term`` finds.

    The customers' search keys hold their contacts' names, so one indexed search finds the
    customers; their contacts are then read in one query and ordered: name matches first.
    """
    customers = list(customer_list(actor=actor, search=term).values_list("pk", flat=True)[:limit])
    if not customers:
        return []
    contacts = list(
        contact_choices(actor)
        .filter(customer__in=customers)
        .order_by("customer_id", "-is_primary", "name_sort", "id")[: limit * 5]
    )
    contacts.sort(key=lambda contact: not name_matches(contact.name, term))
    return contacts[:limit]


def contact_option(actor: User, contact: Contact, request: HttpRequest | None) -> PickerOption:
    """Name; customer · job title · mobile (as the reader may see the mobile)."""
    mobile = protect(actor, contact, "mobile")
    note_unmasked(request, actor, contact, "mobile", mobile)
    return PickerOption(
        pk=contact.pk,
        label=contact.name,
        detail=_joined(contact.customer.name, contact.title, mobile),
    )


def recipient_choices(actor: User) -> QuerySet[Contact]:
    """Contacts with an e-mail address: those a document can be sent to."""
    return contact_list(actor=actor).exclude(email="").select_related("customer")


def recipient_search(actor: User, term: str, limit: int, *, customer: str = "") -> list[Contact]:
    """The contacts of ``customer`` (an id) with an e-mail address whose name (or its pinyin,
    initials) or job title contains ``term``; none without a customer the actor sees.

    A customer has a handful of contacts: they are read in one query and matched here. The
    address is not searched: for a reader it is masked from, that would confirm it.
    """
    if not customer.isdigit():
        return []
    term_key = normalise(term)
    rows = recipient_choices(actor).filter(customer_id=int(customer))
    found = [
        contact
        for contact in rows.order_by("-is_primary", "name_sort", "id")[:200]
        if any(term_key in key for key in name_keys(contact.name))
        or term_key in normalise(contact.title)
    ]
    return found[:limit]


def recipient_option(actor: User, contact: Contact, request: HttpRequest | None) -> PickerOption:
    """Name; e-mail (as the reader may see it) · job title."""
    email = protect(actor, contact, "email")
    note_unmasked(request, actor, contact, "email", email)
    return PickerOption(
        pk=contact.pk,
        label=contact.name,
        detail=_joined(email or _("address not shown"), contact.title),
    )


CUSTOMER = PickerKind(
    key="customer",
    label=_("Customers"),
    queryset=customer_choices,
    search=customer_search,
    option=customer_option,
    min_length=MIN_TERM_LENGTH,
    placeholder=_("Type a name, code, phone, pinyin or initials"),
)
CONTACT = PickerKind(
    key="contact",
    label=_("Contacts"),
    queryset=contact_choices,
    search=contact_search,
    option=contact_option,
    min_length=MIN_TERM_LENGTH,
    placeholder=_("Type a contact's or customer's name or pinyin"),
)
RECIPIENT = PickerKind(
    key="recipient",
    label=_("Contacts with an e-mail address"),
    queryset=recipient_choices,
    search=recipient_search,
    option=recipient_option,
    min_length=1,
    placeholder=_("Type the contact's name, pinyin or job title"),
    params=("customer",),
)
