"""Record scope, end to end: for each role, every page and API returns exactly the allowed records.

The ``customers`` fixture holds one customer per owner (manager1..3, supervisor, supervisor2)
and one in the pool. Out-of-scope records answer 404, never 403, so their existence is hidden.
"""

import pytest
from rest_framework.test import APIClient

ALL = {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"}
VISIBLE = {
    "admin": ALL,
    "exec": ALL,
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "manager1": {"manager1"},
    "manager2": {"manager2"},
    "manager3": {"manager3"},
    "assistant": {"manager1"},
}
ROLES = sorted(VISIBLE)


def api_client(org, username):
    client = APIClient()
    client.force_authenticate(org[username])
    return client


def listed_ids(client, url):
    ids, page = set(), url
    while page:
        response = client.get(page)
        assert response.status_code == 200
        ids |= {row["id"] for row in response.json()["results"]}
        page = response.json()["next"]
    return ids


def expected_customers(customers, username):
    return {customers[key] for key in VISIBLE[username]}


@pytest.mark.parametrize("username", ROLES)
def test_customer_list_page_shows_exactly_the_scope(login, customers, username):
    html = login(username).get("/customers/").content.decode()
    shown = {key for key, customer in customers.items() if customer.code in html}
    assert shown == VISIBLE[username]


@pytest.mark.parametrize("username", ROLES)
def test_customer_pages_answer_404_outside_the_scope(login, customers, username):
    client = login(username)
    # The pool is readable (read-only) by everyone with the view right: selectors_pool.
    readable = VISIBLE[username] | {"pool"}
    for key, customer in customers.items():
        status = client.get(f"/customers/{customer.pk}/").status_code
        assert status == (200 if key in readable else 404), key


@pytest.mark.parametrize("username", ROLES)
def test_customer_api_lists_and_details_exactly_the_scope(org, customers, username):
    client = api_client(org, username)
    allowed = expected_customers(customers, username)
    assert listed_ids(client, "/api/customers/") == {c.pk for c in allowed}
    for customer in customers.values():
        status = client.get(f"/api/customers/{customer.pk}/").status_code
        assert status == (200 if customer in allowed else 404)


@pytest.mark.parametrize("username", ROLES)
def test_contact_api_follows_the_customer_scope(org, customers, username):
    client = api_client(org, username)
    allowed = {c.pk for c in expected_customers(customers, username)}
    contacts = {
        c.pk: c.customer_id for customer in customers.values() for c in customer.contacts.all()
    }
    visible = listed_ids(client, "/api/contacts/")
    assert visible == {pk for pk, customer_id in contacts.items() if customer_id in allowed}
    for pk, customer_id in contacts.items():
        status = client.get(f"/api/contacts/{pk}/").status_code
        assert status == (200 if customer_id in allowed else 404)


@pytest.mark.parametrize("username", ["exec"])
def test_executive_sees_everything_but_changes_nothing(org, customers, login, username):
    client = api_client(org, username)
    customer = customers["manager1"]
    response = client.patch(f"/api/customers/{customer.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert login(username).post(f"/customers/{customer.pk}/delete/").status_code == 403
    customer.refresh_from_db()
    assert customer.name != "改名" and customer.deleted_at is None
