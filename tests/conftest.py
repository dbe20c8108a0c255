"""Shared fixtures: the demo organisation (one user per role) and a customer per owner."""

import pytest
from django.test import Client

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
