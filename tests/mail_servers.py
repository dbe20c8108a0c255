"""Real mail servers on loopback for the intake tests: Debian's dovecot (IMAP) and aiosmtpd
(SMTP). tests/conftest.py makes the fixtures available to every test.

``imap_server`` starts one dovecot per test session (per xdist worker) with its own config in
a temp dir: plain login without TLS on 127.0.0.1 and a free port, one passwd-file user, a
maildir in the temp dir. ``mailbox`` empties its INBOX and points Guanxi's settings at it;
``deliver`` puts a mail into it with IMAP APPEND, as a mail server would deliver it.
``smtp_server`` captures what Guanxi sends through Django's SMTP backend.
"""

import email
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest

IMAP_USER = "service"
IMAP_PASSWORD = "secret-imap"  # noqa: S105
DOVECOT_CANDIDATES = ("dovecot", "/usr/sbin/dovecot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dovecot_binary() -> str | None:
    for candidate in DOVECOT_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _mail_owner() -> tuple[int, int, str]:
    """The uid/gid dovecot keeps the maildir as: ourselves, or (as root, which dovecot
    refuses for mail) its own system user."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name
    for name in ("dovecot", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid, name
    pytest.skip("running as root without a 'dovecot' or 'nobody' user for the maildir")


def _config(root: Path, port: int, uid: int, gid: int) -> str:
    lines = [
        f"base_dir = {root}/run",
        f"state_dir = {root}/state",
        f"log_path = {root}/dovecot.log",
        "protocols = imap",
        "listen = 127.0.0.1",
        "ssl = no",
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        f"mail_location = maildir:{root}/mail/%u",
        # A system user (dovecot's own, when we are root) keeps the maildir; uid 0 never.
        "first_valid_uid = 1",
        "first_valid_gid = 1",
        "passdb {",
        "  driver = passwd-file",
        f"  args = scheme=PLAIN username_format=%u {root}/users",
        "}",
        "userdb {",
        "  driver = static",
        f"  args = uid={uid} gid={gid} home={root}/home/%u",
        "}",
        "service imap-login {",
        "  inet_listener imap {",
        "    address = 127.0.0.1",
        f"    port = {port}",
        "  }",
        "  inet_listener imaps {",
        "    port = 0",
        "  }",
    ]
    if os.getuid() != 0:
        # Unprivileged: every process runs as ourselves, nothing is chrooted.
        user = pwd.getpwuid(os.getuid()).pw_name
        lines += [
            "  chroot =",
            "}",
            f"default_login_user = {user}",
            f"default_internal_user = {user}",
            f"default_internal_group = {grp.getgrgid(os.getgid()).gr_name}",
            "service anvil {",
            "  chroot =",
            "}",
        ]
    else:
        lines.append("}")
    return "\n".join(lines) + "\n"


def _wait_for_greeting(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    detail = log.read_text() if log.exists() else "(no log)"
    process.kill()
    raise RuntimeError(f"dovecot did not start on port {port}:\n{detail}")


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client


@pytest.fixture(scope="session")
def imap_server():
    """A dovecot of our own on loopback, for the whole session."""
    binary = _dovecot_binary()
    if binary is None:
        pytest.skip(
            "dovecot is not installed: run scripts/system-deps.sh (Debian package dovecot-imapd)"
        )
    uid, gid, _name = _mail_owner()
    root = Path(tempfile.mkdtemp(prefix="guanxi-dovecot-"))
    root.chmod(0o755)  # the mail user (not us, when we are root) must reach its maildir
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        if os.getuid() == 0:
            os.chown(root / sub, uid, gid)
    (root / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n")
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, uid, gid))
    process = subprocess.Popen(  # noqa: S603  (our own binary and config)
        [binary, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_greeting(port, process, root / "dovecot.log")
        yield ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server, settings):
    """The server's INBOX, emptied, and Guanxi's IMAP settings pointing at it."""
    client = imap_server.client()
    if _count(client):
        client.store("1:*", "+FLAGS", "(\\Deleted)")
        client.expunge()
    client.logout()
    settings.GUANXI = {
        **settings.GUANXI,
        "IMAP": {
            "HOST": imap_server.host,
            "PORT": imap_server.port,
            "USER": imap_server.user,
            "PASSWORD": imap_server.password,
            "MAILBOX": "INBOX",
            "SSL": False,
        },
    }
    return imap_server


def _count(client: imaplib.IMAP4) -> int:
    status, data = client.select("INBOX")
    return int(data[0]) if status == "OK" else 0


@pytest.fixture
def deliver(mailbox):
    """``deliver(raw_bytes)`` appends a mail to the INBOX, unseen, as delivery would."""

    def _deliver(raw: bytes | str) -> None:
        if isinstance(raw, str):
            raw = raw.encode()
        client = mailbox.client()
        status, _data = client.append("INBOX", None, None, raw)
        client.logout()
        assert status == "OK"

    return _deliver


def unseen_count(server: ImapServer) -> int:
    client = server.client()
    client.select("INBOX")
    status, data = client.uid("SEARCH", None, "UNSEEN")
    client.logout()
    return len((data[0] or b"").split()) if status == "OK" else 0


# -- SMTP --------------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list = field(default_factory=list)

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=policy.default) for raw in self.received]


class _Capture:
    def __init__(self, store: list):
        self.store = store

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook)
        self.store.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on loopback; Guanxi's mail goes to it through Django's SMTP backend."""
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    server = SmtpServer("127.0.0.1", free_port())
    controller = aiosmtpd.Controller(
        _Capture(server.received), hostname=server.host, port=server.port
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield server
    finally:
        controller.stop()
