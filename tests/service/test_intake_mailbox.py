"""Inbound e-mail 客户服务 against a real dovecot IMAP server and a real SMTP server
on loopback: new mail opens requests, replies attach to their request's thread, a mail met
twice creates nothing new, a malformed mail is skipped without blocking the mailbox."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import translation

from guanxi.collaboration.models import Notification
from guanxi.core.jobs import MINUTES, PeriodicJob, _parse_at, job_get
from guanxi.service import mailbox as mailbox_module
from guanxi.service.models import ServiceMessage, ServiceRequest
from guanxi.service.services import requests as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory
from tests.service.fixtures.mail import unseen_count

pytestmark = pytest.mark.django_db


def _mail(
    *,
    sender="王小明 <xiaoming@example.net>",
    subject="发票开错了",
    body="上个月的发票抬头写错了，请重开。",
    message_id="<first-1@example.net>",
    headers="",
) -> bytes:
    text = (
        f"From: {sender}\r\nTo: service@guanxi.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0800\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n{headers}\r\n{body}\r\n"
    )
    return text.encode()


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """Run one poll as the job does, with the after-commit mail really sent."""

    def _poll():
        with django_capture_on_commit_callbacks(execute=True):
            return mailbox_module.mailbox_poll()

    return _poll


def test_a_new_mail_opens_a_request_and_is_acknowledged_in_its_thread(
    org, deliver, mailbox, smtp_server, poll
):
    deliver(_mail())
    report = poll()
    assert (report.created, report.skipped, report.failed) == (1, 0, 0)
    service_request = ServiceRequest.objects.get()
    assert service_request.channel.code == "email"
    assert service_request.service_type.code == "consultation"
    assert service_request.summary == "发票开错了"
    assert "抬头写错了" in service_request.request
    assert service_request.customer is None  # unknown sender: pending for supervisors
    assert (service_request.requester_name, service_request.requester_email) == (
        "王小明",
        "xiaoming@example.net",
    )
    assert unseen_count(mailbox) == 0
    received = ServiceMessage.objects.get(request=service_request, direction="in")
    assert received.message_id == "<first-1@example.net>"
    # The acknowledgement went out through the SMTP server, in the thread, with the code.
    (ack,) = smtp_server.messages()
    assert ack["To"] == "xiaoming@example.net"
    assert ack["Subject"].strip().startswith(f"[{service_request.code}] ")
    assert ack["In-Reply-To"] == "<first-1@example.net>"
    assert service_request.code in ack.get_body().get_content()
    sent = ServiceMessage.objects.get(request=service_request, direction="out")
    assert sent.message_id == ack["Message-ID"]


def test_a_contacts_mail_is_matched_to_the_customer(org, customers, deliver, smtp_server, poll):
    contact = ContactFactory(customer=customers["manager1"], email="buyer@client.example")
    deliver(_mail(sender="Buyer <BUYER@client.example>", message_id="<c-1@client.example>"))
    assert poll().created == 1
    service_request = ServiceRequest.objects.get()
    assert (service_request.customer, service_request.contact) == (customers["manager1"], contact)


def test_a_reply_to_the_acknowledgement_attaches_to_the_request(
    org, deliver, mailbox, smtp_server, poll
):
    deliver(_mail())
    poll()
    service_request = ServiceRequest.objects.get()
    services.service_request_assign(
        actor=org["supervisor"], service_request=service_request, assignee=org["manager1"]
    )
    (ack,) = smtp_server.messages()
    deliver(
        _mail(
            subject=f"Re: {ack['Subject'].strip()}",
            body="补充：发票号 12345。",
            message_id="<reply-2@example.net>",
            headers=f"In-Reply-To: {ack['Message-ID']}\r\nReferences: <first-1@example.net> "
            f"{ack['Message-ID']}\r\n",
        )
    )
    report = poll()
    assert (report.created, report.attached) == (0, 1)
    assert ServiceRequest.objects.count() == 1
    reply = ServiceMessage.objects.get(message_id="<reply-2@example.net>")
    assert reply.request == service_request and reply.direction == "in"
    assert "12345" in reply.body
    assert Notification.objects.filter(
        recipient=org["manager1"], url=service_request.get_absolute_url()
    ).exists()
    assert len(smtp_server.received) == 1  # a reply is not acknowledged again


def test_the_code_in_the_subject_attaches_a_mail_without_thread_headers(
    org, deliver, smtp_server, poll
):
    deliver(_mail())
    poll()
    code = ServiceRequest.objects.get().code
    deliver(_mail(subject=f"关于 [{code}] 的补充", message_id="<new-thread@example.net>"))
    assert poll().attached == 1
    assert ServiceRequest.objects.count() == 1
    assert ServiceMessage.objects.filter(direction="in").count() == 2


def test_the_same_mail_twice_creates_nothing_new(org, deliver, mailbox, smtp_server, poll):
    deliver(_mail())
    deliver(_mail())  # delivered twice (same Message-ID)
    report = poll()
    assert (report.created, report.duplicate) == (1, 1)
    # Polled again with its \Seen flag lost: still nothing new.
    client = mailbox.client()
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "(\\Seen)")
    client.logout()
    again = poll()
    assert (again.created, again.attached, again.duplicate) == (0, 0, 2)
    assert ServiceRequest.objects.count() == 1
    assert ServiceMessage.objects.filter(direction="in").count() == 1


def test_a_malformed_mail_is_skipped_logged_and_does_not_block(
    org, deliver, mailbox, smtp_server, poll, caplog
):
    deliver(b"this is not a mail at all\r\n\r\n")
    deliver(_mail(sender="no address here", message_id="<bad-2@example.net>"))
    deliver(_mail(message_id="<good-3@example.net>"))
    with caplog.at_level(logging.WARNING, logger="guanxi.service.mailbox"):
        report = poll()
    assert (report.created, report.skipped, report.failed) == (1, 2, 0)
    assert "malformed" in caplog.text
    assert unseen_count(mailbox) == 0  # the bad ones are not retried for ever
    assert ServiceRequest.objects.get().requester_email == "xiaoming@example.net"


def test_an_unexpected_failure_leaves_the_mail_for_the_next_poll(
    org, deliver, mailbox, smtp_server, poll, monkeypatch
):
    deliver(_mail(message_id="<first@example.net>"))
    deliver(_mail(message_id="<second@example.net>"))
    real = mailbox_module._file
    calls = []

    def flaky(mail):
        calls.append(mail.message_id)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(mail)

    monkeypatch.setattr(mailbox_module, "_file", flaky)
    report = poll()
    assert (report.failed, report.created) == (1, 1)
    assert unseen_count(mailbox) == 1
    assert poll().created == 1
    assert ServiceRequest.objects.count() == 2


def test_an_automatic_mail_gets_no_acknowledgement(org, deliver, smtp_server, poll):
    deliver(_mail(headers="Auto-Submitted: auto-replied\r\n"))
    assert poll().created == 1
    assert smtp_server.received == []


def test_a_quoted_printable_html_mail_is_read_as_text(org, deliver, smtp_server, poll):
    raw = (
        "From: a@example.org\r\nSubject: =?utf-8?b?5ZKo6K+i5Lu35qC8?=\r\n"
        "Message-ID: <html-1@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "PHA+5L2g5aW977yM5Lu35qC85aSa5bCR77yfPC9wPg==\r\n"
    )
    deliver(raw)
    assert poll().created == 1
    service_request = ServiceRequest.objects.get()
    assert service_request.summary == "咨询价格"
    assert service_request.request == "你好，价格多少？"


def test_without_a_configured_mailbox_the_job_does_nothing(settings):
    settings.GUANXI = {**settings.GUANXI, "IMAP": {**settings.GUANXI["IMAP"], "HOST": ""}}
    report = mailbox_module.mailbox_poll()
    assert not report.enabled and report.created == 0


def test_the_job_is_scheduled_every_few_minutes_and_runs_the_poll(
    org, deliver, smtp_server, django_capture_on_commit_callbacks
):
    job = job_get("service.mailbox_poll")
    assert job.every == MINUTES and job.task.module_path.startswith("guanxi.service.")
    deliver(_mail())
    with django_capture_on_commit_callbacks(execute=True):
        result = job.task.call()
    assert result["created"] == 1
    assert ServiceRequest.objects.count() == 1


def test_a_job_every_five_minutes_is_due_once_per_slot():
    shanghai = ZoneInfo("Asia/Shanghai")
    job = PeriodicJob(name="x", task=None, every=MINUTES, at=_parse_at(MINUTES, 5))
    at = datetime(2026, 3, 10, 8, 7, 30, tzinfo=shanghai)
    assert job.last_slot(at) == datetime(2026, 3, 10, 8, 5, tzinfo=shanghai)
    assert not job.is_due(last_run_at=datetime(2026, 3, 10, 8, 5, 1, tzinfo=shanghai), now=at)
    assert job.is_due(last_run_at=datetime(2026, 3, 10, 8, 4, tzinfo=shanghai), now=at)
    with pytest.raises(ValueError, match="divisor"):
        _parse_at(MINUTES, 7)


def test_the_request_page_shows_the_thread(org, login, deliver, smtp_server, poll):
    deliver(_mail())
    poll()
    service_request = ServiceRequest.objects.get()
    with translation.override("en"):
        page = login("supervisor").get(service_request.get_absolute_url())
    assert page.status_code == 200
    assert page.text.count('data-testid="service-message"') == 2
    assert "抬头写错了" in page.text
    assert dictionary("channel", "email").name_zh in page.text


def test_the_command_polls_once(org, deliver, smtp_server, capsys):
    deliver(_mail())
    call_command("service_mailbox_poll")
    assert "created 1" in capsys.readouterr().out
    assert ServiceRequest.objects.count() == 1
