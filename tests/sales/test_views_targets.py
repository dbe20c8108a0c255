"""The sales target pages 销售目标: list, forms and achievement, per role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.sales.models import Target
from tests.sales.fixtures.targets import make_target

D = datetime.date


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
    make_target(admin, user=org["manager1"])
    year = make_target(admin, user=org["manager1"], period_kind="year")
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
        make_target(boss, user=org["manager1"], period_start=D(2026, month, 1))
        make_target(boss, user=org["manager2"], period_start=D(2026, month, 1))
        make_target(boss, team=org["manager1"].team, period_start=D(2026, month, 1))
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
    make_target(org["supervisor"], user=org["manager2"])
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
