"""The home page by role: an account manager's own work, a supervisor's team's, an executive's
company figures — real numbers, within scope, at a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guanxi.customers.models import ChurnCase, Customer
from guanxi.sales.services import opportunities as opportunity_services
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue, make_order
from tests.sales.fixtures.targets import make_target
from tests.service.fixtures.requests import assigned as assigned_request

HOME = reverse("core:home")


@pytest.fixture
def english(org):
    """``english("manager1")``: a client signed in as that user, who reads Guanxi in English."""

    def _client(username: str) -> Client:
        user = org[username]
        user.language = "en"
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        return client

    return _client


def _follow_up_due(owner, name: str) -> Customer:
    """A customer whose owner was told today that it goes back to the pool (no follow-up since)."""
    now = timezone.now()
    return CustomerFactory(
        owner=owner,
        name=name,
        owned_since=now - datetime.timedelta(days=60),
        last_follow_up_at=now - datetime.timedelta(days=40),
        recall_notice_at=now,
    )


def _churn_warning(owner, name: str) -> ChurnCase:
    customer = CustomerFactory(owner=owner, name=name, status=Customer.Status.CHURN_WARNING)
    return ChurnCase.objects.create(customer=customer, owner=owner)


def _section(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}".*?</ul>', page, re.S)
    return found.group(0) if found else ""


def _panels(response) -> list[str]:
    return [block.key for block in response.context["home_blocks"]]


@pytest.fixture
def goods(db):
    return catalogue()


@pytest.fixture
def work(org, customers):
    """Work of manager1 (east team) and of manager3 (north team): follow-ups, churn warnings."""
    return {
        "m1_follow_up": _follow_up_due(org["manager1"], "杭州跟进到期公司"),
        "m3_follow_up": _follow_up_due(org["manager3"], "北京跟进到期公司"),
        "m1_churn": _churn_warning(org["manager1"], "宁波流失预警公司"),
        "m3_churn": _churn_warning(org["manager3"], "天津流失预警公司"),
        # Followed up after the notice: nothing to do.
        "done": CustomerFactory(
            owner=org["manager1"],
            name="已跟进公司",
            recall_notice_at=timezone.now() - datetime.timedelta(days=2),
            last_follow_up_at=timezone.now(),
        ),
    }


def test_an_account_manager_sees_their_own_work(english, work, customers):
    response = english("manager1").get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert _panels(response) == ["customers", "sales", "service"]
    follow_ups = _section(page, "follow-ups")
    assert "杭州跟进到期公司" in follow_ups
    assert "北京跟进到期公司" not in page  # another team's
    assert "已跟进公司" not in follow_ups
    churn = _section(page, "churn-cases")
    assert "宁波流失预警公司" in churn and "天津流失预警公司" not in page
    assert "Churn warning" in churn
    pool = _section(page, "pool-customers")
    assert customers["pool"].name in pool
    assert "Your customers" in page
    assert "The company at a glance" not in page


def test_the_follow_up_figure_links_to_those_customers(english, work):
    client = english("manager1")
    page = client.get(HOME).content.decode()
    href = re.search(r'data-testid="count-follow-ups" href="([^"]+)"', page).group(1)
    listing = client.get(href.replace("&amp;", "&"))
    assert [row.name for row in listing.context["page"].object_list] == ["杭州跟进到期公司"]


def test_a_supervisor_sees_the_team_but_not_another_team(english, work):
    response = english("supervisor").get(HOME)
    page = response.content.decode()
    assert "Your team's customers" in page
    assert "杭州跟进到期公司" in _section(page, "follow-ups")
    assert "宁波流失预警公司" in _section(page, "churn-cases")
    assert "北京跟进到期公司" not in page and "天津流失预警公司" not in page
    assert "Pool customers to assign" in page


def test_an_executive_sees_company_wide_totals_and_no_personal_panel(
    english, org, customers, goods
):
    today = timezone.localdate()
    make_order(org["admin"], customers["manager1"], goods, order_date=today)
    make_order(org["admin"], customers["manager3"], goods, order_date=today)
    response = english("exec").get(HOME)
    page = response.content.decode()
    assert _panels(response) == ["company"]
    panel = response.context["home_blocks"][0].panel
    figures = {figure["key"]: figure for figure in panel["figures"]}
    # Both teams' orders: ¥270.90 each.
    assert figures["sales"]["value"] == Decimal("541.80")
    assert figures["orders"]["value"] == 2
    assert panel["customers"] == len(customers)
    assert "¥541.80" in page
    assert "owned by you" not in page and 'data-testid="count-mine"' not in page
    assert "Your customers" not in page
    svg = re.search(r'data-testid="company-sales".*?(<svg[^>]*>)', page, re.S).group(1)
    assert 'data-points="12"' in svg and 'role="img"' in svg


def test_a_manager_without_customers_is_invited_to_the_pool(english, org, customers):
    Customer.objects.filter(owner=org["manager1"]).update(owner=None)
    page = english("manager1").get(HOME).content.decode()
    assert 'data-testid="no-customers"' in page
    assert "Claim one from the customer pool." in page


def test_this_months_orders_against_the_target(english, org, customers, goods):
    today = timezone.localdate()
    make_order(org["admin"], customers["manager1"], goods, order_date=today)
    make_order(org["admin"], customers["manager2"], goods, order_date=today)
    make_target(org["admin"], user=org["manager1"], period_start=today.replace(day=1))
    page = english("manager1").get(HOME).content.decode()
    target = _section(page, "month-target") or page
    assert "¥270.90 of the ¥1,000.00 target" in target
    assert "(27.1%)" in page
    state = re.search(r'<span class="badge ([\w-]+)" data-testid="target-state">([^<]+)', page)
    assert state.groups() == ("badge-warn", "Not met yet")
    # A month's target reached: the badge turns green.
    make_order(
        org["admin"],
        customers["manager1"],
        goods,
        order_date=today,
        lines=[{"product": goods["drill"], "quantity": 5}],
    )
    page = english("manager1").get(HOME).content.decode()
    state = re.search(r'<span class="badge ([\w-]+)" data-testid="target-state">([^<]+)', page)
    assert state.groups() == ("badge-good", "Target met")


def test_plan_steps_due_today_are_listed(english, org, customers):
    opportunity = opportunity_services.opportunity_create(
        actor=org["manager1"], prospect_name="温州今日拜访公司", probability=30, summary="设备"
    )
    opportunity = opportunity_services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    opportunity_services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=timezone.localdate(), content="拜访"
    )
    page = english("manager1").get(HOME).content.decode()
    assert "温州今日拜访公司" in _section(page, "plan-steps")
    assert "温州今日拜访公司" not in english("manager3").get(HOME).content.decode()


def test_open_requests_with_an_overdue_badge_in_red(english, org, customers):
    late = assigned_request(org, customers, assignee="manager1", summary="逾期未处理的投诉")
    late.resolution_due_at = timezone.now() - datetime.timedelta(hours=2)
    late.save(update_fields=["resolution_due_at"])
    page = english("manager1").get(HOME).content.decode()
    rows = _section(page, "service-requests")
    assert "逾期未处理的投诉" in rows
    assert re.search(r'<span class="badge badge-bad" data-testid="sla-state">Overdue<', rows)
    assert "逾期未处理的投诉" not in english("manager3").get(HOME).content.decode()


@pytest.mark.parametrize(
    ("username", "budget"),
    [("manager1", 22), ("supervisor", 23), ("assistant", 22), ("exec", 13), ("admin", 13)],
)
def test_home_query_count_per_role_does_not_grow(
    english, org, work, goods, username, budget, django_assert_max_num_queries
):
    client = english(username)
    today = timezone.localdate()
    for index in range(8):
        customer = CustomerFactory(owner=org["manager1"])
        _follow_up_due(org["manager1"], f"到期{index}")
        _churn_warning(org["manager2"], f"预警{index}")
        CustomerFactory(owner=None)
        make_order(org["admin"], customer, goods, order_date=today)
    with django_assert_max_num_queries(budget):
        assert client.get(HOME).status_code == 200


def test_company_figures_add_todays_orders_to_the_day_rollup(english, org, customers, goods):
    from guanxi.analytics.services.rollups import day_facts_refresh

    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=5)
    make_order(org["admin"], customers["manager1"], goods, order_date=last_month)
    day_facts_refresh(today=today)  # the rollup covers up to yesterday
    make_order(org["admin"], customers["manager3"], goods, order_date=today)
    response = english("exec").get(HOME)
    sales = response.context["home_blocks"][0].panel["figures"][0]
    assert sales["key"] == "sales"
    assert sales["value"] == Decimal("270.90")  # today's, counted live
    assert sales["previous"] == Decimal("270.90")  # last month's, from the rollup
