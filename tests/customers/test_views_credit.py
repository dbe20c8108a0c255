"""The credit control page 信用冻结 and the 360 page's credit hold banner and action."""

import re

import pytest
from django.urls import reverse

from guanxi.core.formatting import format_datetime
from guanxi.customers.models import Customer, CustomerEvent
from guanxi.customers.services import credit as services_credit
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("english")


def detail(customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def credit_hold(customer) -> str:
    return reverse("customers:credit_hold", args=[customer.pk])


def fresh(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def hold_data(customer, *, on_hold=True, reason="逾期未付") -> dict:
    return {
        "on_hold": "True" if on_hold else "False",
        "reason": reason,
        "version": customer.version,
    }


def test_a_manager_sees_the_hold_but_gets_no_action_and_no_page(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    client = login("manager1")
    assert 'data-testid="credit-hold-action"' not in client.get(detail(customer)).content.decode()
    assert client.get(credit_hold(customer)).status_code == 403
    assert client.post(credit_hold(customer), hold_data(customer)).status_code == 403
    assert not fresh(customer).on_credit_hold

    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=customer, on_hold=True, reason="逾期未付"
    )
    content = client.get(detail(customer)).content.decode()
    assert 'data-testid="credit-hold-banner"' in content
    assert 'data-testid="credit-hold-action"' not in content
    held = fresh(customer)
    refused = client.post(credit_hold(held), hold_data(held, on_hold=False, reason="已付款"))
    assert refused.status_code == 403
    assert fresh(customer).on_credit_hold


def test_a_manager_cannot_set_or_lift_the_hold_through_the_customer_edit(org, login):
    customer = CustomerFactory(owner=org["manager1"], name="编辑测试有限公司")
    client = login("manager1")
    form = client.get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert 'name="credit_status"' not in form
    data = {"name": customer.name, "kind": "company", "owner": org["manager1"].pk}
    data.update(credit_status="on_hold", version=customer.version)
    response = client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert response.status_code == 302
    assert not fresh(customer).on_credit_hold

    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=fresh(customer), on_hold=True, reason="逾期未付"
    )
    held = fresh(customer)
    data.update(credit_status="normal", version=held.version)
    assert client.post(reverse("customers:edit", args=[customer.pk]), data).status_code == 302
    assert fresh(customer).on_credit_hold


def test_a_supervisor_of_another_team_gets_no_credit_page(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    client = login("supervisor2")
    assert client.get(credit_hold(customer)).status_code == 404
    assert client.post(credit_hold(customer), hold_data(customer)).status_code == 404
    assert not fresh(customer).on_credit_hold


def test_the_supervisor_of_the_team_puts_the_credit_on_hold_with_a_reason(org, login):
    customer = CustomerFactory(owner=org["manager2"])
    client = login("supervisor")
    page = client.get(detail(customer)).content.decode()
    assert re.search(r'data-testid="credit-hold-action">Put the credit on hold<', page)
    form = client.get(credit_hold(customer))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()

    response = client.post(credit_hold(customer), hold_data(customer, reason="逾期三个月未付款"))
    assert response.status_code == 302 and response.url == detail(customer)
    assert fresh(customer).credit_hold_reason == "逾期三个月未付款"

    banner = re.search(
        r'data-testid="credit-hold-banner">.*?</div>',
        client.get(detail(customer)).content.decode(),
        re.S,
    ).group(0)
    assert "逾期三个月未付款" in banner
    assert str(org["supervisor"]) in banner
    held_at = fresh(customer).credit_hold_at
    # In the reader's language and local time (core.formatting).
    assert any(format_datetime(held_at, language=code) in banner for code in ("en", "zh-hans"))
    # The same banner on the account manager's view of it.
    assert "逾期三个月未付款" in login("manager2").get(detail(customer)).content.decode()


def test_the_supervisor_lifts_the_hold_and_the_history_shows_the_reason(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=customer, on_hold=True, reason="逾期未付"
    )
    client = login("supervisor")
    page = client.get(detail(customer)).content.decode()
    assert re.search(r'data-testid="credit-hold-action">Lift the credit hold<', page)
    held = fresh(customer)
    response = client.post(credit_hold(held), hold_data(held, on_hold=False, reason="货款已结清"))
    assert response.status_code == 302
    assert not fresh(customer).on_credit_hold
    page = client.get(detail(customer)).content.decode()
    assert 'data-testid="credit-hold-banner"' not in page
    history = client.get(reverse("customers:history", args=[customer.pk])).content.decode()
    assert "货款已结清" in history and "逾期未付" in history
    assert CustomerEvent.objects.filter(
        customer=customer, kind=CustomerEvent.Kind.CREDIT_RELEASED
    ).exists()


def test_an_empty_reason_is_shown_on_the_reason_field_and_nothing_changes(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    response = login("supervisor").post(credit_hold(customer), hold_data(customer, reason="  "))
    assert response.status_code == 200
    content = response.content.decode()
    # Under the reason field, not at the top of the form.
    assert 'data-testid="form-errors"' not in content
    assert re.search(r'<ul class="errorlist"[^>]*>\s*<li>Give the reason', content)
    assert not fresh(customer).on_credit_hold


def test_a_repeated_post_does_not_toggle_the_hold_back(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    client = login("supervisor")
    data = hold_data(customer)
    assert client.post(credit_hold(customer), data).status_code == 302
    again = client.post(credit_hold(customer), data)
    assert again.status_code == 200
    assert "already on hold" in again.content.decode()
    assert fresh(customer).on_credit_hold


def test_an_administrator_holds_a_pool_customer(org, login):
    customer = CustomerFactory(owner=None)
    client = login("admin")
    assert 'data-testid="credit-hold-action"' in client.get(detail(customer)).content.decode()
    assert client.post(credit_hold(customer), hold_data(customer)).status_code == 302
    assert fresh(customer).credit_hold_by == org["admin"]
