"""Shared fixtures: the demo organisation (one user per role) and a customer per owner.

The demo organisation is written once per test database (per xdist worker), right after the
migrations, so every test's transaction rolls back to it instead of building it again. A
transactional test empties the database when it ends; the tests after it rebuild what they need.

``pytest --reuse-db`` keeps the SQLite test database in a file (``test.sqlite3`` in the data
directory, one per xdist worker) so a second run skips the migrations; ``--create-db`` rebuilds
it after a migration changed.
"""

import fcntl
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import _set_suffix_to_test_databases
from rest_framework.test import APIClient

from guanxi.accounts.seed.demo import DEMO_USERS, create_demo_organisation
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

DEMO_PASSWORD = "pw"


class _Migrated:
    """The SQLite test database as ``migrate`` leaves it, made once per run.

    The first xdist worker migrates its in-memory test database and leaves a copy of it in the
    run's temporary directory; the other workers wait for the copy and load it into their own
    database instead of migrating again (migrating takes a good while). The CLI tests use the
    copy as a migrated data directory's database.
    """

    copy: Path | None = None
    done: Path | None = None
    lock = None  # the open lock file while this worker migrates for the others
    load = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request, tmp_path_factory):
    """The test database's settings before it is made.

    With ``--reuse-db``, the SQLite test database is a file that outlives the run (Django makes
    an in-memory one unless a name is given, and that cannot be reused); each xdist worker gets
    its own. Otherwise a worker that finds the migrated copy of another makes its database
    without migrations and loads the copy into it (see ``django_db_setup``).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    sqlite = database["ENGINE"] == "django.db.backends.sqlite3"
    if sqlite and request.config.getvalue("reuse_db"):
        test["NAME"] = test.get("NAME") or str(settings.DATA_DIR / "test.sqlite3")
    elif sqlite:
        worker = hasattr(request.config, "workerinput")
        shared = tmp_path_factory.getbasetemp()
        shared = shared.parent if worker else shared
        _Migrated.copy = shared / "guanxi-migrated.sqlite3"
        _Migrated.done = shared / "guanxi-migrated.done"
        lock = open(shared / "guanxi-migrated.lock", "w")  # noqa: SIM115  (held while migrating)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _Migrated.done.exists():
            lock.close()
            _Migrated.load = True
            test["MIGRATE"] = False  # tables from the models; the copy replaces them
        else:
            _Migrated.lock = lock
    xdist_suffix = getattr(request.config, "workerinput", {}).get("workerid")
    if xdist_suffix:
        _set_suffix_to_test_databases(suffix=xdist_suffix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the migrations, the demo organisation, once per test database.

    A reused database may have been emptied by the transactional tests of the last run, so the
    seeded dictionaries are made good as well.
    """
    with django_db_blocker.unblock():
        if _Migrated.copy is not None:
            _share_migrated()
        from guanxi.core.models import DictionaryEntry
        from guanxi.core.seed.dictionaries import seed_dictionaries

        seed_dictionaries(DictionaryEntry)
        create_demo_organisation(password=DEMO_PASSWORD)


def _share_migrated() -> None:
    from django.db import connection

    connection.ensure_connection()
    if _Migrated.load:
        from django.contrib.contenttypes.models import ContentType

        with closing(sqlite3.connect(_Migrated.copy)) as source:
            source.backup(connection.connection)
        ContentType.objects.clear_cache()  # ids cached from the tables the copy replaced
        return
    with closing(sqlite3.connect(_Migrated.copy)) as copy:
        connection.connection.backup(copy)
    _Migrated.done.touch()
    _Migrated.lock.close()  # the other workers may load the copy now
    _Migrated.lock = None


@pytest.fixture(scope="session")
def migrated_sqlite_copy(django_db_setup) -> Path | None:
    """A SQLite database file as ``migrate`` leaves it (made by the first worker's migrations).

    Tests that run the ``guanxi`` command on a migrated data directory copy it instead of
    migrating again in a subprocess; None on PostgreSQL and with ``--reuse-db``.
    """
    return _Migrated.copy


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
    objects too, for what is written in their language), and the test itself runs in English
    (what a service says outside a request is in the active language)."""
    from django.utils import translation

    from guanxi.accounts.models import User

    User.objects.update(language="en")
    for user in org.values():
        user.language = "en"
    translation.activate("en")


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

    from guanxi.core.models import DictionaryEntry, Division, ProvinceRegion
    from guanxi.core.seed.dictionaries import seed_dictionaries
    from guanxi.core.seed.divisions import divisions_load, province_regions_seed

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    seed_dictionaries(DictionaryEntry)
    divisions_load(Division)
    province_regions_seed(Division, ProvinceRegion, DictionaryEntry)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language; a request or job that activated another one
    in an earlier test on the same worker does not carry over."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with empty API throttles and cached values (the cache is per process),
    and with no compiled query shapes (a flushed database has new ids of content types and
    dictionary entries, which a compiled query may hold)."""
    from guanxi.core.compiled import forget_shapes

    cache.clear()
    forget_shapes()
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
