"""The sales pipeline 销售漏斗 through its services and selectors.

Stages, deals, moving between stages (rights, scope, version, the lost-reason rule, history),
the weighted forecast, and deals following their customer to a new owner.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.customers.services import customers as customer_services
from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.selectors import pipeline as selectors
from guanxi.sales.services import opportunities as opportunity_services
from guanxi.sales.services import pipeline as services
from tests.core.fixtures.dictionaries import dictionary


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stage(name_en: str) -> PipelineStage:
    return PipelineStage.objects.get(name_en=name_en)


def new_deal(org, customers, actor="manager1", customer=None, **fields) -> Deal:
    values = {"title": "200 台服务器", "amount": Decimal("100000.00")}
    values.update(fields)
    return services.deal_create(actor=org[actor], customer=customers[customer or actor], **values)


def fresh(deal) -> Deal:
    return Deal.all_objects.get(pk=deal.pk)


# -- stages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_stages_are_seeded_in_order_with_probabilities():
    rows = [(s.name_zh, s.probability, s.is_won, s.is_lost) for s in selectors.stage_list()]
    assert rows == [
        ("初步接洽", 10, False, False),
        ("需求确认", 30, False, False),
        ("方案报价", 50, False, False),
        ("商务谈判", 70, False, False),
        ("赢单", 100, True, False),
        ("输单", 0, False, True),
    ]
    assert services.stages_seed_defaults() == 0  # never twice


def test_only_administrators_edit_stages(org):
    for username in ["manager1", "supervisor", "exec", "assistant"]:
        with pytest.raises(PermissionDenied):
            services.stage_create(
                actor=org[username], name_zh="试用", name_en="Trial", probability=40
            )
    made = services.stage_create(
        actor=org["admin"], name_zh="试用", name_en="Trial", order=25, probability=40
    )
    assert [s.name_en for s in selectors.stage_list()][2] == "Trial"
    updated = services.stage_update(
        actor=org["admin"], stage=made, expected_version=made.version, probability=45
    )
    assert updated.probability == 45 and updated.version == 2
    with pytest.raises(ConflictError):
        services.stage_update(actor=org["admin"], stage=made, expected_version=1, probability=50)


def test_a_stage_is_not_both_won_and_lost(org):
    with pytest.raises(ValidationError) as refused:
        services.stage_create(
            actor=org["admin"],
            name_zh="怪",
            name_en="Odd",
            probability=5,
            is_won=True,
            is_lost=True,
        )
    assert "is_lost" in refused.value.message_dict


def test_a_stage_holding_deals_cannot_be_deleted(org, customers):
    deal = new_deal(org, customers)
    with pytest.raises(BusinessRuleError):
        services.stage_delete(actor=org["admin"], stage=deal.stage)
    empty = stage("Negotiation")
    services.stage_delete(actor=org["admin"], stage=empty)
    assert "Negotiation" not in [s.name_en for s in selectors.stage_list()]


# -- creating and editing deals -------------------------------------------------------------------


def test_a_new_deal_starts_in_the_first_stage_with_its_probability(org, customers):
    deal = new_deal(org, customers, expected_close_date=datetime.date(2026, 6, 30))
    assert deal.stage.name_en == "Initial contact"
    assert deal.probability == 10
    assert deal.owner == org["manager1"]
    assert deal.amount == Decimal("100000.00")
    assert deal.version == 1 and deal.created_by == org["manager1"]


def test_the_probability_may_be_overridden(org, customers):
    deal = new_deal(org, customers, stage=stage("Proposal and quote"), probability=65)
    assert deal.probability == 65
    default = new_deal(org, customers, stage=stage("Proposal and quote"))
    assert default.probability == 50


def test_the_owner_defaults_to_the_customers_owner_in_scope(org, customers):
    by_supervisor = new_deal(org, customers, actor="supervisor", customer="manager2")
    assert by_supervisor.owner == org["manager2"]
    by_assistant = new_deal(org, customers, actor="assistant", customer="manager1")
    assert by_assistant.owner == org["manager1"]


def test_a_deal_needs_a_customer_and_owner_in_scope(org, customers):
    with pytest.raises(ValidationError) as refused:
        new_deal(org, customers, customer="manager2")  # manager1 does not see it
    assert "customer" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        new_deal(org, customers, owner=org["manager2"])
    assert "owner" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        new_deal(org, customers, title="  ")
    assert "title" in refused.value.message_dict
    assert not Deal.objects.exists()


def test_executives_cannot_create_deals(org, customers):
    with pytest.raises(PermissionDenied):
        services.deal_create(
            actor=org["exec"], customer=customers["manager1"], title="x", amount=Decimal(1)
        )


def test_competitors_are_kept_one_per_line(org, customers):
    deal = new_deal(org, customers, competitors=" 华为 \n\n 浪潮\n")
    assert deal.competitor_list == ["华为", "浪潮"]


def test_a_deal_created_in_a_lost_stage_needs_a_reason(org, customers):
    with pytest.raises(ValidationError) as refused:
        new_deal(org, customers, stage=stage("Lost"))
    assert "lost_reason" in refused.value.message_dict


def test_editing_checks_the_version_and_scope(org, customers):
    deal = new_deal(org, customers)
    saved = services.deal_update(
        actor=org["manager1"], deal=deal, expected_version=1, amount=Decimal("5.50")
    )
    assert saved.amount == Decimal("5.50") and saved.version == 2
    with pytest.raises(ConflictError):
        services.deal_update(actor=org["manager1"], deal=deal, expected_version=1, title="old")
    with pytest.raises(Deal.DoesNotExist):
        services.deal_update(actor=org["manager2"], deal=deal, title="not mine")
    assert fresh(deal).title == "200 台服务器"


def test_deleting_moves_to_the_recycle_bin(org, customers):
    deal = new_deal(org, customers)
    services.deal_delete(actor=org["manager1"], deal=deal, expected_version=1)
    assert not selectors.deal_list(actor=org["manager1"]).exists()
    assert fresh(deal).is_deleted


# -- moving between stages ------------------------------------------------------------------


def test_moving_sets_the_stage_probability_and_writes_history(org, customers):
    deal = new_deal(org, customers, probability=15)
    moved = services.deal_move(
        actor=org["manager1"], deal=deal, stage=stage("Negotiation"), expected_version=1
    )
    assert moved.stage.name_en == "Negotiation"
    assert fresh(deal).probability == 70 and fresh(deal).version == 2
    last = fresh(deal).history.order_by("-history_id").first()
    assert last.history_change_reason == "Moved from “Initial contact” to “Negotiation”"
    assert last.history_user == org["manager1"]


def test_moving_to_a_lost_stage_requires_a_lost_reason(org, customers):
    deal = new_deal(org, customers)
    with pytest.raises(ValidationError) as refused:
        services.deal_move(actor=org["manager1"], deal=deal, stage=stage("Lost"))
    assert "lost_reason" in refused.value.message_dict
    assert fresh(deal).stage.name_en == "Initial contact"
    with pytest.raises(ValidationError):
        services.deal_move(
            actor=org["manager1"],
            deal=deal,
            stage=stage("Lost"),
            lost_reason=dictionary("source", "exhibition"),  # not a lost reason
        )
    reason = dictionary("lost_reason", "price")
    lost = services.deal_move(
        actor=org["manager1"], deal=deal, stage=stage("Lost"), lost_reason=reason
    )
    assert lost.lost_reason == reason
    assert lost.lost_on == timezone.localdate() and lost.won_on is None
    assert lost.probability == 0


def test_winning_records_the_date_and_reopening_clears_it(org, customers):
    deal = new_deal(org, customers)
    won = services.deal_move(actor=org["manager1"], deal=deal, stage=stage("Won"))
    assert won.won_on == timezone.localdate() and won.probability == 100
    reopened = services.deal_move(actor=org["manager1"], deal=won, stage=stage("Negotiation"))
    assert reopened.won_on is None and reopened.lost_on is None


def test_a_stale_version_is_a_conflict(org, customers):
    deal = new_deal(org, customers)
    services.deal_move(actor=org["manager1"], deal=deal, stage=stage("Needs confirmed"))
    with pytest.raises(ConflictError):
        services.deal_move(
            actor=org["supervisor"], deal=deal, stage=stage("Won"), expected_version=1
        )
    assert fresh(deal).stage.name_en == "Needs confirmed"


@pytest.mark.parametrize(
    ("username", "outcome"),
    [
        ("manager1", "moved"),  # the owner
        ("supervisor", "moved"),  # the owner's team supervisor
        ("assistant", "moved"),  # supports manager1
        ("admin", "moved"),
        ("manager2", "hidden"),  # same team, not theirs
        ("supervisor2", "hidden"),  # another team
        ("manager3", "hidden"),
        ("exec", "forbidden"),  # sees everything, changes nothing
    ],
)
def test_who_may_move_a_deal(org, customers, username, outcome):
    deal = new_deal(org, customers)
    target = stage("Proposal and quote")
    if outcome == "moved":
        assert services.deal_move(actor=org[username], deal=deal, stage=target).stage == target
    elif outcome == "hidden":
        with pytest.raises(Deal.DoesNotExist):
            services.deal_move(actor=org[username], deal=deal, stage=target)
    else:
        with pytest.raises(PermissionDenied):
            services.deal_move(actor=org[username], deal=deal, stage=target)
    if outcome != "moved":
        assert fresh(deal).stage.name_en == "Initial contact"


def test_scope_of_the_deal_list_per_role(org, customers):
    mine = new_deal(org, customers)
    theirs = new_deal(org, customers, actor="manager2")
    north = new_deal(org, customers, actor="manager3")
    seen = {
        username: set(selectors.deal_list(actor=org[username]))
        for username in ["manager1", "manager2", "supervisor", "supervisor2", "assistant", "exec"]
    }
    assert seen["manager1"] == {mine}
    assert seen["manager2"] == {theirs}
    assert seen["supervisor"] == {mine, theirs}
    assert seen["supervisor2"] == {north}
    assert seen["assistant"] == {mine}
    assert seen["exec"] == {mine, theirs, north}


# -- board and forecast ---------------------------------------------------------------------------


def test_the_board_sums_each_column_within_scope(org, customers):
    new_deal(org, customers, amount=Decimal("100.10"))
    new_deal(org, customers, amount=Decimal("200.20"))
    new_deal(org, customers, amount=Decimal("50"), stage=stage("Won"))
    new_deal(org, customers, actor="manager2", amount=Decimal("999"))
    columns = {c.stage.name_en: c for c in selectors.board(actor=org["manager1"])}
    assert len(columns) == 6
    assert columns["Initial contact"].total == Decimal("300.30")
    assert columns["Initial contact"].count == 2
    assert [d.amount for d in columns["Initial contact"].deals] == [
        Decimal("200.20"),
        Decimal("100.10"),
    ]
    assert columns["Won"].total == Decimal("50.00")
    assert columns["Lost"].count == 0
    supervisor = {c.stage.name_en: c for c in selectors.board(actor=org["supervisor"])}
    assert supervisor["Initial contact"].total == Decimal("1299.30")
    filtered = selectors.board(actor=org["supervisor"], owner=org["manager2"])
    assert filtered[0].total == Decimal("999.00")


def test_the_forecast_weights_amounts_by_probability_per_month_and_owner(org, customers):
    june, july = datetime.date(2026, 6, 5), datetime.date(2026, 7, 20)
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=june)  # 10% → 100
    new_deal(  # 70% → 2100
        org,
        customers,
        amount=Decimal("3000"),
        stage=stage("Negotiation"),
        expected_close_date=datetime.date(2026, 6, 28),
    )
    new_deal(  # override 33% → 33.33
        org, customers, amount=Decimal("101"), probability=33, expected_close_date=july
    )
    new_deal(  # won counts in full
        org,
        customers,
        actor="manager2",
        amount=Decimal("500"),
        stage=stage("Won"),
        expected_close_date=july,
    )
    new_deal(  # lost: left out
        org,
        customers,
        amount=Decimal("7000"),
        stage=stage("Lost"),
        lost_reason=dictionary("lost_reason", "price"),
        expected_close_date=june,
    )
    new_deal(org, customers, amount=Decimal("8000"))  # no close date: left out
    rows = selectors.forecast_rows(actor=org["supervisor"])
    got = [(r["month"], r["owner_username"], r["weighted"], r["count"]) for r in rows]
    assert got == [
        (datetime.date(2026, 6, 1), "manager1", Decimal("2200.00"), 2),
        (datetime.date(2026, 7, 1), "manager1", Decimal("33.33"), 1),
        (datetime.date(2026, 7, 1), "manager2", Decimal("500.00"), 1),
    ]
    mine = selectors.forecast_rows(actor=org["manager1"])
    assert {r["owner_username"] for r in mine} == {"manager1"}
    table = selectors.forecast_table(actor=org["supervisor"])
    assert table["total"] == Decimal("2733.33")
    assert [row["total"] for row in table["rows"]] == [Decimal("2200.00"), Decimal("533.33")]
    assert table["owner_totals"] == [Decimal("2233.33"), Decimal("500.00")]


def _opportunity(org, *, amount, probability, close, assignee="manager1"):
    opportunity = opportunity_services.opportunity_create(
        actor=org["manager1"],
        prospect_name="宁波远航物流有限公司",
        summary="仓储系统",
        probability=probability,
        expected_amount=amount,
        expected_close_date=close,
    )
    return opportunity_services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org[assignee]
    )


def test_assigned_opportunities_count_in_the_forecast_at_their_probability_apart_from_deals(
    org, customers
):
    june = datetime.date(2026, 6, 10)
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=june)  # 10% → 100
    _opportunity(org, amount=Decimal("20000"), probability=30, close=june)  # → 6000
    _opportunity(org, amount=Decimal("5000"), probability=50, close=june, assignee="manager2")
    unassigned = opportunity_services.opportunity_create(  # not assigned yet: left out
        actor=org["manager1"],
        prospect_name="未指派",
        summary="x",
        probability=90,
        expected_amount=Decimal("99999"),
        expected_close_date=june,
    )
    _opportunity(org, amount=None, probability=80, close=june)  # no amount: left out
    won = _opportunity(org, amount=Decimal("7000"), probability=60, close=june)
    opportunity_services.opportunity_succeed(actor=org["manager1"], opportunity=won)  # left out

    rows = selectors.forecast_rows(actor=org["supervisor"])
    got = [(r["owner_username"], r["kind"], r["weighted"], r["amount"], r["count"]) for r in rows]
    assert got == [
        ("manager1", "deal", Decimal("100.00"), Decimal("1000.00"), 1),
        ("manager1", "opportunity", Decimal("6000.00"), Decimal("20000.00"), 1),
        ("manager2", "opportunity", Decimal("2500.00"), Decimal("5000.00"), 1),
    ]
    assert unassigned.pk
    only = selectors.forecast_rows(actor=org["supervisor"], owner=org["manager2"])
    assert [(r["owner_username"], r["kind"]) for r in only] == [("manager2", "opportunity")]
    # Within the reader's scope: manager2 neither owns the deal nor created or was given the rest.
    assert [
        (r["owner_username"], r["kind"]) for r in selectors.forecast_rows(actor=org["manager2"])
    ] == [("manager2", "opportunity")]
    table = selectors.forecast_table(actor=org["supervisor"])
    (row,) = table["rows"]
    assert row["cells"] == [Decimal("100.00"), Decimal("0.00")]
    assert row["opportunity_cells"] == [Decimal("6000.00"), Decimal("2500.00")]
    assert (table["deals_total"], table["opportunities_total"], table["total"]) == (
        Decimal("100.00"),
        Decimal("8500.00"),
        Decimal("8600.00"),
    )
    assert table["owner_totals"] == [Decimal("6100.00"), Decimal("2500.00")]


def test_the_forecast_takes_three_queries_however_many_deals_and_opportunities(
    org, customers, django_assert_num_queries
):
    for month in range(1, 6):
        close = datetime.date(2026, month, 1)
        new_deal(org, customers, expected_close_date=close)
        _opportunity(org, amount=Decimal("100"), probability=50, close=close)
    actor = type(org["admin"]).objects.get(pk=org["admin"].pk)
    actor.has_perm("x")  # load the rights first
    with django_assert_num_queries(3):
        rows = selectors.forecast_rows(actor=actor)
    assert len(rows) == 10


# -- the customer changes hands ---------------------------------------------------------------


def test_reassigning_a_customer_moves_its_open_deals(org, customers):
    open_deal = new_deal(org, customers)
    won = new_deal(org, customers, stage=stage("Won"))
    customer_services.customer_reassign(
        actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
    )
    assert fresh(open_deal).owner == org["manager2"]
    assert fresh(won).owner == org["manager1"]
    last = fresh(open_deal).history.order_by("-history_id").first()
    assert last.history_change_reason == "Moved with the customer to " + str(org["manager2"])
