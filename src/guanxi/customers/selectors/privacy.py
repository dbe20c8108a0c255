"""Everything Guanxi holds about one person, for a subject-access export (PIPL/GDPR).

The subject (a person customer or a contact) was read through the scoped selectors by the
caller; what belongs to it is gathered whole, the recycle bin included: it is still held.
Sections of the apps above customers come from their registered providers
(:mod:`guanxi.customers.personal_data`).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerEvent,
    Document,
    DocumentVersion,
    Interaction,
)
from guanxi.customers.personal_data import (
    Section,
    Subject,
    history_section,
    personal_data_providers,
    section,
)

CUSTOMER_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "phone",
    "fax",
    "email",
    "address",
    "postcode",
    "website",
    "business_licence_no",
    "legal_representative",
    "bank",
    "bank_account",
    "tax_id",
    "tags",
    "level__name_zh",
    "region__name_zh",
    "industry__name_zh",
    "source__name_zh",
    "owner__username",
    "status",
    "credit_status",
    "credit_hold_reason",
    "satisfaction",
    "credit",
    "created_at",
    "created_by__username",
    "deleted_at",
    "anonymised_at",
)
CONTACT_FIELDS = (
    "id",
    "customer__code",
    "customer__name",
    "name",
    "gender",
    "title",
    "office_phone",
    "mobile",
    "email",
    "notes",
    "is_primary",
    "created_at",
    "created_by__username",
    "deleted_at",
    "anonymised_at",
)
INTERACTION_FIELDS = (
    "id",
    "kind",
    "occurred_at",
    "place",
    "summary",
    "details",
    "contact__name",
    "created_by__username",
    "deleted_at",
)
DOCUMENT_FIELDS = (
    "id",
    "title",
    "category",
    "description",
    "interaction_id",
    "created_at",
    "created_by__username",
    "deleted_at",
)
VERSION_FIELDS = (
    "document_id",
    "number",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "uploaded_at",
    "uploaded_by__username",
)
EVENT_FIELDS = ("kind", "happened_at", "actor__username", "text", "data")


def _customer_sections(customer: Customer) -> list[Section]:
    pk = customer.pk
    return [
        section("customer", _("Customer"), Customer.all_objects.filter(pk=pk), CUSTOMER_FIELDS),
        history_section("customer_history", _("Customer history"), Customer, Q(id=pk)),
        section(
            "contacts",
            _("Contacts"),
            Contact.all_objects.filter(customer_id=pk).order_by("id"),
            CONTACT_FIELDS,
        ),
        history_section("contact_history", _("Contact history"), Contact, Q(customer_id=pk)),
        section(
            "interactions",
            _("Interactions"),
            Interaction.all_objects.filter(customer_id=pk).order_by("occurred_at", "id"),
            INTERACTION_FIELDS,
        ),
        history_section(
            "interaction_history", _("Interaction history"), Interaction, Q(customer_id=pk)
        ),
        section(
            "documents",
            _("Documents"),
            Document.all_objects.filter(customer_id=pk).order_by("id"),
            DOCUMENT_FIELDS,
        ),
        section(
            "document_versions",
            _("Document files"),
            DocumentVersion.objects.filter(document__customer_id=pk).order_by(
                "document_id", "number"
            ),
            VERSION_FIELDS,
        ),
        section(
            "events",
            _("Timeline events"),
            CustomerEvent.objects.filter(customer_id=pk).order_by("happened_at", "id"),
            EVENT_FIELDS,
        ),
    ]


def _contact_sections(contact: Contact) -> list[Section]:
    pk = contact.pk
    return [
        section("contact", _("Contact"), Contact.all_objects.filter(pk=pk), CONTACT_FIELDS),
        history_section("contact_history", _("Contact history"), Contact, Q(id=pk)),
        section(
            "interactions",
            _("Interactions"),
            Interaction.all_objects.filter(contact_id=pk).order_by("occurred_at", "id"),
            INTERACTION_FIELDS,
        ),
    ]


def personal_data_sections(*, subject: Subject) -> list[Section]:
    """The sections of the export about ``subject``: the customers app's, then the providers'."""
    if subject.contact is not None:
        sections = _contact_sections(subject.contact)
    else:
        sections = _customer_sections(subject.customer)
    for provider in personal_data_providers():
        sections.extend(provider.collect(subject=subject))
    return sections
