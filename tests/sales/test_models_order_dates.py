"""Order dates lie between 1900 and 2100, like every other business date: a date outside is
refused naming ``order_date`` by the API, the pages and the services, never a crash."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guanxi.sales.models import Order
from guanxi.sales.services.orders import order_update
from tests.sales.fixtures.orders import make_order

RANGE_ERROR = "Enter a date between 1900 and 2100."


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_api_order_date_out_of_range_is_a_400_naming_the_field(
    api, org, english, customers, products, day
):
    response = api("manager1").post(
        "/api/orders/",
        {
            "customer": customers["manager1"].pk,
            "order_date": day,
            "lines": [{"product": products["drill"].pk, "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"order_date": [RANGE_ERROR]}
    assert not Order.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)])
def test_the_range_bounds_are_accepted(org, customers, products, day):
    order = make_order(org["manager1"], customers["manager1"], products, order_date=day)
    assert Order.objects.get(pk=order.pk).order_date == day


def test_the_services_refuse_a_date_out_of_range_on_create_and_update(
    org, english, customers, products
):
    with pytest.raises(ValidationError) as refused:
        make_order(
            org["manager1"], customers["manager1"], products, order_date=datetime.date(1, 1, 1)
        )
    assert refused.value.message_dict == {"order_date": [RANGE_ERROR]}
    order = make_order(org["manager1"], customers["manager1"], products)
    taken = order.order_date
    with pytest.raises(ValidationError) as refused:
        order_update(
            actor=org["manager1"],
            order=order,
            expected_version=order.version,
            order_date=datetime.date(9999, 12, 31),
        )
    assert refused.value.message_dict == {"order_date": [RANGE_ERROR]}
    assert Order.objects.get(pk=order.pk).order_date == taken


def test_the_order_page_shows_the_range_error_on_the_date(login, org, customers, products):
    org["manager1"].language = "en"
    org["manager1"].save(update_fields=["language"])
    response = login("manager1").post(
        reverse("sales:order_create"),
        {
            "customer": customers["manager1"].code,
            "order_date": "0001-01-01",
            "status": "confirmed",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200",
            "lines-0-product": products["drill"].pk,
            "lines-0-quantity": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"order_date": [RANGE_ERROR]}
    assert not Order.objects.exists()
