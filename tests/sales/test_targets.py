"""Sales targets 销售目标: period rules, who sets them, achievement, scope, pages and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import Team
from guanxi.core.exceptions import ConflictError
from guanxi.sales.models import Order, Target
from guanxi.sales.selectors import targets as selectors
from guanxi.sales.services import targets as services
from guanxi.sales.services.orders import order_cancel
from tests.sales.fixtures.orders import make_order

D = datetime.date


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


# -- achievement -------------------------------------------------------------------------------


@pytest.fixture
def sales(org, customers, products):
    """Orders in May 2026 (¥270.90 each: a drill ¥199.90 in tools + two wrenches ¥71.00) and
    orders that must not count: cancelled, April, June; an office order of manager2."""
    admin = org["admin"]
    may = D(2026, 5, 10)
    make_order(admin, customers["manager1"], products, order_date=may)
    make_order(admin, customers["manager1"], products, order_date=D(2026, 5, 31))
    cancelled = make_order(admin, customers["manager1"], products, order_date=may)
    order_cancel(actor=admin, order=cancelled, reason="客户取消")
    make_order(admin, customers["manager1"], products, order_date=D(2026, 4, 30))
    make_order(admin, customers["manager1"], products, order_date=D(2026, 6, 1))
    make_order(admin, customers["manager2"], products, order_date=D(2026, 5, 1), status="draft")
    make_order(admin, customers["manager3"], products, order_date=may)
    return products


def _achieved(actor, target):
    return selectors.target_get(actor=actor, pk=target.pk).achieved


def test_rep_achievement_counts_their_orders_in_the_period(org, sales):
    boss = org["supervisor"]
    target = _target(boss, user=org["manager1"], amount=Decimal("1083.60"))
    got = selectors.target_get(actor=boss, pk=target.pk)
    assert got.achieved == Decimal("541.80")  # two May orders; cancelled/April/June left out
    assert got.rate == Decimal("0.5")
    quarter = _target(boss, user=org["manager1"], period_kind="quarter")
    assert _achieved(boss, quarter) == Decimal("1083.60")  # April, May ×2 and June


def test_team_achievement_includes_members_and_sub_teams(org, sales, customers):
    admin = org["admin"]
    east = org["manager1"].team
    sub = Team.objects.create(name="华东一组", parent=east)
    sub.path = f"{east.path}{sub.pk}/"
    sub.save(update_fields=["path"])
    type(org["manager2"]).objects.filter(pk=org["manager2"].pk).update(team=sub)
    target = _target(admin, team=east)
    # manager1 ×2 + manager2's draft (sub-team); manager3 is in the north team.
    assert _achieved(admin, target) == Decimal("812.70")
    assert _achieved(admin, _target(admin, team=sub)) == Decimal("270.90")
    assert _achieved(admin, _target(admin, team=east.parent)) == Decimal("1083.60")


def test_category_achievement_sums_the_category_lines(org, sales):
    admin = org["admin"]
    tools = _target(admin, user=org["manager1"], category=sales["tools"])
    office = _target(admin, user=org["manager1"], category=sales["office"])
    team_tools = _target(admin, team=org["manager1"].team, category=sales["tools"])
    assert _achieved(admin, tools) == Decimal("541.80")
    assert _achieved(admin, office) == Decimal("0.00")
    assert _achieved(admin, team_tools) == Decimal("812.70")


def test_category_achievement_counts_only_its_products(org, customers, products):
    admin = org["admin"]
    lines = [{"product": products["drill"], "quantity": 1}]
    make_order(admin, customers["manager1"], products, order_date=D(2026, 5, 3), lines=lines)
    products["drill"].category = products["office"]
    products["drill"].save()
    office = _target(admin, user=org["manager1"], category=products["office"])
    tools = _target(admin, user=org["manager1"], category=products["tools"])
    assert _achieved(admin, office) == Decimal("199.90")
    assert _achieved(admin, tools) == Decimal("0.00")


def test_deleted_orders_do_not_count(org, sales):
    admin = org["admin"]
    target = _target(admin, user=org["manager1"])
    Order.objects.filter(order_date=D(2026, 5, 31)).update(deleted_at=timezone.now())
    assert _achieved(admin, target) == Decimal("270.90")


def test_rate_of_a_zero_target_is_none(org, sales):
    target = _target(org["admin"], user=org["manager1"], amount=Decimal("0"))
    got = selectors.target_get(actor=org["admin"], pk=target.pk)
    assert got.achieved == Decimal("541.80")
    assert got.rate is None


def test_achievement_without_orders_is_zero(org):
    target = _target(org["admin"], user=org["manager1"])
    got = selectors.target_get(actor=org["admin"], pk=target.pk)
    assert got.achieved == Decimal("0.00")
    assert got.rate == 0


# -- scope -------------------------------------------------------------------------------------


@pytest.fixture
def targets(org):
    admin = org["admin"]
    east, north = org["manager1"].team, org["manager3"].team
    return {
        "m1": _target(admin, user=org["manager1"]),
        "m2": _target(admin, user=org["manager2"]),
        "m3": _target(admin, user=org["manager3"]),
        "sup": _target(admin, user=org["supervisor"]),
        "east": _target(admin, team=east),
        "north": _target(admin, team=north),
        "sales": _target(admin, team=east.parent),
    }


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
    month = _target(admin, user=org["manager1"])
    year = _target(admin, user=org["manager1"], period_kind="year")
    old = _target(admin, user=org["manager1"], period_start=D(2025, 3, 1))
    assert list(selectors.target_list(actor=admin, period_kind="year")) == [year]
    assert set(selectors.target_list(actor=admin, year=2026)) == {month, year}
    assert list(selectors.target_list(actor=admin, year=2025)) == [old]


# -- pages -------------------------------------------------------------------------------------


def test_rep_sees_own_targets_with_achievement_and_rate(org, login, sales, targets):
    response = login("manager1").get(reverse("sales:target_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="target-row"') == 1
    assert f'data-pk="{targets["m1"].pk}"' in page
    assert "¥541.80" in page
    assert "<progress" in page and "54.2%" in page  # 541.80 of 1000.00
    assert 'data-testid="target-create"' not in page
    assert 'data-testid="target-edit"' not in page


def test_supervisor_sees_team_and_reps_and_may_edit_them(org, login, targets):
    response = login("supervisor").get(reverse("sales:target_list"))
    page = response.content.decode()
    assert page.count('data-testid="target-row"') == 4
    assert f'data-pk="{targets["m3"].pk}"' not in page
    assert 'data-testid="target-create"' in page
    # Their own target is shown, but set by their superior: 3 of the 4 rows are editable.
    assert page.count('data-testid="target-edit"') == 3


def test_list_filters_by_period_kind_and_year(org, login):
    admin = org["admin"]
    _target(admin, user=org["manager1"])
    year = _target(admin, user=org["manager1"], period_kind="year")
    client = login("admin")
    page = client.get(reverse("sales:target_list"), {"period_kind": "year", "year": 2026})
    rows = page.content.decode()
    assert rows.count('data-testid="target-row"') == 1 and f'data-pk="{year.pk}"' in rows
    empty = client.get(reverse("sales:target_list"), {"year": 2030}).content.decode()
    assert 'data-testid="target-table-empty"' in empty


def test_list_page_query_count_does_not_grow_with_targets(
    org, login, sales, django_assert_max_num_queries
):
    client = login("supervisor")
    boss = org["supervisor"]
    for month in range(1, 13):
        _target(boss, user=org["manager1"], period_start=D(2026, month, 1))
        _target(boss, user=org["manager2"], period_start=D(2026, month, 1))
        _target(boss, team=org["manager1"].team, period_start=D(2026, month, 1))
    client.get(reverse("sales:target_list"))  # warm caches (session, permissions)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:target_list"))
    assert response.content.decode().count('data-testid="target-row"') == 25


def test_supervisor_creates_a_target_on_the_page(org, login):
    client = login("supervisor")
    assert client.get(reverse("sales:target_create")).status_code == 200
    response = client.post(
        reverse("sales:target_create"),
        {
            "user": org["manager2"].pk,
            "period_kind": "quarter",
            "period_start": "2026-05-17",
            "amount": "30000",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(user=org["manager2"])
    assert (target.period_start, target.amount) == (D(2026, 4, 1), Decimal("30000"))


def test_form_shows_the_duplicate_error(org, login):
    _target(org["supervisor"], user=org["manager2"])
    User = type(org["supervisor"])
    User.objects.filter(pk=org["supervisor"].pk).update(language="en")
    response = login("supervisor").post(
        reverse("sales:target_create"),
        {
            "user": org["manager2"].pk,
            "period_kind": "month",
            "period_start": "2026-05-02",
            "amount": "1",
        },
    )
    assert response.status_code == 200
    assert "already has a target" in response.content.decode()


def test_form_refuses_reps_of_other_teams(org, login):
    response = login("supervisor").post(
        reverse("sales:target_create"),
        {
            "user": org["manager3"].pk,
            "period_kind": "month",
            "period_start": "2026-05-02",
            "amount": "1",
        },
    )
    assert response.status_code == 200
    assert not Target.objects.exists()


@pytest.mark.parametrize("username", ["manager1", "exec", "assistant"])
def test_others_may_not_open_the_create_form(org, login, username):
    assert login(username).get(reverse("sales:target_create")).status_code == 403


def test_edit_and_delete_on_the_pages(org, login, targets):
    client = login("supervisor")
    target = targets["m2"]
    edit = reverse("sales:target_edit", args=[target.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "user": org["manager2"].pk,
            "period_kind": "month",
            "period_start": "2026-05-01",
            "amount": "777",
            "version": target.version,
        },
    )
    assert response.status_code == 302
    assert Target.objects.get(pk=target.pk).amount == Decimal("777")
    stale = client.post(
        edit,
        {
            "user": org["manager2"].pk,
            "period_kind": "month",
            "period_start": "2026-05-01",
            "amount": "1",
            "version": target.version,
        },
    )
    assert stale.status_code == 409
    delete = reverse("sales:target_delete", args=[target.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"version": target.version + 1}).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_pages_hide_and_forbid_other_targets(org, login, targets):
    client = login("supervisor")
    north = reverse("sales:target_edit", args=[targets["m3"].pk])
    assert client.get(north).status_code == 404  # out of scope
    own = reverse("sales:target_edit", args=[targets["sup"].pk])
    assert client.get(own).status_code == 403  # seen, but not theirs to set
    assert (
        login("manager1").get(reverse("sales:target_delete", args=[targets["m1"].pk])).status_code
        == 403
    )


# -- API ---------------------------------------------------------------------------------------

URL = "/api/targets/"


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_api_lists_targets_with_achieved_and_rate(org, api, sales, targets):
    response = api("manager1").get(URL)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == targets["m1"].pk
    assert (row["achieved"], row["rate"], row["period_end"]) == ("541.80", "0.5418", "2026-05-31")
    assert row["subject_name"] == str(org["manager1"])


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("manager1", {"m1"}),
        ("supervisor", {"m1", "m2", "sup", "east"}),
        ("exec", {"m1", "m2", "m3", "sup", "east", "north", "sales"}),
    ],
)
def test_api_scope_per_role(org, api, targets, username, visible):
    assert _ids(api(username).get(URL)) == {targets[name].pk for name in visible}


def test_api_filters_subject_and_period(org, api, targets):
    client = api("admin")
    east = org["manager1"].team
    assert _ids(client.get(URL, {"user": org["manager2"].pk})) == {targets["m2"].pk}
    assert _ids(client.get(URL, {"team": east.pk})) == {targets["east"].pk}
    yearly = _target(org["admin"], user=org["manager1"], period_kind="year")
    assert _ids(client.get(URL, {"period_kind": "year"})) == {yearly.pk}
    assert _ids(client.get(URL, {"year": 2025})) == set()
    assert client.get(URL, {"period_kind": "week"}).status_code == 400


def test_api_create_update_delete(org, api):
    client = api("supervisor")
    created = client.post(
        URL,
        {
            "user": org["manager2"].pk,
            "period_kind": "quarter",
            "period_start": "2026-11-11",
            "amount": "9000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["period_start"], body["period_end"], body["achieved"], body["rate"]) == (
        "2026-10-01",
        "2026-12-31",
        "0.00",
        "0.0000",
    )
    detail = f"{URL}{body['id']}/"
    changed = client.patch(detail, {"amount": "0", "version": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["rate"] is None
    stale = client.patch(detail, {"amount": "5", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


def test_api_duplicate_is_a_field_error(org, api):
    _target(org["supervisor"], user=org["manager2"])
    response = api("supervisor").post(
        URL,
        {
            "user": org["manager2"].pk,
            "period_kind": "month",
            "period_start": "2026-05-09",
            "amount": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "period_start" in str(response.json())


@pytest.mark.parametrize("username", ["manager1", "assistant", "exec"])
def test_api_forbids_writes_to_reps_assistants_and_executives(org, api, targets, username):
    client = api(username)
    payload = {
        "user": org["manager1"].pk,
        "period_kind": "year",
        "period_start": "2026-01-01",
        "amount": "1",
    }
    assert client.post(URL, payload, format="json").status_code == 403
    detail = f"{URL}{targets['m1'].pk}/"
    patch = client.patch(detail, {"amount": "2", "version": 1}, format="json")
    assert patch.status_code == 403
    assert client.delete(detail).status_code == 403
    assert Target.objects.get(pk=targets["m1"].pk).amount == Decimal("1000.00")


def test_api_supervisor_cannot_touch_other_teams(org, api, targets):
    client = api("supervisor")
    north = f"{URL}{targets['m3'].pk}/"
    assert client.patch(north, {"amount": "2", "version": 1}, format="json").status_code == 404
    own = f"{URL}{targets['sup'].pk}/"
    assert client.patch(own, {"amount": "2", "version": 1}, format="json").status_code == 403
    refused = client.post(
        URL,
        {
            "team": org["manager3"].team_id,
            "period_kind": "year",
            "period_start": "2026-01-01",
            "amount": "1",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "team" in str(refused.json())


def test_api_list_query_count_does_not_grow(org, api, sales, django_assert_max_num_queries):
    admin = org["admin"]
    for month in range(1, 13):
        _target(admin, user=org["manager1"], period_start=D(2026, month, 1))
        _target(
            admin,
            team=org["manager1"].team,
            period_start=D(2026, month, 1),
            category=sales["tools"],
        )
    client = api("supervisor")
    client.get(URL)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.json()["results"]) == 24


def test_htmx_filter_swaps_only_the_table(org, login, targets):
    response = login("supervisor").get(
        reverse("sales:target_list"), {"period_kind": "month"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'data-testid="target-table"' in page


def test_executive_reads_but_does_not_write(org, login, targets):
    page = login("exec").get(reverse("sales:target_list")).content.decode()
    assert page.count('data-testid="target-row"') == len(targets)
    assert 'data-testid="target-create"' not in page and 'data-testid="target-edit"' not in page
