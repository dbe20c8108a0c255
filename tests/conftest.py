"""Shared fixtures: the demo organisation (one user per role) and a customer per owner."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from guanxi.accounts.demo import create_demo_organisation
from tests.factories import ContactFactory, CustomerFactory


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
    Accept-Language header.
    """

    def _api(username: str | None = None, language: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            client.force_authenticate(type(org[username]).objects.get(pk=org[username].pk))
        if language:
            client.credentials(HTTP_ACCEPT_LANGUAGE=language)
        return client

    return _api
