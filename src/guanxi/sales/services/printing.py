"""Sending a printed quote, order or contract to the customer's contact by e-mail.

The PDF goes out attached to a mail written by the user; the sending is logged on the customer's
timeline as an e-mail interaction 交往记录 with the contact, the sent PDF kept as its attachment.
Mail and record succeed together: a mail server that refuses the message leaves nothing
recorded, and nothing is sent when the record cannot be written.
"""

import logging
from smtplib import SMTPException

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.pdf import PDF_CONTENT_TYPE
from guanxi.core.rules import require
from guanxi.customers import rules as customer_rules
from guanxi.customers.models import Contact, Interaction
from guanxi.customers.services.interactions import interaction_create
from guanxi.sales.printing import (
    Printable,
    document_filename,
    document_pdf,
    document_title,
    kind_of,
)

MAX_SUBJECT_LENGTH = 200
MAX_MESSAGE_LENGTH = 10000

logger = logging.getLogger(__name__)


def document_email_subject(*, record: Printable, company_name: str = "") -> str:
    """The subject a new mail starts with: 报价单 BJ2026-0001 — our name."""
    subject = f"{document_title(kind_of(record))} {record.code}"
    return f"{subject} — {company_name}" if company_name else subject


def document_email_send(
    *,
    actor: User,
    record: Printable,
    contact: Contact,
    subject: str,
    message: str,
) -> Interaction:
    """Mail ``record``'s PDF to ``contact`` and log it on the customer's timeline.

    ``record`` must be one ``actor`` sees (read it with ``printing.printable_get``); the
    contact must be one of the record's customer's, with an e-mail address — which the actor
    need not be able to read (field protection): it is used, never shown. Needs the right to
    log interactions. ``ValidationError`` naming the field for a bad contact, subject or
    message, or when the mail server refuses the mail (then nothing is recorded).
    """
    require(actor, customer_rules.ADD_INTERACTION)
    if contact.customer_id != record.customer_id:
        raise ValidationError({"contact": _("Choose a contact of this customer.")})
    if not contact.email:
        raise ValidationError({"contact": _("This contact has no e-mail address.")})
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError({"subject": _("Enter a subject.")})
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise ValidationError(
            {"subject": _("Keep the subject under %(count)d characters.") % {"count": 200}}
        )
    message = message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"message": _("Keep the message under %(count)d characters.") % {"count": 10000}}
        )
    pdf = document_pdf(actor=actor, record=record)
    filename = document_filename(record)
    attachments = []
    if actor.has_perm(customer_rules.ADD_DOCUMENT):
        attachments.append(SimpleUploadedFile(filename, pdf, content_type=PDF_CONTENT_TYPE))
    summary = _("%(document)s %(code)s sent by e-mail to %(contact)s") % {
        "document": document_title(kind_of(record)),
        "code": record.code,
        "contact": contact.name,
    }
    with transaction.atomic():
        interaction = interaction_create(
            actor=actor,
            customer=record.customer,
            attachments=attachments,
            contact=contact,
            kind=Interaction.Kind.EMAIL,
            summary=summary[:200],
            details=f"{subject}\n\n{message}".strip(),
        )
        mail = EmailMessage(
            subject=subject,
            body=message,
            to=[contact.email],
            reply_to=[actor.email] if actor.email else None,
        )
        mail.attach(filename, pdf, PDF_CONTENT_TYPE)
        try:
            mail.send()
        except (SMTPException, OSError) as refused:
            logger.warning(
                "Mail of %s to contact %s not sent: %s", record.code, contact.pk, refused
            )
            raise ValidationError(
                {"contact": _("The mail server did not accept the e-mail; nothing was sent.")}
            ) from refused
    return interaction
