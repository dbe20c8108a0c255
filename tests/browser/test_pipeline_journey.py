"""Issue #4's pipeline journey in a real browser.

manager1 creates a deal → it shows on the kanban board in the first stage → a real mouse drag
moves the card to another column (htmx swaps the board; the move is saved) → the card's "Move
to" control, used with the keyboard alone, moves it on again.
"""

from guanxi.sales.models import Deal, PipelineStage
from tests.customers.fixtures.customers import CustomerFactory


def _column(page, stage):
    return page.locator(f"[data-testid=kanban-column-{stage.pk}]")


def test_a_deal_dragged_and_moved_by_keyboard_across_the_kanban(sign_in, org):
    customer = CustomerFactory(owner=org["manager1"], name="青岛海景酒店管理有限公司")
    stages = {stage.name_en: stage for stage in PipelineStage.objects.all()}
    page = sign_in("manager1")

    # manager1 creates the deal from the board.
    page.goto("/sales/pipeline/")
    page.click("[data-testid=deal-create]")
    page.fill("#id_customer", customer.code)
    page.fill("#id_title", "客房智能化改造")
    page.fill("#id_amount", "380000")
    page.fill("#id_expected_close_date", "2026-10-31")
    with page.expect_navigation():
        page.click("[data-testid=deal-save]")
    deal = Deal.objects.get(title="客房智能化改造")
    assert page.url.endswith(f"/sales/deals/{deal.pk}/")
    assert deal.stage == stages["Initial contact"] and deal.probability == 10

    # On the board, the card sits in the first column; drag it to "方案报价".
    page.goto("/sales/pipeline/")
    card = page.locator(f"[data-testid=deal-card-{deal.pk}]")
    assert _column(page, stages["Initial contact"]).locator(card).count() == 1
    card.drag_to(_column(page, stages["Proposal and quote"]).locator("h2"))
    moved = _column(page, stages["Proposal and quote"]).locator(
        f"[data-testid=deal-card-{deal.pk}]"
    )
    moved.wait_for()
    deal.refresh_from_db()
    assert deal.stage == stages["Proposal and quote"] and deal.probability == 50
    total = page.locator(f"[data-testid=column-total-{stages['Proposal and quote'].pk}]")
    assert total.inner_text() == "¥380,000.00"

    # The same move with the keyboard alone: open the card's "Move to" control, choose the
    # next stage, submit.
    summary = page.locator(f"[data-testid=move-control-{deal.pk}] summary")
    summary.focus()
    page.keyboard.press("Enter")
    select = page.locator(f"[data-testid=move-stage-{deal.pk}]")
    page.keyboard.press("Tab")
    assert select.evaluate("element => element === document.activeElement")
    page.keyboard.press("ArrowDown")  # 方案报价 → 商务谈判
    assert select.input_value() == str(stages["Negotiation"].pk)
    page.keyboard.press("Tab")  # the lost reason (not needed here)
    page.keyboard.press("Tab")  # the Move button
    page.keyboard.press("Enter")
    _column(page, stages["Negotiation"]).locator(f"[data-testid=deal-card-{deal.pk}]").wait_for()
    deal.refresh_from_db()
    assert deal.stage == stages["Negotiation"] and deal.probability == 70

    # Dropped on the lost column, the card asks for the lost reason first and moves nothing.
    page.locator(f"[data-testid=deal-card-{deal.pk}]").drag_to(
        _column(page, stages["Lost"]).locator("h2")
    )
    assert select.input_value() == str(stages["Lost"].pk)
    reason = page.locator(f"[data-testid=move-reason-{deal.pk}]")
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"move-reason-{deal.pk}",
    )
    assert reason.is_visible()
    deal.refresh_from_db()
    assert deal.stage == stages["Negotiation"]

    # The move persisted: a fresh load of the deal's page shows the stage and the history.
    page.goto(f"/sales/deals/{deal.pk}/")
    assert page.locator("[data-testid=deal-stage]").inner_text() == "商务谈判"
