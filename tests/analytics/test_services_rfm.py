"""The RFM / purchase-cycle runner: what the company's run stores, what a manager's run does
not, stale scores reset; and the re-order reminders, once per due date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from guanxi.analytics.models import CustomerScore, IntelligenceSettings, ModelRun
from guanxi.analytics.services import rfm as service
from guanxi.analytics.services.reorder import reorder_reminders_send
from guanxi.analytics.services.rfm import rfm_compute
from guanxi.analytics.services.runs import run_request
from guanxi.collaboration.models import Notification, NotificationPreference
from guanxi.sales.models import Order
from tests.analytics.fixtures.reports import order

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def history(customers, today):
    """manager1's customer: order days 60, 40 and 20 days ago (cycle 20, due today);
    manager2's: 10 and 5 days ago (one interval: no cycle); supervisor's: only 400 days ago."""
    for days, total in ((60, "100"), (40, "200"), (20, "300")):
        order(customers["manager1"], today - days * DAY, total)
    order(customers["manager2"], today - 10 * DAY, "50")
    order(customers["manager2"], today - 5 * DAY, "70")
    order(customers["manager2"], today - 5 * DAY, "30", status="cancelled")
    order(customers["supervisor"], today - 400 * DAY, "999")
    return customers


def test_the_company_run_stores_rfm_and_cycles(org, history, today):
    run = rfm_compute(actor=org["exec"])
    assert (run.status, run.company_wide, run.rows_used) == ("done", True, 6)
    one = CustomerScore.objects.get(customer=history["manager1"])
    assert (one.recency_days, one.frequency, one.monetary) == (20, 3, Decimal("600.00"))
    # Two buyers: manager1's beats manager2's in F and M, not in R (20 days vs 5).
    assert (one.r_score, one.f_score, one.m_score, one.rfm_segment) == (1, 3, 3, "at_risk_loyal")
    assert (one.cycle_days, one.cycle_intervals, one.next_order_due) == (20, 2, today)
    assert one.rfm_at == one.cycle_at == run.started_at
    two = CustomerScore.objects.get(customer=history["manager2"])
    assert (two.frequency, two.monetary, two.rfm_segment) == (2, Decimal("120.00"), "new")
    assert (two.cycle_days, two.cycle_intervals, two.next_order_due) == (None, 1, None)
    old = CustomerScore.objects.get(customer=history["supervisor"])
    assert (old.rfm_segment, old.recency_days, old.r_score) == ("no_purchase", 400, None)
    assert not CustomerScore.objects.filter(customer=history["manager3"]).exists()
    assert run.result["segments"]["at_risk_loyal"] == {"customers": 1, "revenue": "600.00"}
    assert run.result["buyers"] == 2 and run.result["customers"] == 3
    assert run.result["cycle"]["due_soon"] == 1 and run.result["cycle"]["overdue"] == 0
    assert [edge["score"] for edge in run.result["edges"]["frequency"]] == [1, 3]


def test_a_managers_run_stores_nothing(org, history):
    rfm_compute(actor=org["exec"])
    before = list(CustomerScore.objects.values_list("customer_id", "r_score", "rfm_segment"))
    run = rfm_compute(actor=org["manager1"])
    assert (run.status, run.company_wide) == ("done", False)
    # Alone among their customers, manager1's customer beats nobody: scores 1, "lost".
    assert run.result["segments"]["lost"]["customers"] == 1
    assert run.result["customers"] == 1
    after = list(CustomerScore.objects.values_list("customer_id", "r_score", "rfm_segment"))
    assert after == before


def test_stale_scores_are_reset_by_the_next_company_run(org, history):
    rfm_compute(actor=org["exec"])
    Order.objects.filter(customer=history["manager2"]).update(status="cancelled")
    IntelligenceSettings.objects.filter(pk=1).update(cycle_min_intervals=1)
    run_request(kind=ModelRun.Kind.RFM, actor=None, background=False)
    gone = CustomerScore.objects.get(customer=history["manager2"])
    assert (gone.rfm_segment, gone.frequency, gone.rfm_at, gone.cycle_at) == ("", 0, None, None)
    assert gone.cycle_intervals == 0
    assert CustomerScore.objects.get(customer=history["manager1"]).cycle_days == 20


def test_the_cycle_run_alone_leaves_rfm_alone(org, history):
    run = run_request(kind=ModelRun.Kind.PURCHASE_CYCLE, actor=None, background=False)
    assert run.status == "done" and "segments" not in run.result
    one = CustomerScore.objects.get(customer=history["manager1"])
    assert (one.cycle_days, one.rfm_segment, one.rfm_at) == (20, "", None)


def test_a_large_scope_runs_in_the_worker(org, history, monkeypatch):
    monkeypatch.setattr(service, "INLINE_CUSTOMERS", 1)
    run = rfm_compute(actor=org["exec"])
    assert run.status == "running"


def test_reorder_reminders_once_per_due_date(org, customers, today, django_assert_num_queries):
    settings = IntelligenceSettings.current()
    settings.reorder_notice_days = 3
    settings.save()
    due = {
        "manager1": today,  # due today: reminded
        "manager2": today + 3 * DAY,  # due in the notice window: reminded
        "manager3": today + 4 * DAY,  # too far ahead
        "supervisor": today - DAY,  # overdue: in the report, not reminded again
        "pool": today,  # nobody to remind
    }
    for key, day in due.items():
        CustomerScore.objects.create(customer=customers[key], cycle_days=30, next_order_due=day)
    NotificationPreference.objects.create(
        user=org["manager2"], kind="analytics.reorder_due", channel="off"
    )
    # Settings; a batch; its owners; preferences; insert; mark (+ savepoints); the empty batch.
    with django_assert_num_queries(9):
        assert reorder_reminders_send(today=today) == 2
    sent = Notification.objects.filter(kind="analytics.reorder_due")
    assert [n.recipient.username for n in sent] == ["manager1"]  # manager2 switched it off
    assert sent[0].params["due"] == today.isoformat()
    assert sent[0].url == f"/customers/{customers['manager1'].pk}/"
    # Never twice for the same due date...
    assert reorder_reminders_send(today=today) == 0
    assert reorder_reminders_send(today=today + DAY) == 1  # manager3's comes into the window
    # ...but again for a new due date (a new order moved it).
    CustomerScore.objects.filter(customer=customers["manager1"]).update(
        next_order_due=today + 2 * DAY
    )
    assert reorder_reminders_send(today=today + DAY) == 1
    assert Notification.objects.filter(recipient=org["manager1"]).count() == 2


def test_reminder_wording(org, customers, today, english):
    from guanxi.collaboration import notification_kinds

    with translation.override("en"):
        title, body = notification_kinds.render(
            "analytics.reorder_due", {"name": "华东", "cycle_days": 30, "due": "2026-06-01"}
        )
    assert title == "“华东” is due to re-order"
    assert "every 30 days" in body and "2026-06-01" in body
