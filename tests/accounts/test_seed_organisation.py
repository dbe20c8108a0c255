"""The seeder: deterministic, realistic zh_CN data in the expected amounts."""

import hashlib
import re

import pytest
from django.core.management import call_command

from guanxi.accounts.seed.organisation import seed
from guanxi.core.seeding import registered_seeders
from guanxi.customers.models import Contact, Customer
from guanxi.service.models import ServiceRequest

MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")


def digest() -> str:
    """What must not change between two runs with the same N and seed."""
    rows = Customer.all_objects.order_by("code").values_list(
        "name", "phone", "email", "owner__username", "region__code", "level__code"
    )
    contacts = Contact.all_objects.order_by("customer__code", "-is_primary", "id").values_list(
        "customer__code", "name", "mobile", "is_primary"
    )
    text = repr([[row[:4] for row in rows], list(contacts)])
    return hashlib.sha256(text.encode()).hexdigest()


def codes_from_one() -> None:
    # Codes depend on what was handed out before; reset so both runs start from the same point.
    # The sales targets of the account managers too: a second run keeps those it finds.
    from guanxi.core.models import CodeSequence
    from guanxi.sales.models import Target

    CodeSequence.objects.all().delete()
    Target.all_objects.all().delete()


@pytest.mark.django_db
def test_same_size_and_seed_give_the_same_data(org):
    first = seed(customers=40, seed=7)
    one = digest()
    ServiceRequest.all_objects.all().delete()  # they protect their customers
    Contact.all_objects.all().delete()
    Customer.all_objects.all().delete()
    codes_from_one()

    second = seed(customers=40, seed=7)

    assert digest() == one
    assert first.counts == second.counts
    ServiceRequest.all_objects.all().delete()  # they protect their customers
    Contact.all_objects.all().delete()
    Customer.all_objects.all().delete()
    codes_from_one()
    seed(customers=40, seed=8)
    assert digest() != one


@pytest.mark.django_db
def test_seeded_customers_look_real_and_are_spread_over_managers(org):
    report = seed(customers=400, seed=1, batch_size=150)

    assert report.counts["customers"] == Customer.objects.count() == 400
    contacts = Contact.objects.count()
    assert report.counts["contacts"] == contacts and 400 <= contacts <= 800
    assert report.rows_per_second > 0
    # Every customer has exactly one primary contact.
    assert Contact.objects.filter(is_primary=True).count() == 400
    pool = Customer.objects.filter(owner=None).count()
    assert 5 <= pool <= 40  # about 5 % in the public pool
    owners = set(Customer.objects.exclude(owner=None).values_list("owner__username", flat=True))
    assert {"manager1", "manager2", "manager3"} <= owners
    assert any(name.startswith("bench") for name in owners)  # bench managers were added
    for customer in Customer.objects.select_related("region", "industry")[:50]:
        assert MOBILE.match(customer.phone)
        assert customer.name.endswith("公司") and CHINESE.match(customer.name)
        assert customer.region is not None and customer.industry is not None
        assert customer.code.startswith("KH") and customer.version == 1
        assert "@" in customer.email
    for contact in Contact.objects.all()[:50]:
        assert CHINESE.match(contact.name) and 2 <= len(contact.name) <= 4
        assert MOBILE.match(contact.mobile)


@pytest.mark.django_db
def test_seeded_codes_follow_the_customer_sequence(org):
    seed(customers=30, seed=1)
    from guanxi.customers.services.customers import customer_create

    made = customer_create(actor=org["manager1"], name="新客户有限公司")

    codes = set(Customer.objects.values_list("code", flat=True))
    assert len(codes) == 31 and made.code in codes
    assert made.history.first() is not None  # services still write history; the seeder does not
    assert Customer.history.count() == 1


@pytest.mark.django_db
def test_owners_can_be_limited_to_given_managers(org):
    managers = [org["manager1"], org["manager2"]]
    seed(customers=100, seed=2, owners=managers)
    owners = set(Customer.objects.exclude(owner=None).values_list("owner__username", flat=True))
    assert owners == {"manager1", "manager2"}


def test_customers_register_their_seeder():
    assert "customers" in [name for name, _fn in registered_seeders()]


@pytest.mark.django_db
def test_seed_command_reports_rows_per_second(org, capsys):
    call_command("seed", customers=25, seed=3)
    out = capsys.readouterr().out
    assert "customers=25" in out and "rows/s" in out
    assert Customer.objects.count() == 25


@pytest.mark.django_db(transaction=True)
def test_the_parallel_writer_gives_the_same_data(org):
    """On PostgreSQL a second thread writes while the next batch is generated."""
    seed(customers=150, seed=5, batch_size=40)
    serial = digest()
    ServiceRequest.all_objects.all().delete()  # they protect their customers
    Contact.all_objects.all().delete()
    Customer.all_objects.all().delete()
    codes_from_one()

    report = seed(customers=150, seed=5, batch_size=40, parallel=True)

    assert report.counts["customers"] == Customer.objects.count() == 150
    assert digest() == serial


def test_the_search_index_comes_back_even_when_a_later_seeder_fails(org, monkeypatch):
    from django.db import connection

    from guanxi.accounts.seed import organisation as seeding
    from guanxi.customers.search.index import TRIGRAM_INDEX
    from guanxi.customers.search.sqlite import FTS_TABLE
    from guanxi.customers.seed import customers as customer_seed
    from guanxi.customers.selectors.customers import customer_list

    def broken(ctx, customers):
        raise RuntimeError("a later seeder failed")

    customers_only = [step for step in registered_seeders() if step[0] == "customers"]
    monkeypatch.setattr(customer_seed, "REBUILD_INDEX_FROM", 1)
    monkeypatch.setattr(seeding, "registered_seeders", lambda: [*customers_only, ("x", broken)])
    with pytest.raises(RuntimeError):
        seed(customers=3, owners=[org["manager1"]])

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [TRIGRAM_INDEX])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        assert cursor.fetchone() is not None
    assert customer_list(actor=org["admin"], search="kh20").count() == 3
