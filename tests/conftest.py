"""Shared fixtures: the demo organisation (one user per role) and a customer per owner."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from guanxi.accounts.seed.demo import create_demo_organisation
from tests.factories import ContactFactory, CustomerFactory

# Real mail servers on loopback (dovecot IMAP, aiosmtpd SMTP), started only by tests using them.
from tests.mail_servers import deliver, imap_server, mailbox, smtp_server  # noqa: F401


@pytest.fixture
def org(db):
    """The demo users by username: admin, exec, supervisor, manager1..3, supervisor2, assistant."""
    return create_demo_organisation(password="pw")


@pytest.fixture
def customers(org):
    """One customer per owner plus one in the pool (no owner), each with a contact."""
    made = {}
    for owner in ["manager1", "manager2", "manager3", "supervisor", "supervisor2", None]:
        customer = CustomerFactory(owner=org[owner] if owner else None)
        ContactFactory(customer=customer, is_primary=True)
        made[owner or "pool"] = customer
    return made


@pytest.fixture
def login(org):
    """``login("manager1")`` returns a test client signed in as that demo user."""

    def _login(username: str) -> Client:
        client = Client()
        client.force_login(org[username])
        return client

    return _login


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _migrated_data(request):
    """A transactional test starts from what ``migrate`` makes, whatever ran before it.

    Such tests empty the database when they end; the flush re-creates what post_migrate makes
    (content types, permissions, roles, pipeline stages) but not the dictionaries the data
    migrations seeded. Non-transactional tests run first and are not affected.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.core.management.sql import emit_post_migrate_signal

    from guanxi.core.models import DictionaryEntry
    from guanxi.core.seed.dictionaries import seed_dictionaries

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    seed_dictionaries(DictionaryEntry)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with empty API throttles and cached values (the cache is per process)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(org):
    """``api("manager1")`` is an API client signed in as that demo user; ``api()`` is anonymous.

    Each client gets a fresh user object, as each real request loads one, so rights and field
    rules cached on a user object never carry over from a test's setup. ``language`` sets the
    Accept-Language header and the user's own language (which wins over the header).
    """

    def _api(username: str | None = None, language: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            user = type(org[username]).objects.get(pk=org[username].pk)
            if language:
                user.language = language
                user.save(update_fields=["language"])
            client.force_authenticate(user)
        if language:
            client.credentials(HTTP_ACCEPT_LANGUAGE=language)
        return client

    return _api
