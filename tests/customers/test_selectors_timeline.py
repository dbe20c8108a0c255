"""The customer timeline selector (merge, order, keyset paging, filters, scope) and key figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DecimalField, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from guanxi.customers import key_figures, timeline
from guanxi.customers.models import ChurnCase, Customer
from guanxi.customers.timeline import Cursor, customer_timeline
from tests.customers.fixtures.customers import ContactFactory
from tests.customers.fixtures.timeline import NOW, ago, comment, document, event, interaction
from tests.service.fixtures.requests import on_timeline


@pytest.fixture
def customer(customers):
    return customers["manager1"]


def kinds_of(page) -> list[str]:
    return [entry.kind for entry in page.entries]


def test_sources_are_merged_newest_first(org, customer):
    interaction(customer, when=ago(hours=1))
    document(customer, when=ago(hours=2))
    event(customer, when=ago(hours=3))
    comment(customer, when=ago(minutes=30))
    page = customer_timeline(actor=org["manager1"], customer=customer)
    assert kinds_of(page) == ["comment", "interaction", "document", "event"]
    assert [entry.when for entry in page.entries] == sorted(
        (entry.when for entry in page.entries), reverse=True
    )
    assert page.next_before is None


def test_an_interaction_carries_its_attachments_with_the_latest_version(org, customer):
    visit = interaction(customer, summary="年度拜访")
    document(customer, interaction=visit, title="会议纪要", versions=3)
    page = customer_timeline(actor=org["manager1"], customer=customer)
    # The attachment shows under the interaction, not as an entry of its own.
    assert kinds_of(page) == ["interaction"]
    (link,) = page.entries[0].links
    assert link.title == "会议纪要"
    assert "v3" in link.note and "合同-v3.pdf" in link.note


def test_a_document_shows_its_latest_version(org, customer):
    document(customer, title="营业执照", versions=2)
    (entry,) = customer_timeline(actor=org["manager1"], customer=customer).entries
    assert entry.title == "营业执照"
    assert "v2" in entry.links[0].note


def test_records_in_the_recycle_bin_are_left_out(org, customer):
    gone = interaction(customer)
    type(gone).objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    dropped = comment(customer)
    type(dropped).objects.filter(pk=dropped.pk).update(deleted_at=timezone.now())
    assert customer_timeline(actor=org["manager1"], customer=customer).entries == []


def test_keyset_paging_walks_every_entry_once_even_with_equal_times(org, customer):
    same = ago(hours=5)
    for hour in range(6):
        interaction(customer, when=ago(hours=hour, minutes=7))
    for _ in range(3):
        event(customer, when=same)  # three events at the very same moment
    interaction(customer, when=same)
    comment(customer, when=same)
    document(customer, when=ago(days=2))
    expected = customer_timeline(actor=org["manager1"], customer=customer, limit=100).entries
    assert len(expected) == 12
    seen, before = [], None
    while True:
        page = customer_timeline(actor=org["manager1"], customer=customer, before=before, limit=4)
        seen.extend(page.entries)
        if page.next_before is None:
            break
        before = page.next_before
    assert [(e.kind, e.pk) for e in seen] == [(e.kind, e.pk) for e in expected]


def test_before_as_a_plain_time_gives_strictly_older_entries(org, customer):
    interaction(customer, when=ago(hours=1))
    older = interaction(customer, when=ago(hours=3))
    boundary = ago(hours=1).astimezone(datetime.UTC).isoformat()
    page = customer_timeline(actor=org["manager1"], customer=customer, before=boundary)
    assert [entry.pk for entry in page.entries] == [older.pk]


@pytest.mark.parametrize("raw", ["yesterday", "2026-01-01T00:00:00Z~event", "x~y~z", "~~"])
def test_a_garbled_before_is_refused_naming_it(org, customer, raw):
    with pytest.raises(ValidationError) as error:
        customer_timeline(actor=org["manager1"], customer=customer, before=raw)
    assert "before" in error.value.message_dict


def test_the_cursor_round_trips():
    cursor = Cursor(NOW, "interaction", 42)
    assert Cursor.decode(cursor.encode()) == cursor


def test_filter_by_kind(org, customer):
    interaction(customer)
    comment(customer)
    event(customer)
    page = customer_timeline(actor=org["manager1"], customer=customer, kinds=["comment", "event"])
    assert sorted(kinds_of(page)) == ["comment", "event"]
    with pytest.raises(ValidationError) as error:
        customer_timeline(actor=org["manager1"], customer=customer, kinds=["no_such_kind"])
    assert "kind" in error.value.message_dict


def test_out_of_scope_customers_have_no_timeline(org, customer):
    interaction(customer)
    with pytest.raises(Customer.DoesNotExist):
        customer_timeline(actor=org["manager2"], customer=customer)
    for username in ("supervisor", "assistant", "exec", "admin"):
        assert customer_timeline(actor=org[username], customer=customer).entries


def test_comments_of_everyone_who_sees_the_customer_are_shown(org, customer):
    comment(customer, by=org["supervisor"], body="主管意见")
    (entry,) = customer_timeline(actor=org["manager1"], customer=customer).entries
    assert entry.text == "主管意见" and entry.actor == org["supervisor"]
    assert entry.deletable is False  # someone else's comment
    (own,) = customer_timeline(actor=org["supervisor"], customer=customer).entries
    assert own.deletable is True


def test_a_source_the_actor_has_no_right_to_is_left_out(org, customer):
    comment(customer)
    interaction(customer)
    manager = org["manager1"]
    manager.groups.first().permissions.remove(
        *manager.groups.first().permissions.filter(codename="view_comment")
    )
    manager = type(manager).objects.get(pk=manager.pk)  # fresh permission cache
    assert kinds_of(customer_timeline(actor=manager, customer=customer)) == ["interaction"]


def test_a_registered_provider_joins_the_timeline(org, customer):
    class SampleProvider(timeline.TimelineProvider):
        # Not "order": the sales app registers the real order provider under that kind.
        kind = "sample"
        label = "Samples"

        def entries(self, *, actor, customer, cursor, limit):
            entry = timeline.TimelineEntry(kind="sample", pk=1, when=ago(minutes=1), title="样品")
            return [entry] if cursor is None or cursor.when > entry.when else []

    interaction(customer)
    timeline.register(SampleProvider())
    try:
        page = customer_timeline(actor=org["manager1"], customer=customer)
        assert kinds_of(page) == ["sample", "interaction"]
        assert ("sample", "Samples") in timeline.timeline_kinds(actor=org["manager1"])
    finally:
        timeline._PROVIDERS.pop("sample")


def _count_queries(actor, customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        customer_timeline(actor=actor, customer=customer)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_entries(org, customer):
    manager = org["manager1"]
    visit = interaction(customer)
    document(customer, interaction=visit)
    document(customer)
    event(customer)
    comment(customer)
    on_timeline(org, customer)
    _count_queries(manager, customer)  # rights and scope get cached on the user
    few = _count_queries(manager, customer)
    # One UNION query reads the page's rows of every source with what they show, plus one
    # for the attachments of the interactions that have some: neither the sources nor the
    # kinds on the page cost a query each.
    assert few == 2
    for hour in range(6):  # several rows of every source: an N+1 would show
        visit = interaction(customer, when=ago(hours=hour + 10))
        document(customer, interaction=visit, versions=2)
        document(customer, interaction=visit)
        document(customer, when=ago(hours=hour + 10))
        event(customer, when=ago(hours=hour + 10))
        comment(customer, when=ago(hours=hour + 10), by=org["supervisor"])
        on_timeline(org, customer, when=ago(hours=hour + 10), satisfaction=2 + hour % 3)
    assert _count_queries(manager, customer) == few


# --- key figures ----------------------------------------------------------------------------


def figures(actor, customer) -> dict:
    return {f.key: f for f in key_figures.customer_key_figures(actor=actor, customer=customer)}


def test_key_figures_of_a_fresh_customer(org, customer):
    shown = figures(org["manager1"], customer)
    assert shown["last_follow_up"].display == "—"
    assert shown["last_order"].display == "—"
    assert shown["recent_interactions"].value == 0
    assert shown["documents"].value == 0
    assert shown["contacts"].value == 1
    assert shown["completeness"].value == customer.completeness
    assert shown["churn"].value is None and shown["churn"].tone == ""
    assert shown["credit_status"].tone == ""
    # What does not exist yet is not made up.
    assert not {"revenue", "rfm", "open_services"} & set(shown)


def test_key_figures_count_and_date_what_happened(org, customer):
    interaction(customer, when=ago(days=10))
    interaction(customer, when=ago(days=89))
    interaction(customer, when=ago(days=120))  # too old to count
    gone = interaction(customer, when=ago(days=1))
    type(gone).objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    document(customer)
    document(customer, interaction=gone)  # an attachment is not a customer document
    ContactFactory(customer=customer)
    Customer.objects.filter(pk=customer.pk).update(
        last_follow_up_at=ago(days=10),
        last_order_at=datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC),
        owned_since=ago(days=40, hours=1),
        credit_status=Customer.CreditStatus.ON_HOLD,
    )
    ChurnCase.objects.create(customer=customer, state=ChurnCase.State.WARNING)
    customer.refresh_from_db()
    with translation.override("zh-hans"):  # dates read as Chinese readers write them
        shown = figures(org["manager1"], customer)
    assert shown["recent_interactions"].value == 2
    assert shown["documents"].value == 1
    assert shown["contacts"].value == 2
    assert shown["last_order"].display == "2026-03-05"
    assert shown["last_follow_up"].value == ago(days=10)
    assert shown["owned_days"].value == 40
    assert shown["churn"].value == "warning" and shown["churn"].tone == "warning"
    assert shown["credit_status"].tone == "warning"


def test_every_apps_key_figures_take_one_query_together(org, customer, django_assert_num_queries):
    def revenue_facts(*, actor):
        return {"test_revenue": Value(Decimal("10.00"), output_field=DecimalField())}

    def revenue(*, actor, customer, facts):
        return [key_figures.KeyFigure("revenue", "Revenue", facts["test_revenue"], "¥10.00")]

    source = key_figures.FigureSource(facts=revenue_facts, figures=revenue)
    key_figures.register(source)
    try:
        # A page has read the reader's rights and scope already: the figures of customers,
        # sales, service and this extra source are one query together.
        figures(org["manager1"], customer)
        with django_assert_num_queries(1):
            shown = figures(org["manager1"], customer)
        assert shown["revenue"].value == Decimal("10.00")
        assert {"orders", "open_deals", "outstanding_receivables", "open_service_requests"} <= (
            shown.keys()
        )
    finally:
        key_figures._SOURCES.remove(source)
