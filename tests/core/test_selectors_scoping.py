"""The one scope mechanism (what each role sees), checked directly on the selector."""

import pytest

from guanxi.accounts.services.users import team_update
from guanxi.core.scoping import scope_queryset, sees_everything
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors.customers import customer_list

EXPECTED_OWNERS = {
    "admin": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", None},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", None},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "manager1": {"manager1"},
    "manager2": {"manager2"},
    "manager3": {"manager3"},
    "assistant": {"manager1"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_each_role_sees_exactly_its_customers(org, customers, username):
    owners = set(customer_list(actor=org[username]).values_list("owner__username", flat=True))
    assert owners == EXPECTED_OWNERS[username]


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_contacts_follow_their_customer_scope(org, customers, username):
    contacts = scope_queryset(Contact.objects.all(), org[username])
    assert (
        set(contacts.values_list("customer__owner__username", flat=True))
        == EXPECTED_OWNERS[username]
    )


def test_supervisor_of_a_parent_team_sees_the_whole_subtree(org, customers):
    # Move team North under team East: the East supervisor now sees North's records as well.
    east, north = org["supervisor"].team, org["supervisor2"].team
    team_update(actor=org["admin"], team=north, name=north.name, parent=east)
    supervisor = type(org["supervisor"]).objects.get(pk=org["supervisor"].pk)
    owners = set(customer_list(actor=supervisor).values_list("owner__username", flat=True))
    assert owners == {"manager1", "manager2", "manager3", "supervisor", "supervisor2"}


def test_inactive_users_see_nothing(org, customers):
    user = org["exec"]
    user.is_active = False
    assert not sees_everything(user)
    assert not scope_queryset(Customer.objects.all(), user).exists()


def test_executive_is_read_only(org):
    executive = org["exec"]
    assert executive.has_perm("customers.view_customer")
    for action in ["add", "change", "delete"]:
        assert not executive.has_perm(f"customers.{action}_customer")
