"""The seeds' further KPIs (repeat purchase, sales cycle, opportunity response, revenue per
service representative) on hand-made data, each expected value worked out by hand, and their
scope: a manager sees only their own figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from guanxi.analytics.kpis import KPIS, dashboard
from guanxi.analytics.selectors.kpis import RESPONSE_DAYS
from guanxi.customers.models import Customer, Interaction
from guanxi.sales.models import Opportunity
from tests.analytics.fixtures.reports import MARCH, D, entry, moment, order, request
from tests.customers.fixtures.customers import CustomerFactory

HOUR = datetime.timedelta(hours=1)
NEW_KEYS = (
    "repeat_purchase_rate",
    "sales_cycle_days",
    "opportunity_response_rate",
    "revenue_per_service_rep",
    "referral_rate",
)


def _values(user, period=MARCH):
    data = dashboard(actor=user, date_from=period[0], date_to=period[1])
    return {row["key"]: row["value"] for row in data["kpis"]}


def _opportunity(owner, *, status, created, closed=None, assigned=None, customer=None):
    made = Opportunity.objects.create(
        prospect_name="甲",
        summary="x",
        probability=50,
        status=status,
        customer=customer,
        assigned_to=owner,
        created_by=owner,
        assigned_at=assigned,
        closed_at=closed,
    )
    Opportunity.objects.filter(pk=made.pk).update(created_at=created)
    return made


def _contact(customer, by, at):
    return Interaction.objects.create(
        customer=customer, summary="拜访", created_by=by, occurred_at=at
    )


@pytest.fixture
def extras(org):
    """manager1's customers a, b, c and manager2's customer x; see each test for the rows."""
    m1, m2 = org["manager1"], org["manager2"]
    a, b, c = (CustomerFactory(owner=m1) for _ in range(3))
    x = CustomerFactory(owner=m2)
    # Orders: a twice and b once in March, c only a cancelled one in March and one in February.
    order(a, D(2026, 3, 1), "100.00")
    order(a, D(2026, 3, 20), "200.00")
    order(b, D(2026, 3, 5), "300.00")
    order(c, D(2026, 3, 6), "50.00", status="cancelled")
    order(c, D(2026, 2, 6), "70.00")
    order(x, D(2026, 3, 2), "1000.00")
    order(x, D(2026, 3, 3), "1000.00")
    # Won in March after 2, 18 and 1 days; one lost; manager2's after 30 days.
    _opportunity(m1, status="won", created=moment(D(2026, 3, 1)), closed=moment(D(2026, 3, 3)))
    _opportunity(m1, status="won", created=moment(D(2026, 2, 20)), closed=moment(D(2026, 3, 10)))
    _opportunity(m1, status="won", created=moment(D(2026, 3, 5)), closed=moment(D(2026, 3, 6)))
    _opportunity(m1, status="lost", created=moment(D(2026, 3, 1)), closed=moment(D(2026, 3, 25)))
    _opportunity(m2, status="won", created=moment(D(2026, 3, 1)), closed=moment(D(2026, 3, 31)))
    # Assigned in March: on a, contacted by the owner 2 days later; on b, 4 days later; on c,
    # contacted only by someone else; one with no customer at all.
    day = datetime.timedelta(days=1)
    for customer, assigned, contact_by, after in (
        (a, moment(D(2026, 3, 2)), m1, 2 * day),
        (b, moment(D(2026, 3, 10)), m1, 4 * day),
        (c, moment(D(2026, 3, 15)), m2, datetime.timedelta(hours=1)),
        (None, moment(D(2026, 3, 20)), None, None),
    ):
        _opportunity(m1, status="assigned", created=assigned, assigned=assigned, customer=customer)
        if contact_by is not None:
            _contact(customer, contact_by, assigned + after)
    # manager2: assigned on x, contacted the next day.
    x_assigned = moment(D(2026, 3, 3))
    _opportunity(m2, status="assigned", created=x_assigned, assigned=x_assigned, customer=x)
    _contact(x, m2, x_assigned + day)
    # Service requests of March: two assigned to the supervisor, one to the assistant, one to
    # nobody; February's assigned to manager3; manager2's customer's to manager2.
    request(a, D(2026, 3, 1), assigned_to=org["supervisor"])
    request(b, D(2026, 3, 2), assigned_to=org["supervisor"])
    request(a, D(2026, 3, 3), assigned_to=org["assistant"])
    request(b, D(2026, 3, 4))
    request(a, D(2026, 2, 4), assigned_to=org["manager3"])
    request(x, D(2026, 3, 4), assigned_to=m2)
    return {"a": a, "b": b, "c": c, "x": x}


def test_repeat_purchase_rate(org, extras):
    """manager1's buyers in March: a (2 orders) and b (1); c's only March order is cancelled.
    1 repeat buyer ÷ 2 buyers = 50.00 %. manager2: x, 2 orders ÷ 1 buyer = 100.00 %."""
    assert _values(org["manager1"])["repeat_purchase_rate"] == Decimal("50.00")
    assert _values(org["manager2"])["repeat_purchase_rate"] == Decimal("100.00")


def test_sales_cycle_is_the_median_of_the_won(org, extras):
    """manager1 won after 2, 18 and 1 days (the lost one does not count): median 2.00 days.
    A fourth after 4 days makes it the mean of the middle two, (2 + 4) ÷ 2 = 3.00.
    manager2 won one after 30 days."""
    assert _values(org["manager1"])["sales_cycle_days"] == Decimal("2.00")
    assert _values(org["manager2"])["sales_cycle_days"] == Decimal("30.00")
    _opportunity(
        org["manager1"],
        status="won",
        created=moment(D(2026, 3, 11)),
        closed=moment(D(2026, 3, 15)),
    )
    assert _values(org["manager1"])["sales_cycle_days"] == Decimal("3.00")


def test_opportunity_response_rate(org, extras):
    """manager1's four opportunities assigned in March: only a's owner contact came within
    RESPONSE_DAYS (2 days; b's after 4, c's by someone else, the fourth has no customer):
    1 ÷ 4 = 25.00 %. manager2: 1 ÷ 1 = 100.00 %. The won ones were never assigned."""
    assert RESPONSE_DAYS == 3
    assert _values(org["manager1"])["opportunity_response_rate"] == Decimal("25.00")
    assert _values(org["manager2"])["opportunity_response_rate"] == Decimal("100.00")


def test_revenue_per_service_rep(org, extras):
    """manager1's March sales: 100 + 200 + 300 = ¥600; March's requests were assigned to the
    supervisor (twice) and the assistant: 2 representatives, ¥600 ÷ 2 = ¥300.00 (February's
    assignee does not count). manager2: ¥2000 ÷ 1."""
    assert _values(org["manager1"])["revenue_per_service_rep"] == Decimal("300.00")
    assert _values(org["manager2"])["revenue_per_service_rep"] == Decimal("2000.00")


def _newcomer(owner, day, source):
    customer = CustomerFactory(owner=owner)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=moment(day), source=entry("source", source) if source else None
    )
    return customer


def test_referral_rate(org, extras):
    """Created in March for manager1: one referred, one from the website, one of no source
    (a, b and c were created today): 1 ÷ 3 = 33.33 %. February: one referred of one, 100.00 %.
    manager2's March: one referred of one; their website customer is from April."""
    m1, m2 = org["manager1"], org["manager2"]
    _newcomer(m1, D(2026, 3, 5), "referral")
    _newcomer(m1, D(2026, 3, 6), "website")
    _newcomer(m1, D(2026, 3, 7), None)
    _newcomer(m1, D(2026, 2, 7), "referral")
    _newcomer(m2, D(2026, 3, 8), "referral")
    _newcomer(m2, D(2026, 4, 8), "website")
    assert _values(org["manager1"])["referral_rate"] == Decimal("33.33")
    february = (D(2026, 2, 1), D(2026, 2, 28))
    assert _values(org["manager1"], february)["referral_rate"] == Decimal("100.00")
    assert _values(m2)["referral_rate"] == Decimal("100.00")


def test_an_empty_scope_and_period_give_dashes(org, extras):
    values = _values(org["manager3"])
    for key in NEW_KEYS:
        assert values[key] is None, key
    # manager1 in January: nothing ordered, won, assigned or requested.
    january = _values(org["manager1"], (D(2026, 1, 1), D(2026, 1, 31)))
    for key in NEW_KEYS:
        assert january[key] is None, key


def test_the_new_kpis_have_translated_definitions(org, extras):
    kpis = {kpi.key: kpi for kpi in KPIS}
    with translation.override("zh-hans"):
        for key in NEW_KEYS:
            assert str(kpis[key].label) != "" and str(kpis[key].definition) != ""
        assert str(kpis["repeat_purchase_rate"].label) == "再购买率"
        assert f"{RESPONSE_DAYS}" in str(kpis["opportunity_response_rate"].definition)


def _query_count(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(actor=user, date_from=MARCH[0], date_to=MARCH[1], with_series=True)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows(org, kpi_data):
    """The new facts are batched aggregates (the repeat buyers one per period): more orders,
    opportunities, interactions and requests leave the count of queries as it was."""
    _query_count(org["manager1"])  # once to fill the per-process caches (the scope's)
    before = _query_count(org["manager1"])
    customers = [CustomerFactory(owner=org["manager1"]) for _ in range(3)]
    for number, customer in enumerate(customers, start=1):
        for month in (1, 2, 3):
            order(customer, D(2026, month, number), "10.00")
        when = moment(D(2026, 3, number))
        _opportunity(org["manager1"], status="won", created=when, closed=when + HOUR)
        _opportunity(
            org["manager1"], status="assigned", created=when, assigned=when, customer=customer
        )
        _contact(customer, org["manager1"], when + HOUR)
        request(customer, D(2026, 3, number), assigned_to=org["supervisor"])
    assert _query_count(org["manager1"]) == before


def test_page_and_api_show_the_new_kpis(login, api, org, extras, english):
    march = "?date_from=2026-03-01&date_to=2026-03-31"
    page = login("manager1").get(reverse("analytics:kpis") + march)
    content = page.content.decode()
    for key in NEW_KEYS:
        assert f'data-kpi="{key}"' in content, key
    assert "Customers with at least two orders in the period" in content
    body = api("manager1").get("/api/kpis/?date_from=2026-03-01&date_to=2026-03-31").json()
    by_key = {row["key"]: row for row in body["kpis"]}
    assert by_key["repeat_purchase_rate"]["value"] == "50.00"
    assert by_key["sales_cycle_days"]["value"] == "2.00"
    assert by_key["opportunity_response_rate"]["value"] == "25.00"
    assert by_key["revenue_per_service_rep"]["value"] == "300.00"
    assert "within 3 days" in by_key["opportunity_response_rate"]["definition"]
