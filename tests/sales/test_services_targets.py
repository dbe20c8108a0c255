"""Sales targets 销售目标 through the services and selectors: period rules, who sets them,
achievement, scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.accounts.models import Team
from guanxi.core.exceptions import ConflictError
from guanxi.sales.models import Order, Target
from guanxi.sales.selectors import targets as selectors
from guanxi.sales.services import targets as services
from tests.sales.fixtures.orders import make_order
from tests.sales.fixtures.targets import make_target

D = datetime.date


# -- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("month", D(2026, 2, 17), D(2026, 2, 1), D(2026, 2, 28)),
        ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", D(2026, 5, 20), D(2026, 4, 1), D(2026, 6, 30)),
        ("quarter", D(2026, 11, 2), D(2026, 10, 1), D(2026, 12, 31)),
        ("year", D(2026, 7, 4), D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_period_start_is_normalised(org, kind, day, start, end):
    target = make_target(
        org["supervisor"], user=org["manager1"], period_kind=kind, period_start=day
    )
    assert (target.period_start, target.period_end) == (start, end)


def test_one_target_per_subject_category_and_period(org, products):
    boss = org["supervisor"]
    make_target(boss, user=org["manager1"], period_start=D(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        make_target(boss, user=org["manager1"], period_start=D(2026, 5, 20))  # same month
    assert "period_start" in refused.value.message_dict
    # Another category, another period kind, another rep: all fine.
    make_target(boss, user=org["manager1"], category=products["tools"])
    make_target(boss, user=org["manager1"], period_kind="quarter")
    make_target(boss, user=org["manager2"])
    with pytest.raises(ValidationError):
        make_target(boss, user=org["manager1"], category=products["tools"])
    east = org["manager1"].team
    make_target(boss, team=east)
    with pytest.raises(ValidationError):
        make_target(boss, team=east)


def test_deleted_target_frees_its_period(org):
    boss = org["supervisor"]
    target = make_target(boss, user=org["manager1"])
    services.target_delete(actor=boss, target=target)
    assert make_target(boss, user=org["manager1"]).pk != target.pk


def test_subject_is_a_rep_or_a_team(org):
    boss = org["supervisor"]
    with pytest.raises(ValidationError) as refused:
        make_target(boss)
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError):
        make_target(boss, user=org["manager1"], team=org["manager1"].team)


def test_amount_must_not_be_negative(org):
    with pytest.raises(ValidationError) as refused:
        make_target(org["supervisor"], user=org["manager1"], amount=Decimal("-1"))
    assert "amount" in refused.value.message_dict


def test_errors_are_translated(org):
    with pytest.raises(ValidationError) as refused:
        make_target(org["supervisor"], user=org["manager1"], period_kind="week")
    assert refused.value.message_dict["period_kind"]


# -- who sets targets --------------------------------------------------------------------------


def test_supervisor_sets_targets_for_team_and_its_reps_only(org):
    boss = org["supervisor"]
    east = org["manager1"].team
    assert make_target(boss, user=org["manager2"]).user == org["manager2"]
    assert make_target(boss, team=east).team == east
    with pytest.raises(ValidationError) as refused:
        make_target(boss, user=org["manager3"])  # the north team's rep
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_target(boss, team=org["manager3"].team)
    assert "team" in refused.value.message_dict
    with pytest.raises(ValidationError):
        make_target(boss, user=boss)  # not their own quota
    with pytest.raises(ValidationError):
        make_target(boss, team=east.parent)  # the department above


def test_supervisor_sets_targets_for_sub_teams(org):
    east = org["manager1"].team
    sub = Team.objects.create(name="华东一组", parent=east)
    sub.path = f"{east.path}{sub.pk}/"
    sub.save(update_fields=["path"])
    assert make_target(org["supervisor"], team=sub).team == sub


def test_administrator_sets_targets_for_anyone(org):
    admin = org["admin"]
    assert make_target(admin, user=org["manager3"]).user == org["manager3"]
    assert make_target(admin, user=org["supervisor"]).user == org["supervisor"]
    assert make_target(admin, team=org["manager1"].team.parent).team.parent is None


@pytest.mark.parametrize("username", ["manager1", "assistant", "exec"])
def test_reps_assistants_and_executives_set_no_targets(org, username):
    with pytest.raises(PermissionDenied):
        make_target(org[username], user=org["manager1"])


def test_supervisor_cannot_change_other_teams_targets(org):
    target = make_target(org["admin"], user=org["manager3"])
    with pytest.raises(PermissionDenied):
        services.target_update(actor=org["supervisor"], target=target, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.target_delete(actor=org["supervisor"], target=target)
    with pytest.raises(PermissionDenied):
        services.target_update(actor=org["manager3"], target=target, amount=Decimal("1"))


def test_update_normalises_and_checks_the_version(org):
    boss = org["supervisor"]
    target = make_target(boss, user=org["manager1"])
    saved = services.target_update(
        actor=boss,
        target=target,
        expected_version=target.version,
        period_kind="quarter",
        period_start=D(2026, 8, 9),
        amount=Decimal("5000"),
    )
    assert (saved.period_start, saved.period_end, saved.version) == (
        D(2026, 7, 1),
        D(2026, 9, 30),
        2,
    )
    with pytest.raises(ConflictError):
        services.target_update(actor=boss, target=target, expected_version=1, amount=Decimal("1"))
    with pytest.raises(ConflictError):
        services.target_delete(actor=boss, target=target, expected_version=1)
    assert Target.objects.get(pk=target.pk).amount == Decimal("5000")


def test_update_cannot_move_a_target_out_of_the_team(org):
    boss = org["supervisor"]
    target = make_target(boss, user=org["manager1"])
    with pytest.raises(ValidationError) as refused:
        services.target_update(actor=boss, target=target, user=org["manager3"])
    assert "user" in refused.value.message_dict


# -- achievement -------------------------------------------------------------------------------


def _achieved(actor, target):
    return selectors.target_get(actor=actor, pk=target.pk).achieved


def test_rep_achievement_counts_their_orders_in_the_period(org, sales):
    boss = org["supervisor"]
    target = make_target(boss, user=org["manager1"], amount=Decimal("1083.60"))
    got = selectors.target_get(actor=boss, pk=target.pk)
    assert got.achieved == Decimal("541.80")  # two May orders; cancelled/April/June left out
    assert got.rate == Decimal("0.5")
    quarter = make_target(boss, user=org["manager1"], period_kind="quarter")
    assert _achieved(boss, quarter) == Decimal("1083.60")  # April, May ×2 and June


def test_team_achievement_includes_members_and_sub_teams(org, sales, customers):
    admin = org["admin"]
    east = org["manager1"].team
    sub = Team.objects.create(name="华东一组", parent=east)
    sub.path = f"{east.path}{sub.pk}/"
    sub.save(update_fields=["path"])
    type(org["manager2"]).objects.filter(pk=org["manager2"].pk).update(team=sub)
    target = make_target(admin, team=east)
    # manager1 ×2 + manager2's draft (sub-team); manager3 is in the north team.
    assert _achieved(admin, target) == Decimal("812.70")
    assert _achieved(admin, make_target(admin, team=sub)) == Decimal("270.90")
    assert _achieved(admin, make_target(admin, team=east.parent)) == Decimal("1083.60")


def test_category_achievement_sums_the_category_lines(org, sales):
    admin = org["admin"]
    tools = make_target(admin, user=org["manager1"], category=sales["tools"])
    office = make_target(admin, user=org["manager1"], category=sales["office"])
    team_tools = make_target(admin, team=org["manager1"].team, category=sales["tools"])
    assert _achieved(admin, tools) == Decimal("541.80")
    assert _achieved(admin, office) == Decimal("0.00")
    assert _achieved(admin, team_tools) == Decimal("812.70")


def test_category_achievement_counts_only_its_products(org, customers, products):
    admin = org["admin"]
    lines = [{"product": products["drill"], "quantity": 1}]
    make_order(admin, customers["manager1"], products, order_date=D(2026, 5, 3), lines=lines)
    products["drill"].category = products["office"]
    products["drill"].save()
    office = make_target(admin, user=org["manager1"], category=products["office"])
    tools = make_target(admin, user=org["manager1"], category=products["tools"])
    assert _achieved(admin, office) == Decimal("199.90")
    assert _achieved(admin, tools) == Decimal("0.00")


def test_deleted_orders_do_not_count(org, sales):
    admin = org["admin"]
    target = make_target(admin, user=org["manager1"])
    Order.objects.filter(order_date=D(2026, 5, 31)).update(deleted_at=timezone.now())
    assert _achieved(admin, target) == Decimal("270.90")


def test_rate_of_a_zero_target_is_none(org, sales):
    target = make_target(org["admin"], user=org["manager1"], amount=Decimal("0"))
    got = selectors.target_get(actor=org["admin"], pk=target.pk)
    assert got.achieved == Decimal("541.80")
    assert got.rate is None


def test_achievement_without_orders_is_zero(org):
    target = make_target(org["admin"], user=org["manager1"])
    got = selectors.target_get(actor=org["admin"], pk=target.pk)
    assert got.achieved == Decimal("0.00")
    assert got.rate == 0


# -- scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("manager1", {"m1"}),
        ("manager3", {"m3"}),
        ("assistant", {"m1"}),
        ("supervisor", {"m1", "m2", "sup", "east"}),
        ("supervisor2", {"m3", "north"}),
        ("exec", {"m1", "m2", "m3", "sup", "east", "north", "sales"}),
        ("admin", {"m1", "m2", "m3", "sup", "east", "north", "sales"}),
    ],
)
def test_scope_per_role(org, targets, username, visible):
    names = {target.pk: name for name, target in targets.items()}
    seen = {names[t.pk] for t in selectors.target_list(actor=org[username])}
    assert seen == visible


def test_list_filters_period_kind_and_year(org):
    admin = org["admin"]
    month = make_target(admin, user=org["manager1"])
    year = make_target(admin, user=org["manager1"], period_kind="year")
    old = make_target(admin, user=org["manager1"], period_start=D(2025, 3, 1))
    assert list(selectors.target_list(actor=admin, period_kind="year")) == [year]
    assert set(selectors.target_list(actor=admin, year=2026)) == {month, year}
    assert list(selectors.target_list(actor=admin, year=2025)) == [old]
