"""Fixtures of the service tests (tests/service/fixtures/): real mail servers on loopback
(dovecot IMAP, aiosmtpd SMTP), started only by the tests that use them."""

from tests.service.fixtures.mail import deliver, imap_server, mailbox, smtp_server  # noqa: F401
