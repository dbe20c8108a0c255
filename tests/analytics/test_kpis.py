"""The KPI dashboard: each formula on hand-made data, the previous period, "—" for a zero
denominator, scope, page, API and query count."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guanxi.analytics.kpis import dashboard
from tests.analytics.fixtures.reports import MARCH, D


def _kpis(user, period=MARCH):
    data = dashboard(actor=user, date_from=period[0], date_to=period[1])
    return {row["key"]: row for row in data["kpis"]}, data


def test_each_kpi_formula(org, kpi_data):
    kpis, data = _kpis(org["manager1"])
    assert data["previous_from"] == D(2026, 2, 1) and data["previous_to"] == D(2026, 2, 28)
    value = {key: row["value"] for key, row in kpis.items()}
    assert value["sales_total"] == Decimal("600.00")
    assert value["sales_quota"] == Decimal("1200.00")
    assert value["plan_achievement"] == Decimal("50.00")
    assert value["sales_growth"] == Decimal("50.00")  # (600 − 400) / 400
    assert value["close_rate"] == Decimal("66.67")
    assert value["failure_rate"] == Decimal("33.33")
    assert value["average_unit_sale"] == Decimal("200.00")
    assert value["items_per_transaction"] == Decimal("1.33")  # 4 items / 3 orders
    assert value["purchase_frequency"] == Decimal("0.60")  # 3 orders / 5 customers in all
    assert value["average_order_size"] == Decimal("200.00")  # ¥600 / 3 orders
    assert value["lead_success_ratio"] == Decimal("50.00")
    assert value["lead_conversion_rate"] == Decimal("25.00")
    assert value["complaint_rate"] == Decimal("20.00")  # 1 complaint / 5 customers
    assert value["average_satisfaction"] == Decimal("3.00")
    assert value["satisfied_share"] == Decimal("50.00")  # rated 4 and 2: one satisfied
    assert value["complaint_resolution_rate"] == Decimal("100.00")  # archived, first round
    assert value["contacts_per_customer"] == Decimal("0.20")  # 1 interaction / 5 customers
    assert value["first_response_hours"] == Decimal("2.00")
    assert value["resolution_hours"] == Decimal("10.00")
    # 1 lead converted + 2 opportunities won ÷ 2 leads + 3 opportunities closed
    assert value["acquisition_rate"] == Decimal("60.00")
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
    # The period and the 11 before it (the sparklines), each read with kpi_facts.
    with django_assert_max_num_queries(160):
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


def test_a_complaint_sent_back_for_a_second_round_is_not_resolved_at_the_first(org, kpi_data):
    from tests.analytics.fixtures.reports import request

    again = request(kpi_data[1], D(2026, 3, 5), satisfaction=5, status="archived", rounds=2)
    again.archived_at = again.created_at
    again.save()
    kpis, _data = _kpis(org["manager1"])
    assert kpis["complaint_resolution_rate"]["value"] == Decimal("50.00")  # 1 of 2 complaints
    assert kpis["satisfied_share"]["value"] == Decimal("66.67")  # rated 4, 2 and 5
