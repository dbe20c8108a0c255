"""The audit trail of a record: the selector and the ``{% record_history %}`` tag."""

from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from guanxi.accounts.models import User
from guanxi.core.formatting import format_datetime
from guanxi.core.selectors.pages import record_history
from guanxi.core.services.records import record_restore, record_soft_delete
from guanxi.customers.models import Customer
from guanxi.customers.services.credit import customer_credit_hold_set
from guanxi.customers.services.customers import customer_create, customer_update
from tests.core.fixtures.dictionaries import dictionary


@pytest.fixture
def customer(org):
    """Created by the assistant for manager1, then edited by manager1 and the supervisor."""
    made = customer_create(
        actor=org["assistant"],
        name="杭州青松茶业",
        phone="13800138000",
        level=dictionary("customer_level", "ordinary"),
    )
    customer_update(
        actor=org["manager1"],
        customer=made,
        expected_version=1,
        phone="13900139000",
        level=dictionary("customer_level", "major"),
    )
    customer_credit_hold_set(
        actor=org["supervisor"], customer=made, on_hold=True, reason="逾期未付", expected_version=2
    )
    return Customer.objects.get(pk=made.pk)


def _render(record) -> str:
    return Template("{% load guanxi %}{% record_history record %}").render(
        Context({"record": record})
    )


def test_entries_are_newest_first_with_who_and_action(org, customer):
    entries = record_history(instance=customer)
    assert [e.action for e in entries] == ["changed", "changed", "created"]
    assert [e.user for e in entries] == [org["supervisor"], org["manager1"], org["assistant"]]
    assert entries[-1].on_behalf_of == org["manager1"]
    assert entries[0].on_behalf_of is None  # only shown where it was set
    assert entries[-1].changes == []


def test_changes_show_before_and_after_with_dictionary_labels(org, customer):
    with translation.override("en"):
        entries = record_history(instance=customer)
    changes = {c.field: (c.label, c.before, c.after) for c in entries[1].changes}
    assert changes["phone"] == ("phone", "138 0013 8000", "139 0013 9000")
    assert changes["level"] == ("customer level", "Ordinary customer", "Major account")
    assert set(changes) == {"phone", "level"}
    hold = {c.field: (c.before, c.after) for c in entries[0].changes}
    assert hold == {"credit_status": ("Normal", "Credit on hold")}
    assert "逾期未付" in entries[0].reason


def test_dictionary_labels_follow_the_reader_language(customer):
    with translation.override("zh-hans"):
        entries = record_history(instance=customer)
    level = next(c for c in entries[1].changes if c.field == "level")
    assert (level.before, level.after) == ("普通客户", "大客户")


def test_recycle_bin_moves_appear_with_their_reason(org, customer):
    with translation.override("en"):  # the reason is stored in the writer's language
        record_soft_delete(instance=customer, actor=org["manager1"])
        record_restore(instance=Customer.all_objects.get(pk=customer.pk), actor=org["admin"])
        entries = record_history(instance=customer)
    assert [e.action for e in entries[:2]] == ["restored", "deleted"]
    assert entries[0].reason == "Restored from the recycle bin"
    assert entries[1].user == org["manager1"]


def test_tag_renders_a_read_only_table(org, customer):
    with translation.override("en"):
        html = _render(customer)
    assert html.count('data-testid="history-entry"') == 3
    assert "138 0013 8000</del> → <ins>139 0013 9000</ins>" in html
    assert "Ordinary customer</del> → <ins>Major account</ins>" in html
    assert str(org["supervisor"]) in html and str(org["assistant"]) in html
    assert f"on behalf of {org['manager1']}" in html
    assert "<form" not in html and "<button" not in html and "<input" not in html


def test_tag_shows_local_time(customer, settings):
    entry = customer.history.first()
    local = entry.history_date.astimezone(ZoneInfo(settings.TIME_ZONE))
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = _render(customer)
        # 2026-12-07 20:32 or Dec 7, 2026, 8:32 PM: the local wall-clock time either way.
        assert format_datetime(local.replace(tzinfo=None), language=language) in html


def test_limit_keeps_the_newest_entries_diffed(customer):
    entries = record_history(instance=customer, limit=2)
    assert len(entries) == 2
    assert entries[1].changes  # still diffed against the entry before it


def test_history_query_count_is_bounded(org, customer, django_assert_max_num_queries):
    for index in range(10):
        customer_update(
            actor=org["manager1"],
            customer=customer,
            expected_version=customer.version,
            level=dictionary("customer_level", "partner" if index % 2 else "major"),
            owner=org["manager1"],
        )
    with django_assert_max_num_queries(3):
        entries = record_history(instance=customer)
    assert len(entries) == 13


def test_works_for_records_without_on_behalf_of(org):
    user = User.objects.get(pk=org["manager2"].pk)
    user.phone = "021-12345678"
    user._history_user = org["admin"]
    user.save()
    entries = record_history(instance=user)
    assert entries[0].user == org["admin"]
    assert {c.field for c in entries[0].changes} >= {"phone"}


def test_history_leaves_out_bookkeeping_fields(org):
    from guanxi.core.selectors.pages import record_history
    from guanxi.customers.services.customers import customer_create, customer_update

    customer = customer_create(actor=org["manager1"], name="记账字段", owner=org["manager1"])
    customer_update(actor=org["supervisor"], customer=customer, phone="13800000000")
    latest = record_history(instance=customer)[0]
    assert [change.field for change in latest.changes] == ["phone"]
