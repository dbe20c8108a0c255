"""The service mailbox: unseen mail in an IMAP folder becomes service requests 客户服务.

:func:`mailbox_poll` (run every few minutes by the ``service.mailbox_poll`` job) reads each
unseen message and hands it to :func:`inbound_mail_process`:

- a reply to a request's thread (In-Reply-To / References naming a mail we recorded, or the
  request code ``[FW2026000123]`` in the subject) is attached to that request as a message,
  and its assignee (or the customer's account manager) is notified;
- any other mail opens a request: channel "email", type consultation, matched to a customer
  by the sender's address, and the sender gets an acknowledgement with the request code
  (not when the mail was itself automatic: an out-of-office notice gets no answer).

Idempotent: every mail is recorded with its Message-ID (unique), so a mail met twice (polled
again before its \\Seen flag was stored, or by two pollers at once) creates nothing new.
Robust: a mail that cannot be read (no sender, broken encoding...) is logged, marked seen and
skipped; an unexpected failure is logged and leaves that mail unseen for the next poll, and
the poll goes on with the next mail either way.
"""

import contextlib
import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.service import notifications
from guanxi.service.intake import (
    MAX_BODY,
    clean_message_id,
    request_acknowledge_quietly,
    requester_match,
    thread_request_find,
)
from guanxi.service.models import ServiceMessage, ServiceRequest
from guanxi.service.services import requests as services
from guanxi.service.services.flow import MAX_TEXT_LENGTH

logger = logging.getLogger(__name__)

CREATED, ATTACHED, DUPLICATE, SKIPPED, FAILED = (
    "created",
    "attached",
    "duplicate",
    "skipped",
    "failed",
)
DEFAULT_SERVICE_TYPE = "consultation"
IMAP_TIMEOUT = 30
_MESSAGE_IDS = re.compile(r"<[^<>\s]+>")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


class MalformedMail(ValueError):
    """A mail that cannot become a request or a reply (no sender address, unreadable...)."""


@dataclass
class InboundMail:
    """What the intake needs of a mail, read once from its bytes."""

    message_id: str
    sender_name: str
    sender_email: str
    recipients: str
    subject: str
    text: str
    references: list[str] = field(default_factory=list)
    automatic: bool = False


@dataclass
class PollReport:
    """What one poll did, per outcome (the job's result)."""

    created: int = 0
    attached: int = 0
    duplicate: int = 0
    skipped: int = 0
    failed: int = 0
    enabled: bool = True

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# -- reading a mail ----------------------------------------------------------------------------


def _text_of(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return content.replace("\r\n", "\n").strip()


def _own_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def mail_parse(raw: bytes) -> InboundMail:
    """Read ``raw`` (RFC 5322 bytes); :class:`MalformedMail` when it cannot be used."""
    if not raw or not isinstance(raw, bytes):
        raise MalformedMail("empty message")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        name, address = parseaddr(str(message.get("From", "") or ""))
        subject = " ".join(str(message.get("Subject", "") or "").split())
        message_id = clean_message_id(str(message.get("Message-ID", "") or ""))
        references = _MESSAGE_IDS.findall(
            f"{message.get('In-Reply-To', '') or ''} {message.get('References', '') or ''}"
        )
        recipients = ", ".join(
            addr for _name, addr in getaddresses([str(message.get("To", "") or "")]) if addr
        )
        text = _text_of(message)
        auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
        precedence = str(message.get("Precedence", "") or "").strip().lower()
    except (ValueError, TypeError, LookupError, IndexError, AttributeError) as error:
        raise MalformedMail(f"unreadable message: {error}") from error
    try:
        validate_email(address)
    except ValidationError as error:
        raise MalformedMail(f"no usable sender address: {address!r}") from error
    if not message_id:
        # Without a Message-ID the bytes themselves identify the mail for idempotency.
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@guanxi.invalid>"
    return InboundMail(
        message_id=message_id,
        sender_name=name.strip(),
        sender_email=address.strip(),
        recipients=recipients,
        subject=subject,
        text=text,
        references=references,
        automatic=(auto not in ("", "no")) or precedence in _AUTOMATIC_PRECEDENCE,
    )


# -- filing a mail -----------------------------------------------------------------------------


def _record(mail: InboundMail, service_request: ServiceRequest) -> ServiceMessage:
    return ServiceMessage.objects.create(
        request=service_request,
        direction=ServiceMessage.Direction.IN,
        sender=mail.sender_email[:254],
        recipients=mail.recipients[:1000],
        subject=mail.subject[:300],
        body=mail.text[:MAX_BODY],
        message_id=mail.message_id,
        received_at=timezone.now(),
    )


def _notify_reply(service_request: ServiceRequest) -> None:
    customer = service_request.customer
    recipient = service_request.assigned_to or (customer.owner if customer is not None else None)
    if recipient is None:
        return
    notification_send(
        recipient=recipient,
        kind=notifications.MAIL_REPLY,
        params={"code": service_request.code},
        url=reverse("service:request_detail", args=[service_request.pk]),
    )


def _service_type() -> DictionaryEntry | None:
    types = DictionaryEntry.objects.filter(kind=DictionaryKind.SERVICE_TYPE, is_active=True)
    return types.filter(code=DEFAULT_SERVICE_TYPE).first() or types.first()


def _file(mail: InboundMail) -> str:
    target = thread_request_find(references=mail.references, subject=mail.subject)
    if target is not None:
        _record(mail, target)
        _notify_reply(target)
        return ATTACHED
    customer, contact = requester_match(email=mail.sender_email)
    summary = mail.subject[:200] or _("(no subject)")
    service_request = services.service_request_receive(
        service_type=_service_type(),
        summary=summary,
        request=mail.text[:MAX_TEXT_LENGTH] or summary,
        channel=DictionaryEntry.objects.filter(kind=DictionaryKind.CHANNEL, code="email").first(),
        customer=customer,
        contact=contact,
        requester_name=mail.sender_name[:100],
        requester_email=mail.sender_email,
    )
    _record(mail, service_request)
    if not mail.automatic:
        pk, message_id = service_request.pk, mail.message_id
        transaction.on_commit(lambda: request_acknowledge_quietly(pk, in_reply_to=message_id))
    return CREATED


def inbound_mail_process(*, raw: bytes) -> str:
    """File one mail; returns what happened: created, attached, duplicate or skipped."""
    try:
        mail = mail_parse(raw)
    except MalformedMail as error:
        logger.warning("Service mailbox: skipped a malformed mail (%s)", error)
        return SKIPPED
    if mail.sender_email.lower() == _own_address():
        logger.info("Service mailbox: skipped our own mail %s", mail.message_id)
        return SKIPPED
    if ServiceMessage.objects.filter(message_id=mail.message_id).exists():
        return DUPLICATE
    try:
        with transaction.atomic():
            return _file(mail)
    except IntegrityError:
        if ServiceMessage.objects.filter(message_id=mail.message_id).exists():
            return DUPLICATE  # another poll filed it at the same moment
        raise
    except ValidationError as error:
        logger.warning("Service mailbox: skipped mail %s: %s", mail.message_id, error.messages)
        return SKIPPED


# -- the IMAP mailbox --------------------------------------------------------------------------


def mailbox_settings() -> dict[str, Any]:
    return cast(dict[str, Any], settings.GUANXI["IMAP"])


def _connect(conf: dict) -> imaplib.IMAP4:
    if conf["SSL"]:
        return imaplib.IMAP4_SSL(conf["HOST"], conf["PORT"], timeout=IMAP_TIMEOUT)
    return imaplib.IMAP4(conf["HOST"], conf["PORT"], timeout=IMAP_TIMEOUT)


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetched_bytes(data) -> bytes | None:
    for item in data or []:
        if isinstance(item, tuple) and len(item) > 1 and isinstance(item[1], bytes):
            return item[1]
    return None


def mailbox_poll(*, limit: int = 200) -> PollReport:
    """Read up to ``limit`` unseen mails of the configured IMAP folder and file each one.

    Nothing happens while ``GUANXI_IMAP_HOST`` is unset (``enabled`` is false in the report).
    A mail is marked seen once filed or skipped; one that failed unexpectedly stays unseen.
    """
    conf = mailbox_settings()
    report = PollReport()
    if not conf["HOST"]:
        report.enabled = False
        return report
    client = _connect(conf)
    try:
        client.login(conf["USER"], conf["PASSWORD"])
        status, _data = client.select(_quoted(conf["MAILBOX"]))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {conf['MAILBOX']!r}")
        # imaplib takes bytes and None where typeshed says str.
        status, found = client.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
        uids = (found[0] or b"").split()[:limit] if status == "OK" else []
        for uid in uids:
            outcome = _poll_one(client, uid)
            report.count(outcome)
            if outcome != FAILED:
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")  # type: ignore[arg-type]
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    if report.created or report.attached or report.skipped or report.failed:
        logger.info("Service mailbox: %s", report.as_dict())
    return report


def _poll_one(client: imaplib.IMAP4, uid: bytes) -> str:
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")  # type: ignore[arg-type]
    raw = _fetched_bytes(data) if status == "OK" else None
    if raw is None:
        logger.warning("Service mailbox: could not fetch mail uid %s", uid)
        return SKIPPED
    try:
        return inbound_mail_process(raw=raw)
    except Exception:  # one bad mail must never stop the mailbox
        logger.exception("Service mailbox: mail uid %s failed; it stays unseen", uid)
        return FAILED
