"""/api/deals/ and /api/pipeline/: scoped CRUD, the move action, stages and the forecast."""

import datetime
from decimal import Decimal

import pytest

from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.services import opportunities as opportunity_services
from guanxi.sales.services import pipeline as services
from tests.core.fixtures.dictionaries import dictionary

LIST = "/api/deals/"


def url(deal, action="") -> str:
    pk = deal if isinstance(deal, (int, str)) else deal.pk
    return f"{LIST}{pk}/{action + '/' if action else ''}"


def stage(name_en: str) -> PipelineStage:
    return PipelineStage.objects.get(name_en=name_en)


def new_deal(org, customers, owner="manager1", **fields) -> Deal:
    values = {"title": "数据中心扩容", "amount": Decimal("50000.00")}
    values.update(fields)
    return services.deal_create(actor=org[owner], customer=customers[owner], **values)


def error(response) -> dict:
    return response.json()["error"]


VISIBLE = {
    "admin": {"manager1", "manager2", "manager3"},
    "exec": {"manager1", "manager2", "manager3"},
    "supervisor": {"manager1", "manager2"},
    "supervisor2": {"manager3"},
    "manager1": {"manager1"},
    "manager2": {"manager2"},
    "manager3": {"manager3"},
    "assistant": {"manager1"},
}


@pytest.fixture
def spread(org, customers):
    return {owner: new_deal(org, customers, owner, title=owner) for owner in VISIBLE["admin"]}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_lists_and_reads_exactly_its_scope(api, spread, username):
    client = api(username)
    rows = client.get(LIST, {"page_size": 50}).json()["results"]
    assert {row["title"] for row in rows} == VISIBLE[username]
    for name, deal in spread.items():
        response = client.get(url(deal))
        assert response.status_code == (200 if name in VISIBLE[username] else 404), name


def test_list_filters(org, api, spread, customers):
    won = new_deal(org, customers, "manager2", title="won", stage=stage("Won"))
    client = api("supervisor")

    def titles(**params):
        return {row["title"] for row in client.get(LIST, params).json()["results"]}

    assert titles(stage=stage("Won").pk) == {"won"}
    assert titles(owner=org["manager2"].pk) == {"manager2", "won"}
    assert titles(customer=customers["manager1"].pk) == {"manager1"}
    assert client.get(LIST, {"stage": "x"}).status_code == 400
    row = client.get(url(won)).json()
    assert row["stage_name"] == "赢单" and row["won_on"] and row["probability"] == 100


@pytest.mark.parametrize("username", ["admin", "supervisor", "manager1"])
def test_the_list_needs_a_constant_number_of_queries(
    org, customers, api, username, django_assert_max_num_queries
):
    for index in range(30):
        new_deal(
            org, customers, title=f"D{index}", stage=stage("Negotiation" if index % 2 else "Won")
        )
    client = api(username)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"page_size": 50})
    assert response.json()["count"] == 30


# --- create, update, delete -------------------------------------------------------------------


def test_a_manager_creates_a_deal_with_the_stage_probability(api, org, customers):
    response = api("manager1").post(
        LIST,
        {
            "customer": customers["manager1"].pk,
            "title": "云迁移",
            "amount": "250000.00",
            "stage": stage("Proposal and quote").pk,
            "expected_close_date": "2026-08-15",
            "competitors": "阿里云\n腾讯云",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["probability"] == 50 and body["owner"] == org["manager1"].pk
    assert body["amount"] == "250000.00" and body["version"] == 1


def test_create_refusals(english, api, org, customers):
    client = api("manager1")
    other = client.post(
        LIST, {"customer": customers["manager2"].pk, "title": "x", "amount": "1"}, format="json"
    )
    assert other.status_code == 400 and "customer" in error(other)["fields"]
    lost = client.post(
        LIST,
        {
            "customer": customers["manager1"].pk,
            "title": "x",
            "amount": "1",
            "stage": stage("Lost").pk,
        },
        format="json",
    )
    assert lost.status_code == 400 and "lost_reason" in error(lost)["fields"]
    owner = client.post(
        LIST,
        {
            "customer": customers["manager1"].pk,
            "title": "x",
            "amount": "1",
            "owner": org["manager2"].pk,
        },
        format="json",
    )
    assert owner.status_code == 400 and "owner" in error(owner)["fields"]
    forbidden = api("exec").post(
        LIST, {"customer": customers["manager1"].pk, "title": "x", "amount": "1"}, format="json"
    )
    assert forbidden.status_code == 403
    assert not Deal.objects.exists()


def test_update_needs_the_version_and_keeps_the_stage(english, api, org, customers):
    deal = new_deal(org, customers)
    client = api("manager1")
    assert client.patch(url(deal), {"amount": "1.00"}, format="json").status_code == 428
    ok = client.patch(url(deal), {"amount": "60000.00", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url(deal), {"title": "late", "version": 1}, format="json")
    assert stale.status_code == 409
    restage = client.patch(url(deal), {"stage": stage("Won").pk, "version": 2}, format="json")
    assert restage.status_code == 400 and "stage" in error(restage)["fields"]
    assert api("manager2").patch(url(deal), {"version": 2}, format="json").status_code == 404
    assert api("exec").patch(url(deal), {"version": 2}, format="json").status_code == 403


def test_delete(api, org, customers):
    deal = new_deal(org, customers)
    assert api("manager2").delete(url(deal)).status_code == 404
    assert api("exec").delete(url(deal)).status_code == 403
    assert api("manager1").delete(url(deal)).status_code == 204
    assert Deal.all_objects.get(pk=deal.pk).is_deleted


# --- move -------------------------------------------------------------------------------------


def test_move(english, api, org, customers):
    deal = new_deal(org, customers)
    client = api("manager1")
    moved = client.post(url(deal, "move"), {"stage": stage("Negotiation").pk}, format="json")
    assert moved.status_code == 200
    assert moved.json()["stage"] == stage("Negotiation").pk and moved.json()["probability"] == 70
    missing = client.post(url(deal, "move"), {"stage": stage("Lost").pk}, format="json")
    assert missing.status_code == 400 and "lost_reason" in error(missing)["fields"]
    reason = dictionary("lost_reason", "price")
    stale = client.post(
        url(deal, "move"),
        {"stage": stage("Lost").pk, "lost_reason": reason.pk, "version": 1},
        format="json",
    )
    assert stale.status_code == 409
    precondition = client.post(
        url(deal, "move"), {"stage": stage("Won").pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert precondition.status_code == 412
    lost = client.post(
        url(deal, "move"),
        {"stage": stage("Lost").pk, "lost_reason": reason.pk, "version": 2},
        format="json",
    )
    assert lost.status_code == 200
    assert lost.json()["lost_reason"] == reason.pk and lost.json()["lost_on"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("manager1", 200),
        ("supervisor", 200),
        ("assistant", 200),
        ("manager2", 404),
        ("supervisor2", 404),
        ("exec", 403),
    ],
)
def test_who_may_move(api, org, customers, username, status):
    deal = new_deal(org, customers)
    response = api(username).post(url(deal, "move"), {"stage": stage("Won").pk}, format="json")
    assert response.status_code == status
    assert (Deal.objects.get(pk=deal.pk).stage.name_en == "Won") == (status == 200)


# --- stages and forecast ----------------------------------------------------------------------


def test_stages(english, api):
    rows = api("manager1").get("/api/pipeline/stages/").json()
    assert [row["name"] for row in rows][:2] == ["Initial contact", "Needs confirmed"]
    assert [row["probability"] for row in rows] == [10, 30, 50, 70, 100, 0]
    assert rows[4]["is_won"] and rows[5]["is_lost"]
    assert api().get("/api/pipeline/stages/").status_code in (401, 403)


def test_forecast(api, org, customers):
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=datetime.date(2026, 4, 9))
    new_deal(
        org,
        customers,
        "manager2",
        amount=Decimal("400"),
        stage=stage("Proposal and quote"),
        expected_close_date=datetime.date(2026, 4, 1),
    )
    rows = api("supervisor").get("/api/pipeline/forecast/").json()
    assert rows == [
        {
            "month": "2026-04-01",
            "kind": "deal",
            "owner": org["manager1"].pk,
            "owner_username": "manager1",
            "owner_name": "张伟",
            "weighted": "100.00",
            "amount": "1000.00",
            "count": 1,
        },
        {
            "month": "2026-04-01",
            "kind": "deal",
            "owner": org["manager2"].pk,
            "owner_username": "manager2",
            "owner_name": "刘洋",
            "weighted": "200.00",
            "amount": "400.00",
            "count": 1,
        },
    ]
    only = api("supervisor").get("/api/pipeline/forecast/", {"owner": org["manager2"].pk}).json()
    assert [row["owner_username"] for row in only] == ["manager2"]
    assert [r["owner_username"] for r in api("manager1").get("/api/pipeline/forecast/").json()] == [
        "manager1"
    ]
    assert api("manager1").get("/api/pipeline/forecast/", {"owner": "x"}).status_code == 400


def test_the_forecast_api_marks_assigned_opportunities_apart_from_deals(api, org, customers):
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=datetime.date(2026, 4, 9))
    opportunity = opportunity_services.opportunity_create(
        actor=org["manager1"],
        prospect_name="温州鼎盛阀门有限公司",
        summary="阀门集采",
        probability=25,
        expected_amount=Decimal("8000"),
        expected_close_date=datetime.date(2026, 4, 20),
    )
    opportunity_services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    rows = api("manager1").get("/api/pipeline/forecast/").json()
    assert [(r["kind"], r["weighted"], r["amount"]) for r in rows] == [
        ("deal", "100.00", "1000.00"),
        ("opportunity", "2000.00", "8000.00"),
    ]
