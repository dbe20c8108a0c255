"""``GET /api/{quotes,orders,contracts}/{id}/pdf/`` and ``POST …/email/``."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from guanxi.customers.models import Interaction
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.orders import make_order
from tests.sales.fixtures.printing import pdf_text
from tests.sales.fixtures.quotes import make_quote

PATHS = {"quote": "quotes", "order": "orders", "contract": "contracts"}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(org, customers, products):
    customer = customers["manager1"]
    order = make_order(org["manager1"], customer, products)
    return {
        "quote": make_quote(org["manager1"], customer, products),
        "order": order,
        "contract": make_contract(org["manager1"], customer, order=order),
    }


@pytest.mark.parametrize("kind", ["quote", "order", "contract"])
def test_the_pdf_of_a_record_in_scope(org, records, kind):
    record = records[kind]
    url = f"/api/{PATHS[kind]}/{record.pk}/pdf/"
    response = _api(org["manager1"]).get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert record.code in pdf_text(response.content)
    assert _api(org["manager1"]).get(url).status_code == 200  # any Accept
    assert _api(org["manager2"]).get(url).status_code == 404
    assert _api(org["manager1"]).get(f"/api/{PATHS[kind]}/99999999/pdf/").status_code == 404


def test_the_pdf_api_queries_stay_few(org, records, django_assert_max_num_queries):
    client = _api(org["manager1"])
    client.get(f"/api/quotes/{records['quote'].pk}/pdf/")
    with django_assert_max_num_queries(20):
        client.get(f"/api/quotes/{records['quote'].pk}/pdf/")


def test_the_pdf_is_mailed_through_the_api(org, customers, records):
    contact = customers["manager1"].contacts.get()
    order = records["order"]
    response = _api(org["manager1"]).post(
        f"/api/orders/{order.pk}/email/", {"contact": contact.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    [sent] = mail.outbox
    assert sent.to == [contact.email] and order.code in sent.subject
    assert Interaction.objects.get(pk=response.data["interaction"]).contact == contact


def test_the_mail_api_refuses_a_stranger_contact_and_outsiders(org, customers, records):
    stranger = customers["manager2"].contacts.get()
    url = f"/api/quotes/{records['quote'].pk}/email/"
    response = _api(org["manager1"]).post(url, {"contact": stranger.pk}, format="json")
    assert response.status_code == 400 and "contact" in response.json()["error"]["fields"]
    mine = customers["manager1"].contacts.get()
    assert _api(org["manager2"]).post(url, {"contact": mine.pk}, format="json").status_code == 404
    assert _api(org["exec"]).post(url, {"contact": mine.pk}, format="json").status_code == 403
    assert mail.outbox == []
