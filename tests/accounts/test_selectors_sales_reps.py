"""Sales reps 销售代表 are the people who own customers, and every rep list starts from them."""

import pytest

from guanxi.accounts.selectors.users import sales_reps
from guanxi.analytics.selectors.reports import report_owner_choices
from guanxi.customers.selectors.customers import customer_owner_filter_choices
from guanxi.sales.selectors.orders import order_owner_filter_choices
from guanxi.sales.selectors.pipeline import deal_owner_filter_choices
from tests.customers.fixtures.customers import CustomerFactory


def names(users) -> set[str]:
    return {user.username for user in users}


def test_sales_reps_are_account_managers_and_supervisors_who_own_customers(org):
    assert names(sales_reps(actor=org["admin"])) == {"manager1", "manager2", "manager3"}
    CustomerFactory(owner=org["supervisor"])
    assert names(sales_reps(actor=org["exec"])) == {
        "manager1",
        "manager2",
        "manager3",
        "supervisor",
    }


def test_a_supervisor_whose_only_customer_is_in_the_recycle_bin_is_no_rep(org):
    CustomerFactory(owner=org["supervisor"], deleted_at="2026-01-01T00:00:00Z")
    assert "supervisor" not in names(sales_reps(actor=org["exec"]))


def test_administrators_executives_and_assistants_are_never_reps(org):
    for username in ("admin", "exec", "assistant"):
        CustomerFactory(owner=org[username])
    org["manager2"].groups.add(org["admin"].groups.get())
    assert names(sales_reps(actor=org["exec"])) == {"manager1", "manager3"}


def test_reps_are_within_the_readers_scope(org):
    assert names(sales_reps(actor=org["supervisor"])) == {"manager1", "manager2"}
    assert names(sales_reps(actor=org["manager1"])) == {"manager1"}
    assert names(sales_reps(actor=org["assistant"])) == {"manager1"}


def test_people_who_left_stay_in_list_filters_only(org):
    org["manager3"].is_active = False
    org["manager3"].save()
    assert "manager3" not in names(sales_reps(actor=org["exec"]))
    assert "manager3" in names(sales_reps(actor=org["exec"], include_inactive=True))


@pytest.mark.parametrize(
    "choices",
    [
        customer_owner_filter_choices,
        order_owner_filter_choices,
        deal_owner_filter_choices,
        report_owner_choices,
    ],
)
def test_every_owner_filter_offers_the_sales_reps_only(org, choices):
    CustomerFactory(owner=org["supervisor"])
    offered = names(choices(actor=org["admin"]))
    assert offered == {"manager1", "manager2", "manager3", "supervisor"}
