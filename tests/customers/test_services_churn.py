"""Churn handling 客户流失管理: the daily job, the owner's decisions, and orders closing cases."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from guanxi.collaboration.models import Notification
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.jobs import job_get
from guanxi.customers import notifications
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer, CustomerEvent
from guanxi.customers.selectors import churn as selectors_churn
from guanxi.customers.services import churn as services_churn
from guanxi.customers.timeline import customer_timeline
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.timeline import interaction

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


def _customer(owner, *, created=None, last_order=None, **fields) -> Customer:
    customer = CustomerFactory(owner=owner, **fields)
    Customer.all_objects.filter(pk=customer.pk).update(
        created_at=created or NOW - timedelta(days=400), last_order_at=last_order
    )
    customer.refresh_from_db()
    return customer


def _reason(code="price"):
    return dictionary("churn_reason", code)


@pytest.fixture
def warned(org):
    """A customer of manager1 with an open churn warning."""
    customer = _customer(org["manager1"])
    case = services_churn.churn_warn(customer=customer, now=NOW)
    customer.refresh_from_db()
    return customer, case


# -- the selector and the job -----------------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert selectors_churn.months_before(NOW, 6) == NOW.replace(month=5)
    march_end = datetime(2026, 3, 31, 9, tzinfo=SHANGHAI)
    assert selectors_churn.months_before(march_end, 1).date().isoformat() == "2026-02-28"
    assert selectors_churn.months_before(march_end, 15).date().isoformat() == "2024-12-31"


def test_candidates_use_the_last_order_else_the_creation_date(org):
    owner = org["manager1"]
    old_order = _customer(owner, last_order=NOW - timedelta(days=200))
    recent_order = _customer(owner, last_order=NOW - timedelta(days=30))
    never_ordered_old = _customer(owner, created=NOW - timedelta(days=200))
    never_ordered_new = _customer(owner, created=NOW - timedelta(days=30))
    # Created long ago but ordered lately: the order counts, not the creation.
    old_but_ordering = _customer(
        owner, created=NOW - timedelta(days=900), last_order=NOW - timedelta(days=10)
    )
    in_pool = _customer(None)
    churned = _customer(owner, status=Customer.Status.CHURNED)

    found = set(selectors_churn.churn_candidates(now=NOW, months=6).values_list("pk", flat=True))

    assert old_order.pk in found and never_ordered_old.pk in found
    assert not found & {
        recent_order.pk,
        never_ordered_new.pk,
        old_but_ordering.pk,
        in_pool.pk,
        churned.pk,
    }


def test_threshold_is_the_setting(org):
    customer = _customer(org["manager1"], last_order=NOW - timedelta(days=100))  # ~3.3 months
    assert not selectors_churn.churn_candidates(now=NOW).filter(pk=customer.pk).exists()
    with override_settings(GUANXI={"CHURN_MONTHS": 3}):
        assert selectors_churn.churn_months() == 3
        assert selectors_churn.churn_candidates(now=NOW).filter(pk=customer.pk).exists()


def test_scan_warns_and_is_idempotent(org):
    owner = org["manager1"]
    stale = [_customer(owner) for _ in range(3)]
    fresh = _customer(owner, last_order=NOW - timedelta(days=5))

    assert services_churn.churn_scan(now=NOW, batch_size=2) == 3

    for customer in stale:
        customer.refresh_from_db()
        assert customer.status == Customer.Status.CHURN_WARNING
        case = ChurnCase.objects.get(customer=customer)
        assert case.state == ChurnCase.State.WARNING and case.owner == owner
        assert CustomerEvent.objects.filter(
            customer=customer, kind=CustomerEvent.Kind.CHURN_WARNING
        ).exists()
    fresh.refresh_from_db()
    assert fresh.status == Customer.Status.ACTIVE

    # Run again (e.g. the scheduler caught up twice): nothing new, no second digest.
    assert services_churn.churn_scan(now=NOW) == 0
    assert ChurnCase.objects.count() == 3
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_churn_scan_sends_one_digest_per_owner_per_run(org):
    for _ in range(3):
        _customer(org["manager1"])
    for _ in range(2):
        _customer(org["manager2"])

    assert services_churn.churn_scan(now=NOW, batch_size=2) == 5

    (first,) = Notification.objects.filter(recipient=org["manager1"])
    (second,) = Notification.objects.filter(recipient=org["manager2"])
    assert first.kind == second.kind == notifications.CHURN_DIGEST
    assert (first.params["count"], second.params["count"]) == (3, 2)
    with translation.override("en"):
        assert first.title == "3 customers entered churn warning"
    # The link opens the churn list on the reader's own warnings of that day.
    assert first.url == reverse("customers:churn_list") + "?mine=1&warned=2026-11-23"


def test_a_customer_who_never_ordered_is_warned_as_never_ordered_since_creation(org):
    created = datetime(2025, 3, 2, 10, 0, tzinfo=SHANGHAI)
    never = _customer(org["manager1"], created=created)
    ordered = _customer(org["manager1"], created=created, last_order=created + timedelta(days=30))
    services_churn.churn_scan(now=NOW)

    never_case = ChurnCase.objects.select_related("customer").get(customer=never)
    ordered_case = ChurnCase.objects.select_related("customer").get(customer=ordered)
    assert never_case.last_order_at is None
    with translation.override("en"):
        assert never_case.warning_reason == "Never ordered since it was created on 2025-03-02"
        assert ordered_case.warning_reason == "No order since 2025-04-01"
    event = CustomerEvent.objects.get(customer=never, kind=CustomerEvent.Kind.CHURN_WARNING)
    assert event.data["last_order"] is None
    with translation.override("en"):
        entries = customer_timeline(actor=org["manager1"], customer=never, kinds=["event"]).entries
        assert [entry.text for entry in entries if entry.subtype == "churn_warning"] == [
            "Never ordered since it was created on 2025-03-02"
        ]


def test_churn_skips_a_customer_with_an_interaction_in_the_churn_window(org):
    owner = org["manager1"]
    visited = _customer(owner)
    visited_long_ago = _customer(owner)
    interaction(visited, when=NOW - timedelta(days=20))
    interaction(visited_long_ago, when=NOW - timedelta(days=300))

    found = set(selectors_churn.churn_candidates(now=NOW).values_list("pk", flat=True))
    assert visited.pk not in found and visited_long_ago.pk in found
    assert services_churn.churn_scan(now=NOW) == 1


def test_churn_open_work_rule_can_be_switched_off(org):
    visited = _customer(org["manager1"])
    interaction(visited, when=NOW - timedelta(days=20))
    with override_settings(GUANXI={"CHURN_SPARES_OPEN_WORK": False}):
        assert selectors_churn.churn_spares_open_work() is False
        assert selectors_churn.churn_candidates(now=NOW).filter(pk=visited.pk).exists()


def test_churn_candidates_are_one_query_whatever_the_open_work(org, django_assert_num_queries):
    for _ in range(3):
        interaction(_customer(org["manager1"]), when=NOW - timedelta(days=400))
    with django_assert_num_queries(1):
        assert len(list(selectors_churn.churn_candidates(now=NOW))) == 3


def test_warn_rechecks_open_work_under_the_lock(org):
    """An interaction logged between the job's query and the warning prevents the warning."""
    customer = _customer(org["manager1"])
    interaction(customer, when=NOW - timedelta(days=1))
    cutoff = selectors_churn.months_before(NOW, 6)
    assert services_churn.churn_warn(customer=customer, now=NOW, cutoff=cutoff) is None
    assert not ChurnCase.objects.exists()


def test_the_periodic_job_runs_the_scan(org):
    customer = _customer(org["manager2"])
    job = job_get("customers.churn_scan")
    assert job.every == "daily"
    job.task.call()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURN_WARNING


def test_warn_leaves_a_customer_with_an_open_case_alone(warned):
    customer, case = warned
    assert services_churn.churn_warn(customer=customer, now=NOW) is None
    assert ChurnCase.objects.filter(customer=customer).count() == 1


# -- postpone and confirm ---------------------------------------------------------------------


def test_postpone_records_measures_and_can_add_more(org, warned):
    customer, case = warned
    manager = org["manager1"]
    services_churn.churn_postpone(actor=manager, customer=customer, measures="上门拜访，给予九折")
    services_churn.churn_postpone(actor=manager, customer=customer, measures="  季度回访  ")

    case.refresh_from_db()
    customer.refresh_from_db()
    assert case.state == ChurnCase.State.POSTPONED
    assert customer.status == Customer.Status.POSTPONED
    assert list(case.measures.values_list("text", flat=True)) == ["上门拜访，给予九折", "季度回访"]
    assert (
        CustomerEvent.objects.filter(
            customer=customer, kind=CustomerEvent.Kind.CHURN_POSTPONED
        ).count()
        == 2
    )


def test_supervisor_of_the_team_may_postpone(org, warned):
    customer, case = warned
    services_churn.churn_postpone(actor=org["supervisor"], customer=customer, measures="主管约谈")
    assert case.measures.get().recorded_by == org["supervisor"]


def test_postpone_refused_without_measures_right_or_scope(org, warned):
    customer, _case = warned
    with pytest.raises(ValidationError) as error:
        services_churn.churn_postpone(actor=org["manager1"], customer=customer, measures="  ")
    assert "measures" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services_churn.churn_postpone(actor=org["exec"], customer=customer, measures="x")
    with pytest.raises(Customer.DoesNotExist):
        services_churn.churn_postpone(actor=org["manager2"], customer=customer, measures="x")
    with pytest.raises(Customer.DoesNotExist):
        services_churn.churn_postpone(actor=org["supervisor2"], customer=customer, measures="x")
    assert not ChurnMeasure.objects.exists()


def test_postpone_or_confirm_without_a_warning_is_refused(org):
    customer = _customer(org["manager1"])
    with translation.override("en"), pytest.raises(BusinessRuleError, match="churn warning"):
        services_churn.churn_postpone(actor=org["manager1"], customer=customer, measures="x")
    with translation.override("en"), pytest.raises(BusinessRuleError, match="churn warning"):
        services_churn.churn_confirm(actor=org["manager1"], customer=customer, reason=_reason())
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_confirm_sets_churned_and_keeps_the_history(org, warned):
    customer, case = warned
    manager = org["manager1"]
    services_churn.churn_postpone(actor=manager, customer=customer, measures="降价挽留")
    services_churn.churn_confirm(
        actor=manager, customer=customer, reason=_reason("competitor"), details="转向A公司"
    )

    case.refresh_from_db()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURNED
    assert case.state == ChurnCase.State.CONFIRMED
    assert case.reason.code == "competitor" and case.reason_text == "转向A公司"
    assert case.closed_by == manager and case.closed_at is not None
    assert case.measures.get().text == "降价挽留"
    kinds = set(CustomerEvent.objects.filter(customer=customer).values_list("kind", flat=True))
    assert {"churn_warning", "churn_postponed", "churn_confirmed"} <= kinds
    # The status change is in the customer's audit history with its reason.
    assert customer.history.filter(status=Customer.Status.CHURNED).exists()

    # Confirmed is final: neither decision can be taken again.
    with pytest.raises(BusinessRuleError):
        services_churn.churn_confirm(actor=manager, customer=customer, reason=_reason())
    with pytest.raises(BusinessRuleError):
        services_churn.churn_postpone(actor=manager, customer=customer, measures="x")


def test_confirm_needs_a_churn_reason(org, warned):
    customer, _case = warned
    with pytest.raises(ValidationError) as error:
        services_churn.churn_confirm(actor=org["manager1"], customer=customer, reason=None)
    assert "reason" in error.value.message_dict
    wrong_kind = dictionary("lost_reason", "price")
    with pytest.raises(ValidationError):
        services_churn.churn_confirm(actor=org["manager1"], customer=customer, reason=wrong_kind)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURN_WARNING


# -- orders -----------------------------------------------------------------------------------


def test_an_order_clears_an_open_warning(org, warned):
    customer, case = warned
    ordered = NOW + timedelta(days=1)
    services_churn.customer_order_recorded(customer=customer, ordered_at=ordered)

    case.refresh_from_db()
    customer.refresh_from_db()
    assert case.state == ChurnCase.State.CLEARED and case.closed_at is not None
    assert customer.status == Customer.Status.ACTIVE
    assert customer.last_order_at == ordered and customer.last_won_at == ordered
    # A cleared case is history: the next scan does not warn (ordered recently) ...
    assert services_churn.churn_scan(now=ordered) == 0


def test_a_churned_customer_who_orders_is_won_back(org, warned):
    customer, case = warned
    services_churn.churn_confirm(actor=org["manager1"], customer=customer, reason=_reason())
    services_churn.customer_order_recorded(customer=customer, ordered_at=NOW)

    case.refresh_from_db()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert case.state == ChurnCase.State.WON_BACK
    assert case.reason.code == "price"  # the reason stays in the history
    event = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.WON_BACK)
    assert event.data["case"] == case.pk
    assert ChurnCase.objects.filter(state=ChurnCase.State.WON_BACK).count() == 1


def test_an_ordinary_order_only_moves_the_dates_forward(org):
    customer = _customer(org["manager1"], last_order=NOW)
    version = customer.version
    services_churn.customer_order_recorded(customer=customer, ordered_at=NOW - timedelta(days=9))
    customer.refresh_from_db()
    assert customer.last_order_at == NOW  # a back-dated order never moves it back
    later = NOW + timedelta(hours=1)
    services_churn.customer_order_recorded(customer=customer, ordered_at=later)
    customer.refresh_from_db()
    assert customer.last_order_at == later
    assert customer.version == version  # no edit of the customer: open forms stay valid
    assert not CustomerEvent.objects.filter(customer=customer).exists()


def test_open_case_lists_follow_the_scope(org):
    mine = _customer(org["manager1"])
    colleague = _customer(org["manager2"])
    other_team = _customer(org["manager3"])
    services_churn.churn_scan(now=NOW)

    def shown(user, **kw):
        cases = selectors_churn.churn_case_list(actor=org[user], **kw)
        return {case.customer_id for case in cases}

    assert shown("manager1") == {mine.pk}
    assert shown("supervisor") == {mine.pk, colleague.pk}
    assert shown("supervisor", mine=True) == set()
    assert shown("supervisor2") == {other_team.pk}
    assert shown("admin") == {mine.pk, colleague.pk, other_team.pk}


def test_warn_rechecks_the_cutoff_under_the_lock(org):
    """An order recorded between the job's query and the warning prevents the warning."""
    customer = _customer(org["manager1"], last_order=NOW - timedelta(days=1))
    cutoff = selectors_churn.months_before(NOW, 6)
    assert services_churn.churn_warn(customer=customer, now=NOW, cutoff=cutoff) is None
    assert not ChurnCase.objects.exists()


def test_one_invalid_record_does_not_stop_the_scan(org, monkeypatch):
    first, second = _customer(org["manager1"]), _customer(org["manager2"])
    real = services_churn.churn_warn

    def picky(*, customer, **kwargs):
        if customer.pk == first.pk:
            raise ValidationError({"phone": "legacy value"})
        return real(customer=customer, **kwargs)

    monkeypatch.setattr(services_churn, "churn_warn", picky)
    assert services_churn.churn_scan(now=NOW) == 1
    second.refresh_from_db()
    assert second.status == Customer.Status.CHURN_WARNING
