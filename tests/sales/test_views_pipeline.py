"""The pipeline pages: the kanban board, moving cards (htmx and plain forms), deal pages, the
forecast and the stage settings."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from guanxi.sales.models import Deal, PipelineStage
from guanxi.sales.services import opportunities as opportunity_services
from guanxi.sales.services import pipeline as services
from tests.core.fixtures.dictionaries import dictionary

BOARD = reverse("sales:pipeline_board")
CREATE = reverse("sales:deal_create")
FORECAST = reverse("sales:pipeline_forecast")
STAGES = reverse("sales:stage_list")


def stage(name_en: str) -> PipelineStage:
    return PipelineStage.objects.get(name_en=name_en)


def new_deal(org, customers, owner="manager1", **fields) -> Deal:
    values = {"title": "ERP 升级", "amount": Decimal("120000.00")}
    values.update(fields)
    return services.deal_create(actor=org[owner], customer=customers[owner], **values)


def card_pks(response) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'data-testid="deal-card-(\d+)"', response.content.decode())
    }


def column_of(response, deal) -> int:
    """The stage id of the column holding ``deal``'s card."""
    html = response.content.decode()
    position = html.index(f'data-testid="deal-card-{deal.pk}"')
    return int(re.findall(r'data-testid="kanban-column-(\d+)"', html[:position])[-1])


# -- the board ---------------------------------------------------------------------------------


def test_the_board_shows_a_column_per_stage_with_the_deals_in_scope(english, org, customers, login):
    mine = new_deal(org, customers)
    new_deal(org, customers, amount=Decimal("30000"), stage=stage("Negotiation"))
    theirs = new_deal(org, customers, owner="manager2")
    response = login("manager1").get(BOARD)
    assert response.status_code == 200
    body = response.content.decode()
    for each in PipelineStage.objects.all():
        assert f'data-testid="kanban-column-{each.pk}"' in body
    assert mine.pk in card_pks(response) and theirs.pk not in card_pks(response)
    assert column_of(response, mine) == stage("Initial contact").pk
    total = re.search(
        rf'data-testid="column-total-{stage("Initial contact").pk}">([^<]+)<', body
    ).group(1)
    assert total == "¥120,000.00"
    assert 'data-nav="pipeline" aria-current="page"' in body
    assert "kanban.js" in body


def test_the_supervisor_filters_the_board_by_owner(english, org, customers, login):
    one = new_deal(org, customers)
    two = new_deal(org, customers, owner="manager2")
    client = login("supervisor")
    assert card_pks(client.get(BOARD)) == {one.pk, two.pk}
    filtered = client.get(BOARD, {"owner": org["manager2"].pk})
    assert card_pks(filtered) == {two.pk}
    partial = client.get(BOARD, {"owner": org["manager2"].pk}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="kanban-board"')


def test_the_board_needs_a_constant_number_of_queries(
    org, customers, login, django_assert_max_num_queries
):
    new_deal(org, customers)
    client = login("supervisor")
    client.get(BOARD)  # warm the session and permission caches
    # Session, rights, stages, the column totals, and one LIMITed read per stage (six).
    with django_assert_max_num_queries(19) as few:
        client.get(BOARD)
    for index in range(12):
        new_deal(
            org,
            customers,
            owner="manager2" if index % 2 else "manager1",
            title=f"D{index}",
            stage=stage("Proposal and quote" if index % 3 else "Needs confirmed"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(BOARD)
    assert len(card_pks(response)) == 13


def test_pages_need_the_rights(db, client, org, customers, login):
    assert client.get(BOARD).status_code == 302  # to the sign-in page
    deal = new_deal(org, customers)
    assert login("manager2").get(deal.get_absolute_url()).status_code == 404
    assert login("exec").get(deal.get_absolute_url()).status_code == 200
    assert login("exec").get(CREATE).status_code == 403
    move = reverse("sales:deal_move", args=[deal.pk])
    assert login("exec").post(move, {"stage": stage("Won").pk}).status_code == 403
    assert login("manager2").post(move, {"stage": stage("Won").pk}).status_code == 404
    assert Deal.objects.get(pk=deal.pk).stage.name_en == "Initial contact"
    for username in ["manager1", "supervisor", "exec"]:
        assert login(username).get(STAGES).status_code == 403
    assert login("admin").get(STAGES).status_code == 200


# -- moving ------------------------------------------------------------------------------------


def test_moving_with_htmx_swaps_the_board(english, org, customers, login):
    deal = new_deal(org, customers)
    response = login("manager1").post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage("Negotiation").pk, "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="kanban-board"')
    assert column_of(response, deal) == stage("Negotiation").pk
    assert Deal.objects.get(pk=deal.pk).probability == 70


def test_moving_without_javascript_redirects_to_the_board(english, org, customers, login):
    deal = new_deal(org, customers)
    client = login("manager1")
    response = client.post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": stage("Won").pk, "version": 1}
    )
    assert response.status_code == 302 and response.url == BOARD
    assert "moved to “Won”" in client.get(BOARD).content.decode()


def test_a_lost_move_without_reason_is_refused_with_the_reason(english, org, customers, login):
    deal = new_deal(org, customers)
    url = reverse("sales:deal_move", args=[deal.pk])
    client = login("manager1")
    response = client.post(url, {"stage": stage("Lost").pk, "version": 1}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-testid="move-error"' in body and "Choose why the deal was lost" in body
    assert column_of(response, deal) == stage("Initial contact").pk
    reason = dictionary("lost_reason", "price")
    response = client.post(
        url,
        {"stage": stage("Lost").pk, "lost_reason": reason.pk, "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert column_of(response, deal) == stage("Lost").pk
    assert Deal.objects.get(pk=deal.pk).lost_reason == reason


def test_a_stale_move_is_refused_as_a_conflict(english, org, customers, login):
    deal = new_deal(org, customers)
    services.deal_move(actor=org["supervisor"], deal=deal, stage=stage("Needs confirmed"))
    response = login("manager1").post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage("Won").pk, "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else changed this deal" in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).stage.name_en == "Needs confirmed"


# -- deal pages --------------------------------------------------------------------------------


def test_creating_a_deal(english, org, customers, login):
    client = login("manager1")
    assert client.get(CREATE).status_code == 200
    response = client.post(
        CREATE,
        {
            "customer": customers["manager1"].pk,
            "title": "年度维保",
            "stage": stage("Proposal and quote").pk,
            "amount": "88000.50",
            "probability": "",
            "expected_close_date": "2026-09-30",
            "competitors": "华为\n浪潮",
        },
    )
    deal = Deal.objects.get(title="年度维保")
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    assert deal.probability == 50 and deal.owner == org["manager1"]
    assert deal.amount == Decimal("88000.50")
    assert deal.expected_close_date == datetime.date(2026, 9, 30)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "华为, 浪潮" in page and "Proposal and quote" in page


def test_the_form_refuses_a_customer_out_of_scope(english, org, customers, login):
    response = login("manager1").post(
        CREATE, {"customer": customers["manager2"].pk, "title": "x", "amount": "1"}
    )
    assert response.status_code == 200
    assert "this one is not available to you" in response.content.decode()
    assert not Deal.objects.exists()


def test_editing_a_deal_with_a_stale_version_is_a_conflict(english, org, customers, login):
    deal = new_deal(org, customers)
    url = reverse("sales:deal_edit", args=[deal.pk])
    client = login("manager1")
    form = client.get(url)
    assert form.status_code == 200 and customers["manager1"].code in form.content.decode()
    data = {
        "customer": customers["manager1"].pk,
        "title": "ERP 二期",
        "owner": org["manager1"].pk,
        "amount": "130000",
        "probability": "20",
        "expected_close_date": "",
        "competitors": "",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    saved = Deal.objects.get(pk=deal.pk)
    assert (saved.title, saved.probability, saved.version) == ("ERP 二期", 20, 2)
    stale = client.post(url, {**data, "title": "late"})
    assert stale.status_code == 409
    assert Deal.objects.get(pk=deal.pk).title == "ERP 二期"


def test_the_detail_page_moves_and_shows_history(english, org, customers, login):
    deal = new_deal(org, customers)
    client = login("manager1")
    response = client.post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": stage("Won").pk, "version": 1, "next": "detail"},
    )
    assert response.url == deal.get_absolute_url()
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-field="won_on"' in page
    assert "Moved from “Initial contact” to “Won”" in page


def test_deleting_a_deal(english, org, customers, login):
    deal = new_deal(org, customers)
    client = login("manager1")
    url = reverse("sales:deal_delete", args=[deal.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": 1}).url == BOARD
    assert Deal.all_objects.get(pk=deal.pk).is_deleted


# -- forecast and stages -----------------------------------------------------------------------


def test_the_forecast_page_shows_month_by_owner(
    english, org, customers, login, django_assert_max_num_queries
):
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=datetime.date(2026, 5, 3))
    new_deal(
        org,
        customers,
        owner="manager2",
        amount=Decimal("2000"),
        stage=stage("Proposal and quote"),
        expected_close_date=datetime.date(2026, 5, 30),
    )
    client = login("supervisor")
    client.get(FORECAST)  # warm the session and permission caches
    # Session, user, rights (2), scope (3), notifications, the filter's owners and the two sums.
    with django_assert_max_num_queries(12) as done:
        body = client.get(FORECAST).content.decode()
    assert sum("sales_deal" in query["sql"] for query in done.captured_queries) == 1
    assert sum("sales_opportunity" in query["sql"] for query in done.captured_queries) == 1
    assert "张伟" in body and "刘洋" in body
    assert 'data-month="2026-05"' in body
    total = re.search(r'data-testid="forecast-total"><strong>([^<]+)<', body).group(1)
    assert total == "¥1,100.00"
    mine = login("manager1").get(FORECAST).content.decode()
    assert re.search(r'data-testid="forecast-total"><strong>([^<]+)<', mine).group(1) == "¥100.00"
    assert 'data-testid="forecast-empty"' in login("manager3").get(FORECAST).content.decode()


def test_the_forecast_page_shows_opportunities_apart_from_deals(org, customers, login, english):
    new_deal(org, customers, amount=Decimal("1000"), expected_close_date=datetime.date(2026, 5, 3))
    opportunity = opportunity_services.opportunity_create(
        actor=org["manager1"],
        prospect_name="嘉兴华美纺织有限公司",
        summary="面料集采",
        probability=40,
        expected_amount=Decimal("5000"),
        expected_close_date=datetime.date(2026, 5, 20),
    )
    opportunity_services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    body = login("manager1").get(FORECAST).content.decode()
    assert 'data-month="2026-05" data-kind="opportunity"' in body
    assert 'data-testid="month-opportunities-2026-05">¥2,000.00<' in body
    assert 'data-testid="forecast-deals-total">¥100.00<' in body
    assert 'data-testid="forecast-opportunities-total">¥2,000.00<' in body
    total = re.search(r'data-testid="forecast-total"><strong>([^<]+)<', body).group(1)
    assert total == "¥2,100.00"


def test_administrators_edit_stages(english, org, login):
    client = login("admin")
    response = client.post(
        reverse("sales:stage_create"),
        {"name_zh": "试用", "name_en": "Trial", "order": "25", "probability": "40"},
    )
    assert response.status_code == 302
    trial = stage("Trial")
    response = client.post(
        reverse("sales:stage_edit", args=[trial.pk]),
        {"name_zh": "试用", "name_en": "Pilot", "order": "25", "probability": "45", "version": 1},
    )
    assert response.status_code == 302
    assert PipelineStage.objects.get(pk=trial.pk).name_en == "Pilot"
    both = client.post(
        reverse("sales:stage_create"),
        {
            "name_zh": "怪",
            "name_en": "Odd",
            "order": "1",
            "probability": "1",
            "is_won": "on",
            "is_lost": "on",
        },
    )
    assert "either won or lost" in both.content.decode()
    client.post(reverse("sales:stage_delete", args=[trial.pk]))
    assert not PipelineStage.objects.filter(pk=trial.pk).exists()
    assert login("manager1").post(reverse("sales:stage_create"), {}).status_code == 403


def test_a_full_column_says_how_many_deals_it_leaves_out(
    english, org, customers, login, monkeypatch
):
    from guanxi.sales.selectors import pipeline as selectors_pipeline

    monkeypatch.setattr(selectors_pipeline, "CARDS_PER_COLUMN", 2)
    for amount in (10, 30, 20):
        new_deal(org, customers, amount=Decimal(amount))
    response = login("manager1").get(BOARD)
    assert len(card_pks(response)) == 2
    first = stage("Initial contact").pk
    body = response.content.decode()
    assert f'data-testid="column-total-{first}">¥60.00<' in body
    assert "The 2 largest of 3 deals are shown" in body
