"""Requests that come in by themselves 客户服务: who sent them, and the e-mail thread.

- :func:`requester_match` finds the customer (and contact) of an e-mail address or phone
  number, normalised as the customers' duplicate check does (case of the address; digits of
  the phone, with or without the +86 country code). Only an unambiguous match counts: an
  address shared by two customers leaves the request unmatched for a supervisor to link.
- :func:`service_request_receive_web` files what the public web form sent, with channel
  "web"; the mailbox (``guanxi.service.mailbox``) files mail with channel "email". Both go
  through ``services.requests.service_request_receive``, which holds the rules.
- :func:`request_mail_send` sends a mail about a request (the acknowledgement of receipt,
  the survey) through Django's e-mail backend, with the request code in the subject
  (``[FW2026000123] ...``) and a Message-ID recorded as a :class:`ServiceMessage`, so the
  requester's reply finds its request again (:func:`thread_request_find`).
"""

import contextlib
import logging
import re
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.phones import phone_normalise
from guanxi.customers.dedup import phone_digits
from guanxi.customers.models import Contact, Customer
from guanxi.service.models import ServiceMessage, ServiceRequest
from guanxi.service.services import requests as services

logger = logging.getLogger(__name__)

# "[FW2026000123]" in a subject: the request the mail is about.
CODE_IN_SUBJECT = re.compile(rf"\[({services.CODE_PREFIX}\d{{10,}})\]")
MAX_MESSAGE_ID = 255
MAX_BODY = 100_000


class MailNotSent(Exception):  # noqa: N818  (reads as what happened)
    """The mail server refused or could not be reached; nothing was recorded as sent."""


# -- who asked ---------------------------------------------------------------------------------


def _phone_keys(phone: str) -> set[str]:
    """The digit strings a stored phone may have for ``phone``: as typed, without +86/0086."""
    digits = phone_digits(phone)
    if len(digits) < 5:
        return set()
    keys = {digits}
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 7:
            keys.add(digits[len(prefix) :])
    keys |= {"86" + key for key in list(keys)}
    return keys


def requester_match(*, email: str = "", phone: str = "") -> tuple[Customer | None, Contact | None]:
    """The one customer (and contact, when a contact matched) whose own or whose contact's
    e-mail or phone is ``email`` or ``phone``; ``(None, None)`` when none or several match.

    Contacts are checked first, as the person who writes is usually one. The customer's
    e-mail and phone digits are indexed; the contacts' are compared as stored (digits of the
    mobile and office phone are compared in Python on the few rows sharing the last digits).
    """
    email = (email or "").strip()
    keys = _phone_keys(phone)
    contacts: list[Contact] = []
    if email:
        contacts += Contact.objects.filter(email__iexact=email, customer__deleted_at__isnull=True)
    if keys:
        tail = phone_digits(phone)[-4:]
        nearby = Contact.objects.filter(
            Q(mobile__endswith=tail) | Q(office_phone__endswith=tail),
            customer__deleted_at__isnull=True,
        )[:200]
        contacts += [
            contact
            for contact in nearby
            if {phone_digits(contact.mobile), phone_digits(contact.office_phone)} & keys
        ]
    customer_ids = {contact.customer_id for contact in contacts}
    if len(customer_ids) == 1:
        contact: Contact | None = contacts[0]
        if len({c.pk for c in contacts}) > 1:
            contact = None  # two contacts of the customer share it: the customer is enough
        customer = Customer.objects.get(pk=customer_ids.pop())
        return customer, contact
    if customer_ids:
        return None, None
    condition = Q()
    if email:
        condition |= Q(email__iexact=email)
    if keys:
        condition |= Q(phone_digits__in=keys)
    if not condition:
        return None, None
    found = list(Customer.objects.filter(condition).order_by("pk")[:2])
    if len(found) == 1:
        return found[0], None
    return None, None


def _entry(kind: str, code: str) -> DictionaryEntry | None:
    return DictionaryEntry.objects.filter(kind=kind, code=code, is_active=True).first()


def intake_service_types():
    """The service types a requester may choose on the public form (active, in order)."""
    return DictionaryEntry.objects.filter(kind=DictionaryKind.SERVICE_TYPE, is_active=True)


@transaction.atomic
def service_request_receive_web(
    *,
    service_type: DictionaryEntry,
    summary: str,
    request: str,
    name: str,
    email: str = "",
    phone: str = "",
    company: str = "",
) -> ServiceRequest:
    """The public web form: a request with channel "web", matched to a customer by the
    requester's e-mail or phone when it can be; an acknowledgement with the request code is
    mailed to the requester after the commit (a failed mail is logged, the request stays).
    A phone that is no number is refused on ``phone``, before anything is written."""
    try:
        phone = phone_normalise(phone, label=_("Phone"))
    except ValidationError as error:
        raise ValidationError({"phone": error}) from error
    customer, contact = requester_match(email=email, phone=phone)
    text = (request or "").strip()
    if company and customer is None:
        text = f"{text}\n\n{_('Company')}: {company.strip()}".strip()
    service_request = services.service_request_receive(
        service_type=service_type,
        summary=summary,
        request=text,
        channel=_entry(DictionaryKind.CHANNEL, "web"),
        customer=customer,
        contact=contact,
        requester_name=name,
        requester_email=email,
        requester_phone=phone,
    )
    if email:
        pk = service_request.pk
        transaction.on_commit(lambda: request_acknowledge_quietly(pk))
    return service_request


# -- the e-mail thread -------------------------------------------------------------------------


def reply_address(service_request: ServiceRequest) -> str:
    """Where mail about the request goes: the contact's, the requester's or the customer's."""
    contact, customer = service_request.contact, service_request.customer
    if contact is not None and contact.email:
        return contact.email
    if service_request.requester_email:
        return service_request.requester_email
    if customer is not None and customer.email:
        return customer.email
    return ""


def clean_message_id(value: str) -> str:
    """A Message-ID as stored: trimmed, in angle brackets, at most ``MAX_MESSAGE_ID`` long."""
    value = (value or "").strip()
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value[:MAX_MESSAGE_ID]


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">")
    return address.rpartition("@")[2] or "guanxi.localhost"


def request_mail_send(
    *,
    service_request: ServiceRequest,
    to: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    automatic: bool = False,
) -> ServiceMessage:
    """Mail ``to`` about ``service_request`` and record the mail in its thread.

    The subject carries the request code; the Message-ID is recorded so that a reply finds the
    request. ``automatic`` marks the mail ``Auto-Submitted: auto-replied`` (RFC 3834), so the
    requester's mail program does not answer it with an out-of-office notice. Raises
    :class:`MailNotSent` when the mail server fails; then nothing is recorded.
    """
    subject = f"[{service_request.code}] {subject}"
    message_id = make_msgid(domain=_domain())
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
    mail = EmailMessage(subject=subject, body=body, to=[to], headers=headers)
    try:
        mail.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Mail about %s to %s not sent: %s", service_request.code, to, error)
        raise MailNotSent(str(error)) from error
    return ServiceMessage.objects.create(
        request=service_request,
        direction=ServiceMessage.Direction.OUT,
        sender=settings.DEFAULT_FROM_EMAIL[:254],
        recipients=to[:1000],
        subject=subject[:300],
        body=body[:MAX_BODY],
        message_id=clean_message_id(message_id),
        received_at=timezone.now(),
    )


def request_acknowledge(
    *, service_request: ServiceRequest, in_reply_to: str = ""
) -> ServiceMessage | None:
    """Tell the requester their request arrived, with its code: the acknowledgement of
    receipt. ``None`` when there is no address to write to."""
    to = reply_address(service_request)
    if not to:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("We received your request: %(summary)s") % {"summary": service_request.summary}
        body = _(
            "Hello %(name)s,\n\n"
            "Thank you for contacting us. We received your request and will answer soon.\n\n"
            "Request code: %(code)s\n"
            "Summary: %(summary)s\n\n"
            "To add anything, reply to this e-mail and keep the code in the subject."
        ) % {
            "name": service_request.requester or to,
            "code": service_request.code,
            "summary": service_request.summary,
        }
    return request_mail_send(
        service_request=service_request,
        to=to,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to,
        automatic=True,
    )


def request_acknowledge_quietly(pk: int, in_reply_to: str = "") -> None:
    service_request = ServiceRequest.objects.select_related("contact", "customer").get(pk=pk)
    with contextlib.suppress(MailNotSent):  # logged; the request is filed all the same
        request_acknowledge(service_request=service_request, in_reply_to=in_reply_to)


def thread_request_find(*, references: list[str], subject: str) -> ServiceRequest | None:
    """The request a mail replies to: the one whose recorded mail it references
    (In-Reply-To / References), else the one whose code its subject carries."""
    ids = [clean_message_id(value) for value in references if value.strip()]
    if ids:
        known = (
            ServiceMessage.objects.filter(message_id__in=ids)
            .order_by("-received_at")
            .values_list("request_id", flat=True)
            .first()
        )
        if known is not None:
            return ServiceRequest.objects.filter(pk=known).first()
    found = CODE_IN_SUBJECT.search(subject or "")
    if found:
        return ServiceRequest.objects.filter(code=found.group(1)).first()
    return None
