"""The KPI dashboard: each formula on hand-made data, the previous period, "—" for a zero
denominator, scope, page, API and query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import LoginEvent, User
from guanxi.analytics.kpis import dashboard
from guanxi.customers.models import Customer, Interaction
from guanxi.sales.models import Lead, Opportunity, Target
from tests.factories import CustomerFactory
from tests.orders_helpers import catalogue
from tests.reports_helpers import D, churned, moment, order, request

MARCH = (D(2026, 3, 1), D(2026, 3, 31))


@pytest.fixture
def english(org):
    User.objects.update(language="en")


@pytest.fixture
def kpi_data(org):
    m1 = org["manager1"]
    products = catalogue()
    old = [CustomerFactory(owner=m1) for _ in range(4)]
    Customer.objects.filter(pk__in=[c.pk for c in old]).update(created_at=moment(D(2025, 1, 1)))
    new = CustomerFactory(owner=m1)
    Customer.objects.filter(pk=new.pk).update(created_at=moment(D(2026, 3, 5)))
    order(
        old[0],
        D(2026, 3, 1),
        "300.00",
        lines=[(products["drill"], "200.00"), (products["wrench"], "100.00")],
    )
    order(old[0], D(2026, 3, 2), "100.00", lines=[(products["drill"], "100.00")])
    order(old[1], D(2026, 3, 3), "200.00", lines=[(products["drill"], "200.00")])
    order(old[1], D(2026, 3, 4), "999.00", status="cancelled")
    order(old[1], D(2026, 2, 4), "400.00")  # previous period (29 days before March)
    Target.objects.create(
        user=m1,
        period_kind="month",
        period_start=D(2026, 3, 1),
        period_end=D(2026, 3, 31),
        amount=1200,
    )
    for status in ("won", "won", "lost"):
        Opportunity.objects.create(
            prospect_name="x",
            summary="x",
            probability=10,
            status=status,
            assigned_to=m1,
            created_by=m1,
            closed_at=moment(D(2026, 3, 10)),
        )
    for status in ("converted", "disqualified", "new", "assigned"):
        Lead.objects.create(
            name="线索",
            owner=m1,
            status=status,
            closed_at=moment(D(2026, 3, 9)) if status in ("converted", "disqualified") else None,
            created_at=moment(D(2026, 3, 8)),
        )
    complaint = request(old[0], D(2026, 3, 1), satisfaction=4, status="archived")
    complaint.first_response_at = complaint.created_at + datetime.timedelta(hours=2)
    complaint.archived_at = complaint.created_at + datetime.timedelta(hours=10)
    complaint.save()
    request(old[1], D(2026, 3, 2), kind="consultation", satisfaction=2)
    churned(old[2], D(2026, 3, 15))
    churned(old[3], D(2026, 3, 16), state="won_back")
    Interaction.objects.create(
        customer=old[0], summary="拜访", created_by=m1, occurred_at=moment(D(2026, 3, 3))
    )
    LoginEvent.objects.create(user=m1, username="manager1", kind="login", at=moment(D(2026, 3, 3)))
    return old


def _kpis(user, period=MARCH):
    data = dashboard(actor=user, date_from=period[0], date_to=period[1])
    return {row["key"]: row for row in data["kpis"]}, data


def test_each_kpi_formula(org, kpi_data):
    kpis, data = _kpis(org["manager1"])
    assert data["previous_from"] == D(2026, 1, 29) and data["previous_to"] == D(2026, 2, 28)
    value = {key: row["value"] for key, row in kpis.items()}
    assert value["sales_total"] == Decimal("600.00")
    assert value["sales_quota"] == Decimal("1200.00")
    assert value["plan_achievement"] == Decimal("50.00")
    assert value["sales_growth"] == Decimal("50.00")  # (600 − 400) / 400
    assert value["close_rate"] == Decimal("66.67")
    assert value["failure_rate"] == Decimal("33.33")
    assert value["average_unit_sale"] == Decimal("200.00")
    assert value["items_per_transaction"] == Decimal("1.33")  # 4 items / 3 orders
    assert value["purchase_frequency"] == Decimal("1.50")  # 3 orders / 2 customers
    assert value["average_order_size"] == Decimal("1.33")  # 4 lines / 3 orders
    assert value["lead_success_ratio"] == Decimal("50.00")
    assert value["lead_conversion_rate"] == Decimal("25.00")
    assert value["complaint_rate"] == Decimal("20.00")  # 1 complaint / 5 customers
    assert value["average_satisfaction"] == Decimal("3.00")
    assert value["first_response_hours"] == Decimal("2.00")
    assert value["resolution_hours"] == Decimal("10.00")
    assert value["acquisition_rate"] == Decimal("25.00")  # 1 new / 4 at the start
    assert value["churn_rate"] == Decimal("50.00")  # 2 churned (one since won back) / 4
    assert value["retention_rate"] == Decimal("50.00")
    assert value["win_back_rate"] == Decimal("50.00")
    assert value["follow_ups_per_rep"] == Decimal("1.00")  # 1 interaction / the 1 rep
    assert value["crm_usage_rate"] == Decimal("100.00")
    assert Decimal(0) < value["completeness"] <= Decimal(100)
    assert kpis["sales_total"]["previous"] == Decimal("400.00")
    assert kpis["sales_total"]["change"] == Decimal("200.00")
    assert kpis["close_rate"]["previous"] is None  # nothing closed in February
    assert kpis["close_rate"]["change"] is None
    assert kpis["sales_total"]["link"].startswith(reverse("sales:order_list"))


def test_kpis_of_an_empty_scope_are_dashes(org, kpi_data):
    kpis, _data = _kpis(org["manager3"])
    assert kpis["sales_total"]["value"] == Decimal("0.00")
    for key in (
        "average_unit_sale",
        "close_rate",
        "churn_rate",
        "complaint_rate",
        "average_satisfaction",
        "first_response_hours",
        "plan_achievement",
    ):
        assert kpis[key]["value"] is None, key


def test_kpi_page_api_and_rights(login, api, org, kpi_data, english, django_assert_max_num_queries):
    client = login("supervisor")
    with django_assert_max_num_queries(45):
        response = client.get(
            reverse("analytics:kpis") + "?date_from=2026-03-01&date_to=2026-03-31"
        )
    page = response.content.decode()
    assert 'data-kpi="close_rate"' in page
    assert "Opportunities won ÷ opportunities closed" in page
    assert "—" in page
    body = api("supervisor").get("/api/kpis/?date_from=2026-03-01&date_to=2026-03-31").json()
    by_key = {row["key"]: row for row in body["kpis"]}
    assert by_key["sales_total"]["value"] == "600.00"
    assert by_key["close_rate"]["previous"] is None
    assert not any(key.startswith("campaign") for key in by_key)
    assert login("assistant").get(reverse("analytics:kpis")).status_code == 403
    assert api("assistant").get("/api/kpis/").status_code == 403
    assert api("exec").get("/api/kpis/?date_from=2026-03-01&date_to=2026-01-01").status_code == 400
    assert timezone.now()
