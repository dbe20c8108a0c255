"""A customer's notes 备注: entered on the create and edit forms, shown on the 360 page's
profile, read and written through the API, exported, and audited like any field."""

from django.urls import reverse

from guanxi.customers.models import Customer
from tests.core.fixtures.exports import csv_rows
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.test_views_customers import customer_data

NOTES = "每年春节前订货；\n付款要提醒财务 <b>两次</b>"


def test_notes_are_entered_on_the_forms_and_shown_on_the_profile(org, login, english):
    client = login("manager1")
    response = client.post(
        reverse("customers:create"), customer_data(owner=org["manager1"].pk, notes=NOTES)
    )
    assert response.status_code == 302
    customer = Customer.objects.get(name="上海新客户有限公司")
    assert customer.notes == NOTES
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-field="notes"' in page and "每年春节前订货；<br>" in page
    assert "<b>两次</b>" not in page  # escaped, never markup

    edit = reverse("customers:edit", args=[customer.pk])
    assert NOTES.split("\n")[0] in client.get(edit).content.decode()
    data = customer_data(owner=org["manager1"].pk, notes="", version=customer.version)
    assert client.post(edit, data).status_code == 302
    customer.refresh_from_db()
    assert customer.notes == "" and customer.version == 2
    assert customer.history.first().notes == ""
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-field="notes"' not in page


def test_notes_through_the_api(org, api):
    customer = CustomerFactory(owner=org["manager1"])
    client = api("manager1")
    url = f"/api/customers/{customer.pk}/"
    assert client.get(url).json()["notes"] == ""
    response = client.patch(url, {"notes": NOTES}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["notes"] == NOTES
    customer.refresh_from_db()
    assert customer.notes == NOTES


def test_notes_are_exported(org, login, english):
    CustomerFactory(owner=org["manager1"], notes="老客户")
    rows = csv_rows(login("manager1").get(reverse("customers:export"), {"format": "csv"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Notes"] == "老客户"
