"""The churn seeder: cases in every state at realistic ratios, agreeing with the churn services'
rules (one open case, the customer's status, reasons, dates) and with the customers' orders."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from guanxi.accounts.seed.organisation import seed
from guanxi.core.models import DictionaryKind
from guanxi.core.seeding import registered_seeders
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer
from guanxi.customers.seed.churn import write_churn_cases
from guanxi.customers.selectors.churn import churn_months, months_before
from guanxi.sales.models import Order
from tests.analytics.fixtures.reports import run
from tests.core.fixtures.database import module_rows

State = ChurnCase.State
STATUS_OF = {
    State.WARNING: Customer.Status.CHURN_WARNING,
    State.POSTPONED: Customer.Status.POSTPONED,
    State.CONFIRMED: Customer.Status.CHURNED,
    State.WON_BACK: Customer.Status.ACTIVE,
    State.CLEARED: Customer.Status.ACTIVE,
}

pytestmark = pytest.mark.xdist_group("churn_seed")  # the seeded data is shared: one worker


def test_churn_cases_are_seeded_after_the_orders():
    names = [name for name, _fn in registered_seeders()]
    assert names.index("orders") < names.index("churn_cases")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeded database for the module; each test's changes are rolled back after it."""
    with module_rows(django_db_blocker):
        yield seed(customers=300, seed=4, batch_size=100)


@pytest.mark.django_db
def test_seeded_cases_cover_every_state_at_about_four_percent(seeded):
    cases = ChurnCase.objects.count()
    assert seeded.counts["churn_cases"] == cases
    assert seeded.counts["churn_measures"] == ChurnMeasure.objects.count()
    owned = Customer.objects.filter(owner__isnull=False).count()
    assert 0.03 <= cases / owned <= 0.05
    states = Counter(ChurnCase.objects.values_list("state", flat=True))
    assert set(states) == set(State.values)
    assert states[State.CONFIRMED] == max(states.values())
    # One case per customer, so at most one open one.
    assert not ChurnCase.objects.values("customer").annotate(n=Count("id")).filter(n__gt=1)


@pytest.mark.django_db
def test_seeded_cases_follow_the_churn_rules(seeded):
    now = timezone.now()
    reasons = set()
    for case in ChurnCase.objects.select_related("customer", "reason").prefetch_related("measures"):
        customer = case.customer
        assert customer.status == STATUS_OF[case.state], case
        assert customer.owner_id is not None and customer.deleted_at is None
        assert case.owner_id == customer.owner_id
        # Warned by the daily job once the last order was old enough, in the last two years.
        assert case.last_order_at <= months_before(case.warned_at, churn_months())
        assert now - timedelta(days=2 * 365 + 1) <= case.warned_at <= now
        orders = sorted(
            Order.all_objects.filter(customer=customer).values_list("created_at", flat=True)
        )
        assert case.last_order_at in orders
        after = [when for when in orders if when > case.last_order_at]
        measures = list(case.measures.all())
        assert all(m.recorded_by_id == customer.owner_id for m in measures)
        assert all(case.warned_at <= m.recorded_at <= (case.closed_at or now) for m in measures)
        if case.state in ChurnCase.OPEN_STATES:
            assert case.closed_at is None and case.reason_id is None and not after
            if case.state == State.WARNING:
                assert not measures
            else:
                assert 1 <= len(measures) <= 2
            continue
        assert case.closed_by_id == customer.owner_id
        assert case.warned_at <= case.closed_at <= now
        if case.state == State.CLEARED:
            # Closed by the customer's first order after the warning.
            assert case.reason_id is None
            assert after and after[0] == case.closed_at
            continue
        assert case.reason.kind == DictionaryKind.CHURN_REASON and case.reason_text
        reasons.add(case.reason.code)
        if case.state == State.CONFIRMED:
            assert not after
        else:  # won back by an order after the confirmation
            assert after and after[0] > case.closed_at
    assert len(reasons) >= 2
    # Everyone else is active: no status without the case behind it.
    assert not Customer.objects.exclude(status=Customer.Status.ACTIVE).filter(
        churn_cases__isnull=True
    )


@pytest.mark.django_db
def test_the_churn_report_counts_the_seeded_churn(seeded, org):
    today = timezone.localdate()
    data = run(
        "churn",
        org["exec"],
        date_from=(today - timedelta(days=2 * 365)).isoformat(),
        date_to=today.isoformat(),
        granularity="quarter",
    )
    confirmed = ChurnCase.objects.filter(state=State.CONFIRMED).count()
    assert data["summary"]["customers"] == confirmed > 0
    assert sum(row["customers"] for row in data["by_reason"]) == confirmed
    assert sum(1 for row in data["by_period"] if row["customers"]) >= 2
    assert all(row["reason"] and row["details"] for row in data["customers"])


@pytest.mark.django_db
def test_writing_cases_on_its_own_skips_a_database_that_has_them(seeded):
    before = list(ChurnCase.objects.order_by("pk").values_list("pk", "state"))
    written = write_churn_cases(random.Random(2), timezone.now())
    assert written == {"churn_cases": 0, "churn_measures": 0}
    assert list(ChurnCase.objects.order_by("pk").values_list("pk", "state")) == before


@pytest.mark.django_db
def test_writing_cases_on_its_own_fills_an_existing_database(seeded):
    ChurnCase.objects.all().delete()
    Customer.all_objects.update(status=Customer.Status.ACTIVE)
    binned = list(Customer.objects.filter(owner__isnull=False).order_by("?")[:100])
    Customer.all_objects.filter(pk__in=[c.pk for c in binned]).update(deleted_at=timezone.now())

    written = write_churn_cases(random.Random(2), timezone.now(), batch_size=50)

    assert written["churn_cases"] == ChurnCase.objects.count() > 0
    assert written["churn_measures"] == ChurnMeasure.objects.count()
    assert not ChurnCase.objects.filter(customer__in=binned).exists()
    assert not ChurnCase.objects.filter(customer__owner__isnull=True).exists()
    for state, status in STATUS_OF.items():
        cases = ChurnCase.objects.filter(state=state)
        assert not cases.exclude(customer__status=status).exists()
