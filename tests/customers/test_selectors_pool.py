"""Pool reads: the pool count of the home page, the pool page and a pool customer's card agree."""

import pytest
from django.urls import reverse

from guanxi.customers.models import FieldRule
from guanxi.customers.selectors import pool as selectors_pool
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "admin"])
def test_the_home_pool_count_is_what_the_pool_page_lists(login, org, customers, username):
    for _ in range(3):
        CustomerFactory(owner=None)
    client = login(username)
    panels = {b.key: b.panel for b in client.get(reverse("core:home")).context["home_blocks"]}
    # Reps and supervisors see it with their work, executives with the company figures.
    home = (panels["customers"]["counts"] if "customers" in panels else panels["company"])["pool"]
    listed = selectors_pool.pool_list(actor=org[username]).count()
    assert listed == 4  # the fixture's pool customer and these three
    assert home == listed


def test_an_assistant_who_claims_nothing_is_not_offered_the_pool_at_home(login, customers):
    page = login("assistant").get(reverse("core:home")).content.decode()
    assert 'data-testid="count-pool"' not in page


def _figure(response, key):
    return next(figure for figure in response.context["key_figures"] if figure.key == key)


def test_a_pool_customers_contact_figure_matches_its_contacts_panel(login, org):
    customer = CustomerFactory(owner=None)
    ContactFactory(customer=customer, is_primary=True, mobile="13812348000")
    ContactFactory(customer=customer)
    response = login("manager1").get(customer.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["contacts"]) == 2
    assert _figure(response, "contacts").value == 2
    assert response.context["read_only"]


def test_a_pool_customers_contacts_are_read_with_their_fields_protected(login, org):
    customer = CustomerFactory(owner=None)
    ContactFactory(customer=customer, is_primary=True, mobile="13812348000")
    FieldRule.objects.create(
        role=org["manager1"].groups.get(),
        field="contact.mobile",
        mode=FieldRule.Mode.MASKED,
    )
    page = login("manager1").get(customer.get_absolute_url()).content.decode()
    assert "13812348000" not in page
    assert "138****8000" in page


def test_contacts_of_customers_owned_by_others_stay_unreadable(org, customers):
    readable = set(selectors_pool.contact_readable(actor=org["manager2"]))
    assert {contact.customer for contact in readable} == {customers["manager2"], customers["pool"]}
