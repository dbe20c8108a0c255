"""Contacts and interactions imported a batch at once (``write_batch``): the same rules, rows,
history and derived customer fields as the row-by-row path, in a fixed number of queries."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.core.models import ImportJob
from guanxi.customers.importing.contacts import ContactImporter
from guanxi.customers.importing.interactions import InteractionImporter
from guanxi.customers.models import Contact, Customer, Interaction
from guanxi.customers.selectors.search import customer_search
from guanxi.customers.services.interactions import FOLLOW_UP_RECORDED
from tests.core.fixtures.imports import entity_import_storage, run_import  # noqa: F401
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")

CONTACT_HEADERS = ["客户", "姓名", "职务", "手机", "邮箱", "主联系人", "外部编号", "创建时间"]
INTERACTION_HEADERS = [
    "客户编号",
    "联系人",
    "日期",
    "方式",
    "概要",
    "记录人",
    "外部编号",
    "创建时间",
]


def _local(moment) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


@pytest.fixture
def row_by_row(monkeypatch):
    """The engine's fallback: every row through its service, one savepoint each."""

    def off():
        monkeypatch.setattr(ContactImporter, "write_batch", lambda self, rows: False)
        monkeypatch.setattr(InteractionImporter, "write_batch", lambda self, rows: False)

    return off


def test_contacts_in_bulk_keep_dates_write_history_and_are_searchable_at_once(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, code="KH-B-1", name="杭州西湖茶业")
    job = run_import(
        manager,
        "contacts",
        [
            CONTACT_HEADERS,
            [
                "KH-B-1",
                "欧阳娜娜",
                "采购经理",
                "13800138000",
                "nn@xihu.cn",
                "",
                "C-1",
                "2018-03-04",
            ],
            ["KH-B-1", "司马光", "", "", "", "是", "C-2", ""],
        ],
    )
    assert (job.state, job.created_count, job.error_count) == (ImportJob.State.DONE, 2, 0)
    first, second = Contact.objects.get(external_ref="C-1"), Contact.objects.get(external_ref="C-2")
    assert first.mobile == "+8613800138000" and first.created_by == manager
    assert _local(first.created_at) == datetime(2018, 3, 4)
    # The first contact of a customer is its primary one until a row asks for the flag.
    assert (first.is_primary, second.is_primary) == (False, True)
    created = first.history.get(history_type="+")
    assert created.history_user == manager and created.name == "欧阳娜娜"
    assert second.history.filter(history_type="+").count() == 1
    hits = customer_search(actor=manager, search="欧阳娜娜").hits
    assert [hit.customer for hit in hits] == [customer]
    assert [hit.customer for hit in customer_search(actor=manager, search="simaguang").hits] == [
        customer
    ]


def test_an_explicit_primary_takes_the_flag_from_the_customers_current_one(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, code="KH-B-2")
    old = ContactFactory(customer=customer, name="老联系人", is_primary=True)
    job = run_import(
        manager,
        "contacts",
        [
            CONTACT_HEADERS,
            ["KH-B-2", "甲", "", "", "", "", "P-1", ""],
            ["KH-B-2", "乙", "", "", "", "是", "P-2", ""],
            ["KH-B-2", "丙", "", "", "", "", "P-3", ""],
        ],
    )
    assert job.created_count == 3, job.report
    primary = Contact.objects.filter(customer=customer, is_primary=True)
    assert [c.name for c in primary] == ["乙"]
    old.refresh_from_db()
    assert not old.is_primary
    assert old.history.first().history_type == "~"


def test_bad_rows_are_refused_with_the_services_messages_and_nothing_of_them_is_written(
    org, english
):
    manager = org["manager1"]
    CustomerFactory(owner=manager, code="KH-B-3")
    job = run_import(
        manager,
        "contacts",
        [
            CONTACT_HEADERS,
            ["KH-B-3", "好的", "", "13800138000", "", "", "G-1", ""],
            ["KH-B-3", "坏手机", "", "12345", "", "", "G-2", ""],
            ["KH-B-3", "坏邮箱", "", "", "not-an-email", "", "G-3", ""],
            ["KH-B-3", "长职务", "职" * 101, "", "", "", "G-4", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 3)
    kinds = {(k["kind"], k["column"]) for k in job.kind_counts}
    # The title's length is refused where the file is parsed (its column's max length).
    assert kinds == {("refused", "手机"), ("refused", "邮箱"), ("invalid", "职务")}
    assert {e["row"] for e in job.report} == {3, 4, 5}
    assert Contact.objects.filter(customer__code="KH-B-3").count() == 1


def test_interactions_in_bulk_move_the_last_follow_up_forward_once_per_batch(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, code="KH-B-4")
    customer.last_follow_up_at = timezone.make_aware(datetime(2020, 1, 1))
    customer.recall_notice_at = timezone.now()
    customer.save()
    contact = ContactFactory(customer=customer, name="刘洋")
    job = run_import(
        manager,
        "interactions",
        [
            INTERACTION_HEADERS,
            ["KH-B-4", "刘洋", "2021-06-01 10:00", "电话", "询价", "", "I-1", "2021-06-02"],
            ["KH-B-4", "", "2022-03-05 09:00", "拜访", "演示", "manager1", "I-2", ""],
            ["KH-B-4", "", "2019-01-01", "", "旧记录", "", "I-3", ""],
        ],
    )
    assert job.created_count == 3, job.report
    call = Interaction.objects.get(external_ref="I-1")
    assert call.contact == contact and call.kind == Interaction.Kind.CALL
    assert _local(call.created_at) == datetime(2021, 6, 2)
    assert call.history.get().history_user == manager
    customer.refresh_from_db()
    assert _local(customer.last_follow_up_at) == datetime(2022, 3, 5, 9)
    assert customer.recall_notice_at is None
    entry = customer.history.first()
    assert entry.history_user is None and entry.history_change_reason == str(FOLLOW_UP_RECORDED)


def test_interaction_refused_by_the_service_rules_is_not_written(org, english):
    manager = org["manager1"]
    CustomerFactory(owner=manager, code="KH-B-5")
    job = run_import(
        manager,
        "interactions",
        [
            INTERACTION_HEADERS,
            ["KH-B-5", "", "1960-01-01", "", "太早", "", "E-1", ""],
            ["KH-B-5", "", "2020-01-01", "", "好", "", "E-2", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 1)
    assert job.report[0]["column"] == "日期" and "1970" in job.report[0]["message"]
    assert not Interaction.objects.filter(external_ref="E-1").exists()


def _interaction_rows(count: int, start: int, codes: list[str]) -> list[list]:
    return [INTERACTION_HEADERS] + [
        [
            codes[i % len(codes)],
            "",
            f"2020-02-{1 + i % 28:02d} 10:00",
            "",
            f"回访 {start + i}",
            "manager1",
            f"Q-{start + i}",
            "",
        ]
        for i in range(count)
    ]


def test_queries_per_batch_do_not_grow_with_its_rows(org):
    manager = org["manager1"]
    codes = [CustomerFactory(owner=manager).code for _ in range(8)]
    with CaptureQueriesContext(connection) as few:
        assert run_import(manager, "interactions", _interaction_rows(4, 0, codes)).created_count
    with CaptureQueriesContext(connection) as many:
        job = run_import(manager, "interactions", _interaction_rows(60, 100, codes))
    assert job.created_count == 60, job.report
    assert len(many) <= len(few) + 2, (len(few), len(many))


def test_contacts_queries_per_batch_do_not_grow_with_its_rows(org):
    manager = org["manager1"]
    codes = [CustomerFactory(owner=manager).code for _ in range(8)]

    def rows(count, start):
        return [CONTACT_HEADERS] + [
            [codes[i % 8], f"联系人{start + i}", "", "", "", "", f"K-{start + i}", ""]
            for i in range(count)
        ]

    with CaptureQueriesContext(connection) as few:
        run_import(manager, "contacts", rows(4, 0))
    with CaptureQueriesContext(connection) as many:
        assert run_import(manager, "contacts", rows(60, 100)).created_count == 60
    assert len(many) <= len(few) + 2, (len(few), len(many))


def test_reimport_changes_nothing_and_an_edited_row_is_a_versioned_update(org):
    manager = org["manager1"]
    codes = [CustomerFactory(owner=manager).code for _ in range(3)]
    rows = _interaction_rows(6, 0, codes)
    assert run_import(manager, "interactions", rows).created_count == 6
    history = Interaction.history.count()
    again = run_import(manager, "interactions", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 6)
    assert Interaction.history.count() == history
    rows[1][4] = "改过的概要"
    changed = run_import(manager, "interactions", rows)
    assert (changed.updated_count, changed.skipped_count) == (1, 5)
    edited = Interaction.objects.get(external_ref="Q-0")
    assert edited.summary == "改过的概要" and edited.version == 2
    assert edited.history.first().history_type == "~"


def _snapshot(prefix: str) -> dict:
    """What a mixed import left behind, with the customers' codes as the file named them."""
    contacts = sorted(
        (
            c.customer.code.removeprefix(prefix),
            c.name,
            c.title,
            c.mobile,
            c.email,
            c.is_primary,
            (c.external_ref or "").removeprefix(prefix),
            c.created_at.date() if c.external_ref and "D" in c.external_ref else None,
            c.created_by_id,
            c.version,
        )
        for c in Contact.objects.filter(customer__code__startswith=prefix)
    )
    interactions = sorted(
        (
            i.customer.code.removeprefix(prefix),
            i.contact.name if i.contact else "",
            i.occurred_at,
            i.kind,
            i.summary,
            i.on_behalf_of_id,
            (i.external_ref or "").removeprefix(prefix),
            i.version,
        )
        for i in Interaction.objects.filter(customer__code__startswith=prefix)
    )
    customers = sorted(
        (c.code.removeprefix(prefix), c.last_follow_up_at, c.search_text)
        for c in Customer.objects.filter(code__startswith=prefix)
    )
    history = sorted(
        (h.history_type, h.name, h.history_user_id)
        for h in Contact.history.filter(customer__code__startswith=prefix)
    ) + sorted(
        (h.history_type, h.summary, h.history_user_id)
        for h in Interaction.history.filter(customer__code__startswith=prefix)
    )
    return {
        "contacts": contacts,
        "interactions": interactions,
        "customers": customers,
        "history": history,
    }


def _mixed_import(org, prefix: str) -> tuple[dict, list]:
    manager = org["manager1"]
    a = CustomerFactory(owner=manager, code=f"{prefix}A", name=f"{prefix}甲公司")
    b = CustomerFactory(owner=manager, code=f"{prefix}B", name=f"{prefix}乙公司")
    ContactFactory(
        customer=b, name="旧人", is_primary=True, external_ref=f"{prefix}OLD", mobile="", email=""
    )
    outcomes = []
    contacts = [
        CONTACT_HEADERS,
        [a.code, "张伟", "经理", "13800138000", "", "", f"{prefix}C1", ""],
        [a.code, "李娜", "", "12345", "", "", f"{prefix}C2", ""],
        [a.code, "王芳", "", "", "wf@x.cn", "是", f"{prefix}C3", ""],
        [b.code, "旧人", "总监", "", "", "", f"{prefix}OLD", ""],
        [b.code, "赵敏", "", "", "bad@", "", f"{prefix}C4", ""],
        [b.code, "钱七", "", "", "", "", f"{prefix}D5", "2015-05-05"],
        ["KH-NOWHERE", "孙八", "", "", "", "", f"{prefix}C6", ""],
        [a.code, "张伟", "", "", "", "", f"{prefix}C1", ""],
    ]
    for rows in (contacts, contacts):  # twice: the second time, unchanged
        job = run_import(manager, "contacts", rows)
        outcomes.append(
            (job.created_count, job.updated_count, job.skipped_count, job.error_count, job.report)
        )
    interactions = [
        INTERACTION_HEADERS,
        [a.code, "张伟", "2021-06-01 10:00", "电话", "询价", "", f"{prefix}I1", ""],
        [a.code, "", "2022-01-01 10:00", "拜访", "拜访", "manager1", f"{prefix}I2", ""],
        [b.code, "李娜", "2021-01-01", "", "联系人不在", "", f"{prefix}I3", ""],
        [b.code, "旧人", "2023-03-03", "会议", "会谈", "manager2", f"{prefix}I4", ""],
        [a.code, "", "1960-01-01", "", "太早", "", f"{prefix}I5", ""],
        [b.code, "", "2020-02-02", "", "无编号", "", "", ""],
    ]
    for rows in (interactions, interactions):
        job = run_import(manager, "interactions", rows)
        outcomes.append(
            (job.created_count, job.updated_count, job.skipped_count, job.error_count, job.report)
        )
    return _snapshot(prefix), outcomes


def _without_prefix(outcomes, prefix):
    # The two files' records differ by their prefix, the present records also by their ids.
    def same(entry):
        found = {**entry, "message": entry["message"].replace(prefix, "")}
        if "candidate" in found:
            found["candidate"] = found["candidate"]["label"].replace(prefix, "")
        return found

    return [(*counts, [same(e) for e in report]) for *counts, report in outcomes]


def test_bulk_and_row_by_row_imports_leave_the_same_rows(org, row_by_row, english):
    bulk, bulk_outcomes = _mixed_import(org, "BK")
    row_by_row()
    rows, row_outcomes = _mixed_import(org, "RW")
    assert _without_prefix(bulk_outcomes, "BK") == _without_prefix(row_outcomes, "RW")
    assert bulk["contacts"] == rows["contacts"]
    assert bulk["interactions"] == rows["interactions"]
    assert [c[:2] for c in bulk["customers"]] == [c[:2] for c in rows["customers"]]
    assert bulk["history"] == rows["history"]
    assert bulk_outcomes[0][:4] == (3, 1, 1, 3)
