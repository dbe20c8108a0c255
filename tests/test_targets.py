"""Sales targets 销售目标: period rules, who sets them, achievement, scope, pages and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.accounts.models import Team
from guanxi.core.exceptions import ConflictError
from guanxi.sales import services_targets as services
from guanxi.sales.models import Target
from tests.orders_helpers import catalogue

D = datetime.date


@pytest.fixture
def products(org):
    return catalogue()


def _target(actor, **fields):
    fields.setdefault("period_kind", "month")
    fields.setdefault("period_start", D(2026, 5, 1))
    fields.setdefault("amount", Decimal("1000.00"))
    return services.target_create(actor=actor, **fields)


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
    target = _target(org["supervisor"], user=org["manager1"], period_kind=kind, period_start=day)
    assert (target.period_start, target.period_end) == (start, end)


def test_one_target_per_subject_category_and_period(org, products):
    boss = org["supervisor"]
    _target(boss, user=org["manager1"], period_start=D(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        _target(boss, user=org["manager1"], period_start=D(2026, 5, 20))  # same month
    assert "period_start" in refused.value.message_dict
    # Another category, another period kind, another rep: all fine.
    _target(boss, user=org["manager1"], category=products["tools"])
    _target(boss, user=org["manager1"], period_kind="quarter")
    _target(boss, user=org["manager2"])
    with pytest.raises(ValidationError):
        _target(boss, user=org["manager1"], category=products["tools"])
    east = org["manager1"].team
    _target(boss, team=east)
    with pytest.raises(ValidationError):
        _target(boss, team=east)


def test_deleted_target_frees_its_period(org):
    boss = org["supervisor"]
    target = _target(boss, user=org["manager1"])
    services.target_delete(actor=boss, target=target)
    assert _target(boss, user=org["manager1"]).pk != target.pk


def test_subject_is_a_rep_or_a_team(org):
    boss = org["supervisor"]
    with pytest.raises(ValidationError) as refused:
        _target(boss)
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _target(boss, user=org["manager1"], team=org["manager1"].team)


def test_amount_must_not_be_negative(org):
    with pytest.raises(ValidationError) as refused:
        _target(org["supervisor"], user=org["manager1"], amount=Decimal("-1"))
    assert "amount" in refused.value.message_dict


def test_errors_are_translated(org):
    with pytest.raises(ValidationError) as refused:
        _target(org["supervisor"], user=org["manager1"], period_kind="week")
    assert refused.value.message_dict["period_kind"]


# -- who sets targets --------------------------------------------------------------------------


def test_supervisor_sets_targets_for_team_and_its_reps_only(org):
    boss = org["supervisor"]
    east = org["manager1"].team
    assert _target(boss, user=org["manager2"]).user == org["manager2"]
    assert _target(boss, team=east).team == east
    with pytest.raises(ValidationError) as refused:
        _target(boss, user=org["manager3"])  # the north team's rep
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _target(boss, team=org["manager3"].team)
    assert "team" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _target(boss, user=boss)  # not their own quota
    with pytest.raises(ValidationError):
        _target(boss, team=east.parent)  # the department above


def test_supervisor_sets_targets_for_sub_teams(org):
    east = org["manager1"].team
    sub = Team.objects.create(name="华东一组", parent=east)
    sub.path = f"{east.path}{sub.pk}/"
    sub.save(update_fields=["path"])
    assert _target(org["supervisor"], team=sub).team == sub


def test_administrator_sets_targets_for_anyone(org):
    admin = org["admin"]
    assert _target(admin, user=org["manager3"]).user == org["manager3"]
    assert _target(admin, user=org["supervisor"]).user == org["supervisor"]
    assert _target(admin, team=org["manager1"].team.parent).team.parent is None


@pytest.mark.parametrize("username", ["manager1", "assistant", "exec"])
def test_reps_assistants_and_executives_set_no_targets(org, username):
    with pytest.raises(PermissionDenied):
        _target(org[username], user=org["manager1"])


def test_supervisor_cannot_change_other_teams_targets(org):
    target = _target(org["admin"], user=org["manager3"])
    with pytest.raises(PermissionDenied):
        services.target_update(actor=org["supervisor"], target=target, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.target_delete(actor=org["supervisor"], target=target)
    with pytest.raises(PermissionDenied):
        services.target_update(actor=org["manager3"], target=target, amount=Decimal("1"))


def test_update_normalises_and_checks_the_version(org):
    boss = org["supervisor"]
    target = _target(boss, user=org["manager1"])
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
    target = _target(boss, user=org["manager1"])
    with pytest.raises(ValidationError) as refused:
        services.target_update(actor=boss, target=target, user=org["manager3"])
    assert "user" in refused.value.message_dict
