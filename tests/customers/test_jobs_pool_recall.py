"""The daily recall of the customer pool 公海: advance notice once, then the recall, per level."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from guanxi.collaboration.models import Notification
from guanxi.core.jobs import job_get
from guanxi.core.models import DictionaryKind
from guanxi.customers.models import Customer, CustomerEvent, PoolPolicy
from guanxi.customers.services import pool as services_pool
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _in_english():
    """The job runs outside a request: what it writes (history reasons) is in the active
    language."""
    with translation.override("en"):
        yield


@pytest.fixture
def now():
    return timezone.now()


def owned(owner, *, days_ago: float, now, **fields) -> Customer:
    return CustomerFactory(owner=owner, owned_since=now - days_ago * DAY, **fields)


def run(now, **kwargs) -> dict:
    return services_pool.pool_recall_run(now=now, **kwargs)


def kinds(customer) -> list[str]:
    rows = CustomerEvent.objects.filter(customer=customer).order_by("id")
    return list(rows.values_list("kind", flat=True))


def fresh(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def test_the_owner_is_told_once_and_the_customer_recalled_after_the_notice(org, now, english):
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=3)
    customer = owned(org["manager1"], days_ago=28, now=now, name="远洋贸易")

    assert run(now) == {"noticed": 1, "recalled": 0}
    noticed = fresh(customer)
    assert noticed.owner == org["manager1"]
    assert noticed.recall_notice_at == now
    assert noticed.version == customer.version  # a notice is no edit: nobody gets a conflict
    notice = Notification.objects.get(recipient=org["manager1"])
    assert notice.title == "“远洋贸易” will return to the pool"
    recall_on = timezone.localdate(now + 3 * DAY).isoformat()
    assert recall_on in notice.body
    assert "no follow-up for 30 days" in notice.body
    assert notice.url == customer.get_absolute_url()
    event = CustomerEvent.objects.get(customer=customer)
    assert event.kind == CustomerEvent.Kind.RECALL_NOTICE
    assert event.actor is None
    assert event.data == {"rule": "follow_up", "days": 30, "recall_on": recall_on}

    # Twice the same day, or on the next days before the recall: nothing new.
    assert run(now + timedelta(minutes=5)) == {"noticed": 0, "recalled": 0}
    assert run(now + 2 * DAY) == {"noticed": 0, "recalled": 0}
    assert Notification.objects.count() == 1

    assert run(now + 3 * DAY) == {"noticed": 0, "recalled": 1}
    recalled = fresh(customer)
    assert (recalled.owner, recalled.owned_since, recalled.recall_notice_at) == (None, None, None)
    assert kinds(customer) == [CustomerEvent.Kind.RECALL_NOTICE, CustomerEvent.Kind.RECALLED]
    event = CustomerEvent.objects.filter(customer=customer).first()
    assert event.data == {"rule": "follow_up", "days": 30, "previous_owner": org["manager1"].pk}
    entry = Customer.history.filter(id=customer.pk).order_by("-history_date").first()
    assert entry.history_change_reason == "Recalled to the pool: no follow-up for 30 days"
    assert entry.history_user is None
    gone = Notification.objects.filter(recipient=org["manager1"]).first()
    assert gone.title == "“远洋贸易” went back to the pool"

    assert run(now + 3 * DAY + timedelta(hours=1)) == {"noticed": 0, "recalled": 0}
    assert Notification.objects.count() == 2


def test_a_customer_overdue_when_the_policy_starts_still_gets_the_full_notice(org, now):
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=3)
    customer = owned(org["manager1"], days_ago=90, now=now)
    assert run(now) == {"noticed": 1, "recalled": 0}
    assert run(now + 2 * DAY) == {"noticed": 0, "recalled": 0}
    assert run(now + 3 * DAY) == {"noticed": 0, "recalled": 1}
    assert fresh(customer).owner is None


def test_a_freshly_claimed_customer_is_not_recalled_for_its_old_history(org, now):
    PoolPolicy.objects.create(level=None, follow_up_days=30, won_days=60, notice_days=3)
    customer = CustomerFactory(
        last_follow_up_at=now - 400 * DAY, last_won_at=now - 400 * DAY, owned_since=None
    )
    services_pool.customer_claim(actor=org["manager1"], customer=customer)
    assert run(timezone.now()) == {"noticed": 0, "recalled": 0}
    assert fresh(customer).owner == org["manager1"]


def test_a_follow_up_after_the_notice_stops_the_recall_and_a_later_lapse_warns_again(org, now):
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=3)
    customer = owned(org["manager1"], days_ago=28, now=now)
    run(now)
    Customer.objects.filter(pk=customer.pk).update(last_follow_up_at=now + DAY)
    assert run(now + 3 * DAY) == {"noticed": 0, "recalled": 0}
    assert fresh(customer).owner == org["manager1"]
    # 28 days after that follow-up the owner hears again, and three days on it goes.
    assert run(now + 29 * DAY) == {"noticed": 1, "recalled": 0}
    assert run(now + 32 * DAY) == {"noticed": 0, "recalled": 1}
    assert Notification.objects.filter(recipient=org["manager1"]).count() == 3


def test_no_won_deal_for_m_days_recalls_too(org, now, english):
    PoolPolicy.objects.create(level=None, follow_up_days=90, won_days=60, notice_days=2)
    customer = owned(
        org["manager1"], days_ago=200, now=now, last_follow_up_at=now, last_won_at=now - 59 * DAY
    )
    assert run(now) == {"noticed": 1, "recalled": 0}
    event = CustomerEvent.objects.get(customer=customer)
    assert event.data["rule"] == "won"
    assert "no deal or order won for 60 days" in Notification.objects.get().body
    assert run(now + 2 * DAY) == {"noticed": 0, "recalled": 1}


def test_each_level_follows_its_own_policy_else_the_default(org, now):
    major = dictionary(DictionaryKind.CUSTOMER_LEVEL, "major")
    ordinary = dictionary(DictionaryKind.CUSTOMER_LEVEL, "ordinary")
    PoolPolicy.objects.create(level=None, follow_up_days=60, notice_days=0)
    PoolPolicy.objects.create(level=major, follow_up_days=10, notice_days=0)
    major_customer = owned(org["manager1"], days_ago=20, now=now, level=major)
    ordinary_customer = owned(org["manager1"], days_ago=20, now=now, level=ordinary)
    no_level = owned(org["manager1"], days_ago=61, now=now)
    assert run(now) == {"noticed": 0, "recalled": 2}
    assert fresh(major_customer).owner is None
    assert fresh(no_level).owner is None
    assert fresh(ordinary_customer).owner == org["manager1"]


def test_a_level_policy_without_days_switches_recall_off_for_that_level(org, now):
    major = dictionary(DictionaryKind.CUSTOMER_LEVEL, "major")
    PoolPolicy.objects.create(level=None, follow_up_days=10, notice_days=0)
    PoolPolicy.objects.create(level=major, max_owned=5)
    kept = owned(org["manager1"], days_ago=100, now=now, level=major)
    assert run(now) == {"noticed": 0, "recalled": 0}
    assert fresh(kept).owner == org["manager1"]


def test_without_any_policy_nothing_is_recalled(org, now):
    kept = owned(org["manager1"], days_ago=1000, now=now)
    assert run(now) == {"noticed": 0, "recalled": 0}
    assert fresh(kept).owner == org["manager1"]


def test_pool_customers_and_the_recycle_bin_are_left_alone(org, now):
    PoolPolicy.objects.create(level=None, follow_up_days=10, notice_days=0)
    CustomerFactory(owner=None, owned_since=None)
    deleted = owned(org["manager1"], days_ago=100, now=now, deleted_at=now)
    assert run(now) == {"noticed": 0, "recalled": 0}
    assert Customer.all_objects.get(pk=deleted.pk).owner == org["manager1"]


def test_large_runs_work_in_batches(org, now):
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=1)
    batch = [owned(org["manager2"], days_ago=40, now=now) for _ in range(5)]
    assert run(now, batch_size=2) == {"noticed": 5, "recalled": 0}
    assert run(now + DAY, batch_size=2) == {"noticed": 0, "recalled": 5}
    assert not Customer.objects.filter(pk__in=[c.pk for c in batch], owner__isnull=False).exists()


def test_the_job_is_scheduled_daily():
    job = job_get("customers.pool_recall")
    assert job.every == "daily"
    assert job.task.func.__name__ == "pool_recall"
