"""Queries compiled once per shape (core.compiled): the same rows as the queryset, for every
record; what cannot be cached is not; a shape is compiled again after its lifetime."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.db.models import Count, F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.core import compiled
from guanxi.core.compiled import compiled_rows, reader_shape
from guanxi.customers.models import Customer
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def _contacts(pk):
    query = (
        Customer.all_objects.filter(pk=pk)
        .annotate(contact_count=Count("contacts"), label=Value("x"))
        .values("contact_count", "name", "label")
    )
    return query, {"built": pk}


@pytest.fixture
def two(org):
    first, second = CustomerFactory(name="甲公司"), CustomerFactory(name="乙公司")
    ContactFactory(customer=first)
    ContactFactory(customer=first)
    return first, second


def test_each_record_gets_its_own_rows_from_one_compiled_query(two, django_assert_num_queries):
    first, second = two
    made = compiled_rows("contacts", _contacts, first.pk)
    assert made is not None and made.rows == [(2, "甲公司", "x")]
    assert made.names == ("contact_count", "name", "label") and made.extra == {"built": first.pk}
    # The second record: one query, the shape's SQL reused, its own values.
    with django_assert_num_queries(1):
        again = compiled_rows("contacts", _contacts, second.pk)
    assert again is not None and again.rows == [(0, "乙公司", "x")]
    assert again.extra == {"built": first.pk}  # what was built with the shape


def test_a_query_that_depends_on_more_than_the_id_is_not_cached(two):
    first, _second = two

    def by_time(pk):
        moment = timezone.now()  # differs between the two compilations
        return Customer.all_objects.filter(pk=pk, created_at__lt=moment).values("name"), None

    def by_other_value(pk):
        return Customer.all_objects.filter(pk=pk, version__gte=pk % 2).values("name"), None

    assert compiled_rows("by-time", by_time, first.pk) is None
    assert compiled_rows("by-other", by_other_value, first.pk) is None


def test_a_shape_is_compiled_again_after_its_lifetime(two, monkeypatch):
    first, second = two
    built = []

    def counting(pk):
        built.append(pk)
        return Customer.all_objects.filter(pk=pk).annotate(n=F("pk")).values("n"), None

    compiled_rows("counted", counting, first.pk)
    compiled_rows("counted", counting, second.pk)
    assert len(built) == 2  # the record and its twin, once
    later = compiled._SHAPES[next(iter(compiled._SHAPES))][1] + compiled.LIFETIME + 1
    monkeypatch.setattr(compiled.time, "monotonic", lambda: later)
    assert compiled_rows("counted", counting, second.pk).rows == [(second.pk,)]
    assert len(built) == 4


def test_readers_with_other_rights_or_scope_have_other_shapes(org):
    shapes = {name: reader_shape(org[name]) for name in ("manager1", "manager2", "supervisor")}
    assert len(set(shapes.values())) == 3
    assert reader_shape(org["exec"])[-1] is None  # sees everything: no list of users


def test_the_360_page_reads_the_same_with_the_compiled_queries(login, org):
    from guanxi.customers.models import Interaction

    customers = [CustomerFactory(owner=org["manager1"]) for _ in range(3)]
    for index, customer in enumerate(customers):
        for day in range(index + 1):
            Interaction.objects.create(
                customer=customer,
                summary=f"拜访{index}-{day}",
                created_by=org["manager1"],
                occurred_at=timezone.now() - datetime.timedelta(days=day),
            )
    client = login("manager1")
    for index, customer in enumerate(customers):
        page = client.get(f"/customers/{customer.pk}/").content.decode()
        # Each page shows its own customer's interactions, none of another's.
        shown = set(re.findall(r"拜访(\d)-(\d)", page))
        assert shown == {(str(index), str(day)) for day in range(index + 1)}


def _with_owner(pk):
    return Customer.all_objects.select_related("owner", "level").filter(pk=pk).order_by(), None


def test_model_instances_come_with_their_related_objects(org, django_assert_num_queries):
    first = CustomerFactory(owner=org["manager1"], name="丙公司")
    second = CustomerFactory(owner=None, name="丁公司")
    compiled.compiled_objects("with-owner", _with_owner, first.pk)
    with django_assert_num_queries(1):
        (found,) = compiled.compiled_objects("with-owner", _with_owner, second.pk)
        assert found.owner is None and found.name == "丁公司"
    with django_assert_num_queries(1):
        (found,) = compiled.compiled_objects("with-owner", _with_owner, first.pk)
        # The owner and level came with the customer, as select_related gives them.
        assert found.owner.username == "manager1" and found.level == first.level
    assert found == first and found._state.db == "default" and not found._state.adding
    assert compiled.compiled_objects("with-owner", _with_owner, 2**40) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_on_postgresql_a_shape_runs_as_a_prepared_statement_planned_once(two, settings):
    first, second = two
    label = uuid.uuid4().hex  # a statement this database session has not prepared yet

    def labelled(pk):
        query = Customer.all_objects.filter(pk=pk).annotate(label=Value(label))
        return query.values("name", "label"), None

    with CaptureQueriesContext(connection) as ran:
        assert compiled_rows("labelled", labelled, first.pk).rows == [("甲公司", label)]
    # Prepared and run in one round trip.
    assert len(ran) == 1 and "PREPARE" in ran[0]["sql"] and "EXECUTE" in ran[0]["sql"]
    with CaptureQueriesContext(connection) as ran:
        assert compiled_rows("labelled", labelled, second.pk).rows == [("乙公司", label)]
    assert [query["sql"] for query in ran] == [f"EXECUTE {_statement_name(ran)}({second.pk})"]
    settings.PREPARED_QUERIES = False
    compiled.forget_shapes()
    with CaptureQueriesContext(connection) as ran:
        compiled_rows("labelled", labelled, first.pk)
    assert not any(query["sql"].startswith(("PREPARE", "EXECUTE")) for query in ran)


def _statement_name(ran):
    return re.match(r"EXECUTE (guanxi_\w+)\(", ran[0]["sql"]).group(1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_after_a_failed_round_trip_the_next_record_is_prepared_afresh(two):
    from django.db import DataError, transaction
    from django.db.models import ExpressionWrapper, IntegerField

    first, second = two
    label = uuid.uuid4().hex

    def divided(pk):
        # Divides by zero for the first customer only: its round trip fails after PREPARE.
        share = ExpressionWrapper(Value(100) / (F("pk") - Value(first.pk)), IntegerField())
        query = Customer.all_objects.filter(pk=pk).annotate(share=share, label=Value(label))
        return query.values("share", "label"), None

    with pytest.raises(DataError), transaction.atomic():
        compiled_rows("divided", divided, first.pk)
    # The statement outlived the rolled-back transaction; it is dropped and prepared again.
    assert compiled_rows("divided", divided, second.pk).rows == [
        (100 // (second.pk - first.pk), label)
    ]
