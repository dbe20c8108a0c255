"""The service seeder: requests at realistic ratios, with rounds that agree with the
flow's rules, spread over the account managers, deterministic."""

from collections import Counter

import pytest
from django.db.models import Count, F, Q

from guanxi.accounts.seed.organisation import seed
from guanxi.core.seeding import registered_seeders
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.selectors.requests import overdue_q
from tests.core.fixtures.database import module_rows

Status = ServiceRequest.Status

pytestmark = pytest.mark.xdist_group("service_seed")  # the seeded data is shared: one worker


def test_service_requests_register_their_seeder_after_customers():
    names = [name for name, _fn in registered_seeders()]
    assert names.index("customers") < names.index("service_requests")


@pytest.mark.django_db
def test_the_seed_is_deterministic(org):
    # Before the module's shared seeded data exists (the tests below set it up).
    seed(customers=150, seed=9, batch_size=50)
    first = list(ServiceRequest.objects.order_by("code").values_list("summary", "status", "rounds"))
    ServiceRound.objects.all().delete()
    ServiceRequest.all_objects.all().delete()
    from guanxi.customers.models import Customer

    Customer.all_objects.all().delete()
    seed(customers=150, seed=9, batch_size=50)
    again = list(ServiceRequest.objects.order_by("code").values_list("summary", "status", "rounds"))
    assert [row[1:] for row in again] == [row[1:] for row in first]
    assert [row[0] for row in again] == [row[0] for row in first]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeded database for the tests that only read it."""
    with module_rows(django_db_blocker):
        yield seed(customers=1500, seed=5, batch_size=300)


@pytest.mark.django_db
def test_seeded_requests_follow_the_ratios(seeded):
    requests = ServiceRequest.objects.count()
    assert seeded.counts["service_requests"] == requests == 450  # 0.3 per customer
    types = Counter(ServiceRequest.objects.values_list("service_type__code", flat=True))
    assert 0.52 <= types["consultation"] / requests <= 0.68
    assert 0.18 <= types["complaint"] / requests <= 0.32
    assert 0.09 <= types["suggestion"] / requests <= 0.21
    statuses = Counter(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses[Status.ARCHIVED] / requests >= 0.8  # mostly archived
    assert set(statuses) == set(Status.values)  # and some in every open status
    assert ServiceRequest.objects.filter(overdue_q(seeded_now())).exists()
    owners = ServiceRequest.objects.values("assigned_to").distinct().count()
    assert owners >= 20  # spread over the account managers, not piled on a few
    channels = set(ServiceRequest.objects.values_list("channel__code", flat=True))
    assert channels == {"phone", "email", "web", "walk_in"}


@pytest.mark.django_db
def test_seeded_requests_carry_their_customers_owner(seeded):
    """Scoping reads the owner kept on the request, so the seeder must write it too."""
    rows = ServiceRequest.objects.exclude(customer_owner_id=F("customer__owner_id"))
    assert ServiceRequest.objects.filter(customer_owner__isnull=False).count() == 450
    assert not rows.exists()


def seeded_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db
def test_seeded_rounds_agree_with_the_flow(seeded):
    counted = ServiceRequest.objects.annotate(n=Count("round_set"))
    assert not counted.exclude(n=F("rounds")).exists()
    assert not ServiceRequest.objects.filter(status=Status.NEW).exclude(rounds=0).exists()
    assert not ServiceRequest.objects.exclude(status=Status.NEW).filter(rounds=0).exists()
    # Archived: the last round's feedback is 3 or more, every earlier one below 3.
    archived = ServiceRequest.objects.filter(status=Status.ARCHIVED)
    assert not archived.filter(Q(satisfaction__lt=3) | Q(satisfaction__isnull=True)).exists()
    assert not archived.filter(archived_at__isnull=True).exists()
    last = ServiceRound.objects.filter(request__status=Status.ARCHIVED, number=F("request__rounds"))
    assert not last.exclude(satisfaction__gte=3).exists()
    earlier = ServiceRound.objects.exclude(number=F("request__rounds"))
    assert earlier.exists() and not earlier.exclude(satisfaction__lte=2).exists()
    # Handled and archived requests have their first response; new ones nobody assigned.
    answered = ServiceRequest.objects.filter(status__in=[Status.HANDLED, Status.ARCHIVED])
    assert not answered.filter(first_response_at__isnull=True).exists()
    assert not ServiceRequest.objects.filter(status=Status.NEW, assigned_to__isnull=False).exists()
    # The customer's account manager handles them.
    assigned = ServiceRequest.objects.exclude(status=Status.NEW)
    assert not assigned.exclude(assigned_to=F("customer__owner")).exists()
    # Codes are unique FW codes.
    assert ServiceRequest.objects.values("code").distinct().count() == 450
    assert not ServiceRequest.objects.exclude(code__startswith="FW").exists()
    # Most first responses keep their promise.
    met = answered.filter(first_response_at__lte=F("response_due_at")).count()
    assert met / answered.count() >= 0.7
