"""The seeder also makes interactions: about three per customer, skewed, deterministic."""

from collections import Counter

import pytest
from django.db.models import Count, F, Max

from guanxi.accounts.seed.organisation import seed
from guanxi.core.models import CodeSequence
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.service.models import ServiceRequest


def _interactions_digest() -> list:
    return list(
        Interaction.objects.order_by("customer__code", "occurred_at", "summary").values_list(
            "customer__code", "kind", "summary", "contact__name", "created_by__username"
        )
    )


@pytest.mark.django_db
def test_interactions_come_at_a_realistic_skewed_ratio(org):
    report = seed(customers=600, seed=3, batch_size=250)

    interactions = Interaction.objects.count()
    assert report.counts["interactions"] == interactions
    assert 2.4 <= interactions / 600 <= 3.6
    per_customer = Counter(
        dict(Customer.objects.annotate(n=Count("interactions")).values_list("id", "n")).values()
    )
    assert per_customer[0] > 60  # plenty of customers nobody has called yet
    assert max(per_customer) >= 12  # and a tail of well-tended ones
    # Every interaction happened after its customer was created, with one of its contacts,
    # logged by its owner; the customer's last follow-up is its latest interaction.
    assert not Interaction.objects.filter(occurred_at__lt=F("customer__created_at")).exists()
    assert (
        not Interaction.objects.exclude(contact__isnull=True)
        .exclude(contact__customer=F("customer"))
        .exists()
    )
    assert (
        not Interaction.objects.exclude(created_by=F("customer__owner"))
        .exclude(customer__owner__isnull=True)
        .exists()
    )
    latest = Customer.objects.annotate(latest=Max("interactions__occurred_at"))
    assert all(c.last_follow_up_at == c.latest for c in latest)


@pytest.mark.django_db
def test_same_seed_gives_the_same_interactions(org):
    seed(customers=80, seed=5)
    first = _interactions_digest()
    ServiceRequest.all_objects.all().delete()  # they protect their customers
    Interaction.all_objects.all().delete()
    Contact.all_objects.all().delete()
    Customer.all_objects.all().delete()
    CodeSequence.objects.all().delete()

    seed(customers=80, seed=5)

    assert _interactions_digest() == first
    assert first
