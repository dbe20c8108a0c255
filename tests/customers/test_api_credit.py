"""Credit control 信用冻结 over the API: POST /api/customers/{id}/credit-hold/, and the customer's
general update, which no longer changes the credit status."""

import pytest

from guanxi.customers.models import Customer, CustomerEvent
from guanxi.customers.services import credit as services_credit
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("english")


def url(customer) -> str:
    return f"/api/customers/{customer.pk}/credit-hold/"


def fresh(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def hold(customer, *, by):
    return services_credit.customer_credit_hold_set(
        actor=by, customer=customer, on_hold=True, reason="逾期未付"
    )


def test_a_manager_cannot_set_or_lift_a_credit_hold_over_the_api(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("manager1")
    response = client.post(url(customer), {"on_hold": True, "reason": "拖欠"}, format="json")
    assert response.status_code == 403
    assert "supervisor" in response.json()["error"]["message"]
    assert not fresh(customer).on_credit_hold

    hold(customer, by=org["supervisor"])
    response = client.post(url(customer), {"on_hold": False, "reason": "已付"}, format="json")
    assert response.status_code == 403
    assert fresh(customer).on_credit_hold


def test_a_manager_cannot_change_the_credit_status_with_the_customer_update(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("manager1")
    detail = f"/api/customers/{customer.pk}/"
    refused = client.patch(
        detail, {"credit_status": "on_hold", "version": customer.version}, format="json"
    )
    assert refused.status_code == 400
    assert "credit_status" in refused.json()["error"]["fields"]
    assert not fresh(customer).on_credit_hold

    # What was read may be sent back unchanged.
    body = client.get(detail).json()
    assert body["credit_status"] == "normal" and body["credit_hold_reason"] == ""
    sent = {"credit_status": "normal", "phone": "021-55550001", "version": body["version"]}
    kept = client.patch(detail, sent, format="json")
    assert kept.status_code == 200, kept.json()

    held = hold(fresh(customer), by=org["supervisor"])
    sent = {"credit_status": "normal", "version": held.version}
    lifted = client.patch(detail, sent, format="json")
    assert lifted.status_code == 400 and "credit_status" in lifted.json()["error"]["fields"]
    assert fresh(customer).on_credit_hold


def test_nobody_creates_a_customer_on_hold_without_the_credit_action(org, api):
    for username in ("manager1", "admin"):
        response = api(username).post(
            "/api/customers/",
            {"name": f"冻结客户{username}", "credit_status": "on_hold"},
            format="json",
        )
        assert response.status_code == 400
        assert "credit_status" in response.json()["error"]["fields"]
    assert not Customer.objects.filter(name__startswith="冻结客户").exists()


def test_a_supervisor_of_another_team_gets_404(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    response = api("supervisor2").post(
        url(customer), {"on_hold": True, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert not fresh(customer).on_credit_hold


def test_the_supervisor_of_the_team_sets_a_hold_with_a_reason(org, api):
    customer = CustomerFactory(owner=org["manager2"])
    response = api("supervisor").post(
        url(customer),
        {"on_hold": True, "reason": "逾期三个月未付款", "version": customer.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["credit_status"] == "on_hold"
    assert body["credit_hold_reason"] == "逾期三个月未付款"
    assert body["credit_hold_by"] == org["supervisor"].pk
    assert body["credit_hold_by_name"] == str(org["supervisor"])
    assert body["credit_hold_at"] and body["version"] == customer.version + 1
    shown = api("manager2").get(f"/api/customers/{customer.pk}/").json()
    assert (shown["credit_status"], shown["credit_hold_reason"]) == ("on_hold", "逾期三个月未付款")
    history = fresh(customer).history.latest()
    assert "逾期三个月未付款" in history.history_change_reason
    assert CustomerEvent.objects.filter(customer=customer, kind="credit_hold").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_answers_400_naming_the_reason(org, api, reason):
    customer = CustomerFactory(owner=org["manager1"])
    response = api("supervisor").post(
        url(customer), {"on_hold": True, "reason": reason}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert not fresh(customer).on_credit_hold


def test_an_administrator_lifts_a_hold_and_errors_answer_as_documented(org, api):
    customer = hold(CustomerFactory(owner=org["manager3"]), by=org["supervisor2"])
    client = api("admin")
    stale = client.post(
        url(customer), {"on_hold": False, "reason": "已付", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    lifted = client.post(url(customer), {"on_hold": False, "reason": "已付"}, format="json")
    assert lifted.status_code == 200
    assert lifted.json()["credit_status"] == "normal"
    assert lifted.json()["credit_hold_by"] is None
    again = client.post(url(customer), {"on_hold": False, "reason": "已付"}, format="json")
    assert again.status_code == 422
    assert client.post("/api/customers/abc/credit-hold/", {}, format="json").status_code == 404


def test_the_customer_list_costs_no_more_queries_with_held_customers(
    org, api, django_assert_max_num_queries
):
    customers = CustomerFactory.create_batch(20, owner=org["manager1"])
    for customer in customers[:10]:
        hold(customer, by=org["supervisor"])
    with django_assert_max_num_queries(8):
        response = api("manager1").get("/api/customers/", {"page_size": 50})
    rows = response.json()["results"]
    assert sum(row["credit_status"] == "on_hold" for row in rows) == 10
