"""A person's rights over their data (PIPL/GDPR): the subject-access export and erasure.

Both are for a *person*: a customer of the person kind, or a contact (a company has no personal
data of its own; its contacts are the people). Both need a right of their own, held by
administrators by default (``rules.EXPORT_PERSONAL_DATA``, ``rules.ANONYMISE_PERSONAL_DATA``),
and both are written to the sensitive-access log.

Anonymisation 匿名化 cannot be undone: the person's fields become placeholders
(``personal_data.PLACEHOLDER``) in the record *and* in every audit history row, the search
and duplicate keys are derived again from the placeholders (the person is no longer found by
name, phone, e-mail or pinyin), documents are deleted with their stored files, and the apps
above customers erase what they hold (``personal_data`` providers). Orders, amounts, dates
and statuses stay, so figures do not change. It needs a reason, kept in the access log, the
history and (for a customer) the timeline. All of it is one transaction: nothing is
half-erased.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.models import AccessLogEntry
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.core.rules import require
from guanxi.core.services.access_log import access_log_record
from guanxi.core.services.records import record_attribute
from guanxi.customers import rules
from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerEvent,
    Document,
    FlaggedValue,
    Interaction,
)
from guanxi.customers.personal_data import (
    PLACEHOLDER,
    Subject,
    anonymised_history_reason,
    personal_data_archive,
    personal_data_providers,
    personal_fields_erase,
    placeholder,
    placeholder_expression,
)
from guanxi.customers.search.keys import customer_search_columns
from guanxi.customers.selectors.privacy import personal_data_sections
from guanxi.customers.services.customers import customer_search_refresh

MAX_REASON_LENGTH = 1000

# The values that replace a person's: names become placeholders, the rest is emptied.
CUSTOMER_ERASED_FIELDS = (
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
)
CONTACT_ERASED: dict[str, Any] = {
    # The pinyin of the placeholder, not the person's name (the id orders placeholders).
    "name_sort": pinyin_sort_key(PLACEHOLDER),
    "gender": "",
    "title": "",
    "office_phone": "",
    "mobile": "",
    "email": "",
    "notes": "",
}
# What was said in a meeting with a person is about them: its kind and date stay (counted).
INTERACTION_ERASED: dict[str, Any] = {"place": "", "summary": PLACEHOLDER, "details": ""}


def _refused_company() -> BusinessRuleError:
    return BusinessRuleError(
        _(
            "This customer is a company: it holds no one's personal data of its own. "
            "Export or anonymise its contacts instead."
        )
    )


def personal_data_reason_clean(reason: str | None) -> str:
    """The reason as stored; a missing or overlong one is refused, naming the reason field."""
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError({"reason": _("Give the reason for anonymising this person's data.")})
    if len(cleaned) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Write at most %(count)d characters.") % {"count": MAX_REASON_LENGTH}}
        )
    return cleaned


# -- the subject-access export ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataExport:
    filename: str
    content: bytes


def _export(*, actor: User, subject: Subject, request: HttpRequest | None) -> PersonalDataExport:
    record = subject.record
    sections = personal_data_sections(subject=subject)
    now = timezone.now()
    content = personal_data_archive(
        about={
            "subject": {"model": record._meta.label_lower, "id": record.pk, "name": str(record)},
            "exported_at": now,
            "exported_by": actor.get_username(),
        },
        sections=sections,
    )
    access_log_record(
        actor=actor,
        kind=AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT,
        target=record,
        details={
            "model": record._meta.label_lower,
            "row_count": sum(len(part.rows) for part in sections),
            "sections": {part.key: len(part.rows) for part in sections},
        },
        request=request,
    )
    name = "contact" if subject.contact is not None else "customer"
    return PersonalDataExport(
        filename=f"personal-data-{name}-{record.pk}-{now:%Y%m%d}.zip", content=content
    )


def customer_personal_data_export(
    *, actor: User, customer: Customer, request: HttpRequest | None = None
) -> PersonalDataExport:
    """Everything held about a person customer, as a zip of JSON and xlsx; logged."""
    require(actor, rules.EXPORT_PERSONAL_DATA)
    if not rules.is_personal_record(actor, customer):
        raise _refused_company()
    return _export(actor=actor, subject=Subject(customer=customer), request=request)


def contact_personal_data_export(
    *, actor: User, contact: Contact, request: HttpRequest | None = None
) -> PersonalDataExport:
    """Everything held about a contact, as a zip of JSON and xlsx; logged."""
    require(actor, rules.EXPORT_PERSONAL_DATA)
    return _export(
        actor=actor, subject=Subject(customer=contact.customer, contact=contact), request=request
    )


# -- anonymisation --------------------------------------------------------------------------------


def _log_anonymised(
    *, actor: User, record: Any, reason: str, counts: dict[str, int], request: HttpRequest | None
) -> None:
    access_log_record(
        actor=actor,
        kind=AccessLogEntry.Kind.ANONYMISED,
        target=record,
        details={"model": record._meta.label_lower, "reason": reason, "records": counts},
        request=request,
    )


def _providers_erase(*, actor: User, subject: Subject, reason: str) -> dict[str, int]:
    counts = {}
    for provider in personal_data_providers():
        if provider.anonymise is not None:
            counts[provider.key] = provider.anonymise(actor=actor, subject=subject, reason=reason)
    return counts


def _documents_delete(*, actor: User, customer_id: int, reason: str) -> int:
    """Delete the customer's documents for good; their files go once the transaction commits."""
    deleted = 0
    for document in Document.all_objects.filter(customer_id=customer_id).order_by("pk"):
        record_attribute(instance=document, actor=actor)
        document._change_reason = reason  # type: ignore[attr-defined]
        document.delete()  # its versions too; apps.py removes their stored files on commit
        deleted += 1
    Document.history.filter(customer_id=customer_id).update(title=PLACEHOLDER, description="")
    return deleted


def _customer_erase(*, actor: User, customer: Customer, reason: str) -> dict[str, int]:
    """Erase the person customer ``customer`` (locked, not yet anonymised) and what is theirs."""
    pk = customer.pk
    history_reason = anonymised_history_reason(reason)
    now = timezone.now()
    # Records merged in from another customer kept that customer's id in their older history.
    contacts = Contact.all_objects.filter(customer_id=pk)
    interactions = Interaction.all_objects.filter(customer_id=pk)
    counts = {
        "contacts": personal_fields_erase(
            queryset=contacts,
            values={**CONTACT_ERASED, "name": placeholder_expression(), "anonymised_at": now},
            history_condition=Q(customer_id=pk)
            | Q(id__in=list(contacts.values_list("pk", flat=True))),
            reason=history_reason,
            actor=actor,
        ),
        "interactions": personal_fields_erase(
            queryset=interactions,
            values=INTERACTION_ERASED,
            history_condition=Q(customer_id=pk)
            | Q(id__in=list(interactions.values_list("pk", flat=True))),
            reason=history_reason,
            actor=actor,
        ),
        "documents": _documents_delete(actor=actor, customer_id=pk, reason=history_reason),
    }
    FlaggedValue.objects.filter(customer_id=pk).delete()
    # What people wrote on the timeline (a churn measure, a hold's reason) may name the person.
    CustomerEvent.objects.filter(customer_id=pk).exclude(text="").update(text=PLACEHOLDER)
    counts.update(_providers_erase(actor=actor, subject=Subject(customer=customer), reason=reason))
    name = placeholder(pk)
    values: dict[str, Any] = dict.fromkeys(CUSTOMER_ERASED_FIELDS, "")
    values.update(
        name=name,
        credit_hold_reason=PLACEHOLDER if customer.credit_hold_reason else "",
        anonymised_at=now,
        name_key="",
        phone_digits="",
        # The keys of the placeholders: found by code or placeholder, never by the person.
        **customer_search_columns(
            name=name, code=customer.code, phone="", email="", contact_names=[]
        ),
    )
    personal_fields_erase(
        queryset=Customer.all_objects.filter(pk=pk),
        values=values,
        history_condition=Q(id=pk),
        reason=history_reason,
        actor=actor,
    )
    # Reasons written with the name (a merge's "… (张伟) was merged") keep the placeholder.
    if customer.name:
        Customer.history.filter(id=pk).update(
            history_change_reason=Replace(
                "history_change_reason", Value(customer.name), Value(name)
            )
        )
    return counts


@transaction.atomic
def customer_anonymise(
    *, actor: User, customer: Customer, reason: str, request: HttpRequest | None = None
) -> Customer:
    """Erase a person customer's personal data for good (see the module docstring).

    No right → ``PermissionDenied``; no reason → ``ValidationError`` on ``reason``; a company
    or a customer already anonymised → ``BusinessRuleError``. The customer must be in the
    caller's scope (the entry points read it through the scoped selectors).
    """
    require(actor, rules.ANONYMISE_PERSONAL_DATA)
    if not rules.is_personal_record(actor, customer):
        raise _refused_company()
    reason = personal_data_reason_clean(reason)
    locked = Customer.all_objects.select_for_update().get(pk=customer.pk)
    if locked.anonymised_at is not None:
        raise BusinessRuleError(_("This person's data was already anonymised."))
    counts = _customer_erase(actor=actor, customer=locked, reason=reason)
    CustomerEvent.objects.create(
        customer=locked, kind=CustomerEvent.Kind.ANONYMISED, actor=actor, text=reason
    )
    _log_anonymised(actor=actor, record=locked, reason=reason, counts=counts, request=request)
    customer.refresh_from_db()
    return customer


@transaction.atomic
def contact_anonymise(
    *, actor: User, contact: Contact, reason: str, request: HttpRequest | None = None
) -> Contact:
    """Erase a contact's personal data for good: the contact's fields and history, the
    customer's search keys holding its name, and what the apps above customers hold about it.

    Errors as :func:`customer_anonymise`.
    """
    require(actor, rules.ANONYMISE_PERSONAL_DATA)
    reason = personal_data_reason_clean(reason)
    locked = Contact.all_objects.select_for_update().get(pk=contact.pk)
    if locked.anonymised_at is not None:
        raise BusinessRuleError(_("This person's data was already anonymised."))
    history_reason = anonymised_history_reason(reason)
    personal_fields_erase(
        queryset=Contact.all_objects.filter(pk=locked.pk),
        values={**CONTACT_ERASED, "name": placeholder(locked.pk), "anonymised_at": timezone.now()},
        history_condition=Q(id=locked.pk),
        reason=history_reason,
        actor=actor,
    )
    FlaggedValue.objects.filter(contact_id=locked.pk).delete()
    customer = locked.customer
    counts = {"contacts": 1}
    counts.update(
        _providers_erase(
            actor=actor, subject=Subject(customer=customer, contact=locked), reason=reason
        )
    )
    customer_search_refresh(customer=customer)
    # The customer's history kept the contact names in its search keys; derived, not history.
    Customer.history.filter(id=customer.pk).update(search_text="")
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.ANONYMISED,
        actor=actor,
        text=reason,
        data={"contact": locked.pk},
    )
    _log_anonymised(actor=actor, record=locked, reason=reason, counts=counts, request=request)
    contact.refresh_from_db()
    return contact


def customer_anonymise_before_purge(*, actor: User, instance: Any, reason: str) -> None:
    """The recycle bin's "anonymise personal data in history" when purging a person customer.

    Runs inside the purge's transaction, before the delete, so the rows the delete writes to
    the history already hold the placeholders. A customer anonymised before is purged as is.
    """
    require(actor, rules.ANONYMISE_PERSONAL_DATA)
    if not rules.is_personal_record(actor, instance):
        raise _refused_company()
    reason = personal_data_reason_clean(reason)
    locked = Customer.all_objects.select_for_update().get(pk=instance.pk)
    if locked.anonymised_at is not None:
        return
    counts = _customer_erase(actor=actor, customer=locked, reason=reason)
    _log_anonymised(actor=actor, record=locked, reason=reason, counts=counts, request=None)
