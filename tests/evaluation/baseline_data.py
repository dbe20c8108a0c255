"""Shared set-up of the before/after tests: a small company whose KPIs are computed by hand.

March 2026 (the baseline period): four customers (created 2025), orders of ¥300, ¥100 and ¥200
(a cancelled ¥999 one does not count) and one complaint:
    sales_total 600.00 · average_order_size 600 ÷ 3 = 200.00 · purchase_frequency 3 ÷ 4 = 0.75
    complaint_rate 1 ÷ 4 = 25.00 %
November 2026 (the "now" period, after :func:`later_data`): a fifth customer (created
5 November), orders of ¥500 and ¥400, no complaint:
    sales_total 900.00 · average_order_size 450.00 · purchase_frequency 2 ÷ 5 = 0.40
    complaint_rate 0 ÷ 5 = 0.00 %
"""

import datetime

from guanxi.customers.models import Customer
from tests.analytics.fixtures.reports import moment, order, request
from tests.customers.fixtures.customers import CustomerFactory

D = datetime.date
MARCH = (D(2026, 3, 1), D(2026, 3, 31))
NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))


def march_data(org) -> list[Customer]:
    """The baseline period's records (see the module's docstring)."""
    owner = org["manager1"]
    customers = [CustomerFactory(owner=owner) for _ in range(4)]
    Customer.objects.filter(pk__in=[c.pk for c in customers]).update(
        created_at=moment(D(2025, 1, 1))
    )
    order(customers[0], D(2026, 3, 1), "300.00")
    order(customers[0], D(2026, 3, 2), "100.00")
    order(customers[1], D(2026, 3, 3), "200.00")
    order(customers[1], D(2026, 3, 4), "999.00", status="cancelled")
    request(customers[2], D(2026, 3, 10))
    return customers


def later_data(org, customers: list[Customer]) -> Customer:
    """The "now" period's records (see the module's docstring)."""
    newcomer = CustomerFactory(owner=org["manager2"])
    Customer.objects.filter(pk=newcomer.pk).update(created_at=moment(D(2026, 11, 5)))
    order(customers[2], D(2026, 11, 3), "500.00")
    order(newcomer, D(2026, 11, 20), "400.00")
    return newcomer
