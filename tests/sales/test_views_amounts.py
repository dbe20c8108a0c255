"""Amounts and percentages on the sales pages: ¥ with thousands separators and two decimals,
percentages with one decimal, the same in Chinese and English (core.formatting)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.sales.models import Order
from tests.sales.fixtures.orders import make_order


@pytest.fixture
def big_order(org, customers, products):
    """One line at ¥2,118,373.71 less 12.5%: ¥1,853,577.00 (1,853,576.99625 rounded)."""
    return make_order(
        org["manager1"],
        customers["manager1"],
        products,
        lines=[
            {
                "product": products["drill"],
                "quantity": 1,
                "unit_price": Decimal("2118373.71"),
                "discount": Decimal("12.5"),
            }
        ],
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_order_list_shows_money_with_the_sign_and_separators(login, org, big_order, language):
    User.objects.filter(pk=org["manager1"].pk).update(language=language)
    assert big_order.total == Decimal("1853577.00")
    page = login("manager1").get(reverse("sales:order_list")).content.decode()
    assert 'data-field="total">¥1,853,577.00<' in page
    # Shown to people only formatted; machine-readable attributes keep the plain value.
    assert "1853577.00" not in re.sub(r'data-value="[^"]*"', "", page)


def test_the_order_detail_shows_lines_total_and_discount(login, big_order):
    page = login("manager1").get(big_order.get_absolute_url()).content.decode()
    assert "¥2,118,373.71" in page  # unit price
    assert ">12.5%<" in page  # the discount, one decimal
    assert 'data-testid="order-total">¥1,853,577.00<' in page
    assert 'data-field="amount">¥1,853,577.00<' in page


def test_the_cancel_page_names_the_formatted_total(login, big_order):
    page = login("manager1").get(reverse("sales:order_cancel", args=[big_order.pk]))
    assert "¥1,853,577.00" in page.content.decode()


def test_a_negative_amount_puts_the_minus_before_the_sign(login, big_order):
    # Totals are never negative today; a correction may be one day, and must not read ¥-….
    Order.objects.filter(pk=big_order.pk).update(total=Decimal("-6269.91"))
    page = login("manager1").get(reverse("sales:order_list")).content.decode()
    assert 'data-field="total">-¥6,269.91<' in page
