"""Shared fixtures: the demo organisation (one user per role) and a customer per owner.

The demo organisation is written once per test database (per xdist worker), right after the
migrations, so every test's transaction rolls back to it instead of building it again. A
transactional test empties the database when it ends; the tests after it rebuild what they need.

``pytest --reuse-db`` keeps the SQLite test database in a file (``test.sqlite3`` in the data
directory, one per xdist worker) so a second run skips the migrations; ``--create-db`` rebuilds
it after a migration changed.
"""

import sqlite3
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import _set_suffix_to_test_databases
from rest_framework.test import APIClient

from guanxi.accounts.seed.demo import DEMO_USERS, create_demo_organisation
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

DEMO_PASSWORD = "pw"


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request):
    """With ``--reuse-db``, the SQLite test database is a file that outlives the run.

    Django makes an in-memory SQLite test database unless a test name is given, and an
    in-memory database cannot be reused; each xdist worker gets its own file.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if request.config.getvalue("reuse_db") and database["ENGINE"] == "django.db.backends.sqlite3":
        test = database.setdefault("TEST", {})
        test["NAME"] = test.get("NAME") or str(settings.DATA_DIR / "test.sqlite3")
    xdist_suffix = getattr(request.config, "workerinput", {}).get("workerid")
    if xdist_suffix:
        _set_suffix_to_test_databases(suffix=xdist_suffix)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """After the migrations, the demo organisation, once per test database.

    A reused database may have been emptied by the transactional tests of the last run, so the
    seeded dictionaries are made good as well. A new SQLite test database is first copied as it
    stands after ``migrate`` (see ``migrated_sqlite_copy``).
    """
    with django_db_blocker.unblock():
        if not request.config.getvalue("reuse_db"):
            _copy_migrated_sqlite(tmp_path_factory.mktemp("migrated") / "guanxi.sqlite3")
        from guanxi.core.models import DictionaryEntry
        from guanxi.core.seed.dictionaries import seed_dictionaries

        seed_dictionaries(DictionaryEntry)
        create_demo_organisation(password=DEMO_PASSWORD)


_migrated_sqlite: list[Path] = []


def _copy_migrated_sqlite(target: Path) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    _migrated_sqlite.append(target)


@pytest.fixture(scope="session")
def migrated_sqlite_copy(django_db_setup) -> Path | None:
    """A SQLite database file as ``migrate`` leaves it, taken from the new test database.

    Tests that run the ``guanxi`` command on a migrated data directory copy it instead of
    migrating again in a subprocess; None on PostgreSQL and with ``--reuse-db``.
    """
    return _migrated_sqlite[0] if _migrated_sqlite else None


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture
def org(request, db):
    """The demo users by username: admin, exec, supervisor, manager1..3, supervisor2, assistant.

    Fresh user objects each test (what a test changes on them never leaks into the next); a
    transactional test, which may follow another that emptied the database, writes them again.
    """
    if _is_transactional(request):
        return create_demo_organisation(password=DEMO_PASSWORD)
    from guanxi.accounts.models import User

    usernames = [row[0] for row in DEMO_USERS]
    users = User.objects.in_bulk(usernames, field_name="username")
    if len(users) != len(usernames):  # a test before this one emptied the database
        return create_demo_organisation(password=DEMO_PASSWORD)
    return {username: users[username] for username in usernames}


@pytest.fixture
def english(org):
    """Every demo user reads English, so assertions can name English texts (the ``org`` user
    objects too, for what is written in their language)."""
    from guanxi.accounts.models import User

    User.objects.update(language="en")
    for user in org.values():
        user.language = "en"


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


@pytest.fixture(scope="session")
def openapi_schema(django_db_setup, django_db_blocker) -> dict:
    """The OpenAPI schema as /api/schema/ serves it (JSON), generated once per session.

    The schema is the same for every reader; the tests that look up their endpoints in it
    share one copy instead of generating it again (several seconds each time).
    """
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    return response.json()


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
