"""``Idempotency-Key`` on the API's create endpoints: a retried create returns the first
answer and creates nothing; the same key with another request is a 422; keys are per user
and forgotten after 24 hours; without the header a create behaves as before."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.core.jobs import job_get
from guanxi.core.models import IdempotencyKey
from guanxi.core.services.idempotency import idempotency_keys_purge
from guanxi.core.tasks import purge_idempotency_keys
from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from guanxi.service.models import ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.sales.fixtures.orders import catalogue

ORDERS = "/api/orders/"
REUSED = (
    "This Idempotency-Key was already used for a different request (another body, method or "
    "path); nothing was created. Send a new key with a new request."
)


@pytest.fixture
def products(db):
    return catalogue()


def _order(customer, products, quantity: int = 1) -> dict:
    return {
        "customer": customer.pk,
        "lines": [{"product": products["drill"].pk, "quantity": quantity}],
    }


def _post(client, url, body, key=None, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, body, format="json", **headers)


def test_a_retry_with_the_same_key_and_body_returns_the_first_answer_and_one_order(
    api, customers, products
):
    client = api("manager1")
    key = str(uuid.uuid4())
    first = _post(client, ORDERS, _order(customers["manager1"], products), key)
    retry = _post(client, ORDERS, _order(customers["manager1"], products), key)
    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"]
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1


def test_the_same_body_in_another_key_order_or_spacing_is_the_same_request(
    api, customers, products
):
    client = api("manager1")
    body = _order(customers["manager1"], products)
    assert _post(client, ORDERS, body, "k-1").status_code == 201
    drill, customer = products["drill"].pk, customers["manager1"].pk
    reordered = f'{{"lines": [{{"quantity": 1, "product": {drill}}}],   "customer": {customer}}}'

    retry = client.post(
        ORDERS, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_the_same_key_with_another_body_or_endpoint_is_a_422(api, customers, products):
    client = api("manager1", language="en")
    assert _post(client, ORDERS, _order(customers["manager1"], products), "k-2").status_code == 201
    other_body = _post(client, ORDERS, _order(customers["manager1"], products, 5), "k-2")
    assert other_body.status_code == 422
    assert other_body.json()["error"] == {"code": "idempotency_key_reused", "message": REUSED}
    other_path = _post(client, "/api/customers/", {"name": "幂等测试有限公司"}, "k-2")
    assert other_path.status_code == 422
    assert other_path.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert not Customer.objects.filter(name="幂等测试有限公司").exists()


def test_different_users_with_the_same_key_are_independent(api, customers, products):
    mine = _post(api("manager1"), ORDERS, _order(customers["manager1"], products), "shared")
    theirs = _post(api("manager2"), ORDERS, _order(customers["manager2"], products), "shared")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Order.objects.count() == 2


def test_without_a_key_every_post_creates(api, customers, products):
    client = api("manager1")
    for _ in range(2):
        assert _post(client, ORDERS, _order(customers["manager1"], products)).status_code == 201
    assert Order.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_request_does_not_keep_its_key(api, customers, products):
    client = api("manager1")
    refused = _post(client, ORDERS, {"customer": customers["manager1"].pk, "lines": []}, "k-3")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    fixed = _post(client, ORDERS, _order(customers["manager1"], products), "k-3")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed


def test_every_record_endpoint_honours_the_key(api, customers):
    # Customers override create (a duplicate is a 409); service requests have their own rules.
    client = api("manager1")
    customer = {"name": "幂等客户有限公司"}
    assert _post(client, "/api/customers/", customer, "c-1").status_code == 201
    assert _post(client, "/api/customers/", customer, "c-1")["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(name="幂等客户有限公司").count() == 1
    request = {
        "customer": customers["manager1"].pk,
        "service_type": dictionary("service_type", "suggestion").pk,
        "channel": dictionary("channel", "web").pk,
        "summary": "幂等",
        "request": "重试不应产生第二个服务请求。",
    }
    first = _post(client, "/api/service-requests/", request, "s-1")
    retry = _post(client, "/api/service-requests/", request, "s-1")
    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json()["code"] == first.json()["code"]
    assert ServiceRequest.objects.filter(summary="幂等").count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "空格 key"])
def test_a_malformed_key_is_a_400_naming_the_header(api, customers, products, key):
    # Header values arrive as latin-1 text: UTF-8 bytes of 空格 become other non-ASCII letters.
    sent = key.encode().decode("latin-1")
    client = api("manager1", language="en")
    response = _post(client, ORDERS, _order(customers["manager1"], products), sent)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "Idempotency-Key": [
            "Send an Idempotency-Key of 1 to 255 visible ASCII characters, e.g. a UUID."
        ]
    }
    assert not Order.objects.exists()


def test_a_key_is_forgotten_after_24_hours(api, customers, products):
    client = api("manager1")
    assert _post(client, ORDERS, _order(customers["manager1"], products), "old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = _post(client, ORDERS, _order(customers["manager1"], products, 2), "old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Order.objects.count() == 2


def test_the_hourly_job_purges_expired_keys(api, org, customers, products):
    _post(api("manager1"), ORDERS, _order(customers["manager1"], products), "a")
    _post(api("manager1"), ORDERS, _order(customers["manager1"], products, 2), "b")
    IdempotencyKey.objects.filter(key="a").update(created_at=timezone.now() - timedelta(days=2))
    assert purge_idempotency_keys.call() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]
    assert idempotency_keys_purge(now=timezone.now() + timedelta(hours=25)) == 1
    job = job_get("core.purge_idempotency_keys")
    assert job.every == "hourly" and job.task.module_path.endswith("purge_idempotency_keys")


def test_one_key_per_user_is_enforced_by_the_database(org):
    fields = {"key": "k", "method": "POST", "path": ORDERS, "request_hash": "0" * 64}
    IdempotencyKey.objects.create(user=org["manager1"], **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(user=org["manager1"], **fields)


def test_a_replay_runs_no_create(api, customers, products):
    client = api("manager1")
    body = _order(customers["manager1"], products)
    _post(client, ORDERS, body, "q")
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, ORDERS, body, "q").status_code == 201
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
    ]
    # The claim refused by the unique key, the first answer read; nothing else.
    assert len(statements) == 2, statements
    assert statements[0].startswith("INSERT INTO") and statements[1].startswith("SELECT")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_create_one_order(org, monkeypatch):
    from rest_framework.test import APIClient

    from guanxi.sales.services import orders as services_orders
    from tests.customers.fixtures.customers import CustomerFactory

    products = catalogue()
    customer = CustomerFactory(owner=org["manager1"])
    original = services_orders.order_create
    both_started = threading.Barrier(2, timeout=10)

    def slow_create(**kwargs):
        order = original(**kwargs)
        threading.Event().wait(0.5)  # the other request claims the key meanwhile
        return order

    monkeypatch.setattr(services_orders, "order_create", slow_create)
    answers = []

    def send():
        client = APIClient()
        client.force_authenticate(org["manager1"])
        both_started.wait()
        answers.append(_post(client, ORDERS, _order(customer, products), "together"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Order.objects.count() == 1


def test_the_header_is_documented_on_every_create_operation(openapi_schema):
    def header_names(path, method):
        operation = openapi_schema["paths"][path][method]
        return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}

    for path in ["/api/orders/", "/api/customers/", "/api/service-requests/", "/api/leads/"]:
        assert "Idempotency-Key" in header_names(path, "post"), path
        assert "422" in openapi_schema["paths"][path]["post"]["responses"]
    for path in [
        "/api/quotes/{id}/convert/",
        "/api/leads/{id}/convert/",
        "/api/opportunities/{id}/succeed/",
    ]:
        assert "Idempotency-Key" in header_names(path, "post"), path
    assert "Idempotency-Key" not in header_names("/api/orders/{id}/", "patch")
    assert "Idempotency-Key" not in header_names("/api/auth/token/", "post")


def test_support_staff_see_the_kept_answers_read_only(admin_client, api, customers, products):
    _post(api("manager1"), ORDERS, _order(customers["manager1"], products), "seen")
    key = IdempotencyKey.objects.get()
    assert "seen" in admin_client.get("/django-admin/core/idempotencykey/").content.decode()
    assert admin_client.get("/django-admin/core/idempotencykey/add/").status_code == 403
    detail = admin_client.get(f"/django-admin/core/idempotencykey/{key.pk}/change/")
    assert detail.status_code == 200 and 'name="key"' not in detail.content.decode()


def test_a_retried_payment_is_recorded_once(api, org, customers):
    from guanxi.sales.models import Payment
    from tests.sales.fixtures.contracts import make_contract, open_receivable

    receivable = open_receivable(
        org["manager1"], make_contract(org["manager1"], customers["manager1"])
    )
    client = api("manager1")
    url = f"/api/receivables/{receivable.pk}/payments/"
    body = {"amount": "1000.00", "paid_on": timezone.localdate().isoformat()}
    key = str(uuid.uuid4())
    first = _post(client, url, body, key)
    retry = _post(client, url, body, key)
    assert first.status_code == retry.status_code == 201, first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(receivable=receivable).count() == 1
    other = _post(client, url, {**body, "amount": "2000.00"}, key)
    assert other.status_code == 422


def test_reading_the_plan_items_ignores_the_key_and_adding_one_honours_it(api, org):
    from guanxi.sales.models import PlanItem
    from guanxi.sales.services import opportunities

    opportunity = opportunities.opportunity_assign(
        actor=org["supervisor"],
        opportunity=opportunities.opportunity_create(
            actor=org["manager1"],
            prospect_name="苏州瑞德电子有限公司",
            probability=40,
            summary="采购",
        ),
        assignee=org["manager1"],
    )
    url = f"/api/opportunities/{opportunity.pk}/plan-items/"
    client = api("manager1")
    key = str(uuid.uuid4())
    assert client.get(url, HTTP_IDEMPOTENCY_KEY=key).status_code == 200
    assert not IdempotencyKey.objects.exists()
    body = {"date": timezone.localdate().isoformat(), "content": "上门演示"}
    first = _post(client, url, body, key)
    retry = _post(client, url, body, key)
    assert first.status_code == retry.status_code == 201, first.content
    assert PlanItem.objects.filter(opportunity=opportunity).count() == 1
