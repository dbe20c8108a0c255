"""Customer import services: mapping, reading, per-row checks, dry run, commit, idempotency."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import DictionaryEntry
from guanxi.customers.identifiers import uscc_with_check
from guanxi.customers.importing.mapping import guess_mapping, mapping_clean
from guanxi.customers.models import Customer, CustomerEvent, ImportJob
from guanxi.customers.services.imports import (
    import_job_commit,
    import_job_create,
    import_job_validate,
)
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.imports import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.usefixtures("import_storage")

# The check character of the unified social credit code 91110000AB1234567…
CHECK = "E"
ZH_HEADERS = [
    "客户名称",
    "电话",
    "邮箱",
    "客户等级",
    "地区",
    "客户经理",
    "税号",
    "标签",
    "注册资金",
]


def run_import(actor, data: bytes, name="customers.csv", mapping=None, commit=True) -> ImportJob:
    job = import_job_create(actor=actor, upload=upload(data, name), mapping=mapping)
    job = import_job_validate(actor=actor, job=job)
    assert job.state == ImportJob.State.VALIDATED, job.error
    if commit:
        job = import_job_commit(actor=actor, job=job)
        assert job.state == ImportJob.State.DONE, job.error
    return job


def findings(job, kind=None):
    return [entry for entry in job.report if kind is None or entry["kind"] == kind]


# -- mapping ---------------------------------------------------------------------------------


def test_chinese_and_english_headers_are_recognised(db):
    assert guess_mapping(ZH_HEADERS) == {
        "客户名称": "name",
        "电话": "phone",
        "邮箱": "email",
        "客户等级": "level",
        "地区": "region",
        "客户经理": "owner",
        "税号": "tax_id",
        "标签": "tags",
        "注册资金": "registered_capital",
    }
    english = ["Customer Name", "PHONE", "e-mail", "Tax_ID", "Account manager", "Notes"]
    assert guess_mapping(english) == {
        "Customer Name": "name",
        "PHONE": "phone",
        "e-mail": "email",
        "Tax_ID": "tax_id",
        "Account manager": "owner",
    }
    # Full-width letters and stray spaces fold away; a field is taken by its first column.
    assert guess_mapping(["ＮＡＭＥ", " 名 称 ", "电话"]) == {"ＮＡＭＥ": "name", "电话": "phone"}


def test_a_mapping_needs_the_name_and_known_fields_once(db):
    headers = ["A", "B"]
    with pytest.raises(ValidationError, match="Customer name|客户名称"):
        mapping_clean({"A": "phone"}, headers)
    with pytest.raises(ValidationError):
        mapping_clean({"A": "name", "B": "name"}, headers)
    with pytest.raises(ValidationError):
        mapping_clean({"A": "name", "B": "password"}, headers)
    with pytest.raises(ValidationError):
        mapping_clean({"C": "name"}, headers)
    assert mapping_clean({"A": "name", "B": ""}, headers) == {"A": "name"}


# -- reading ---------------------------------------------------------------------------------

ROWS = [
    ["客户名称", "电话"],
    ["北京华联科技有限公司", "010-88886666"],
    ["上海浦江贸易", "13800138000"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_or_gbk_is_read(org, encoding):
    job = run_import(org["manager1"], csv_bytes(ROWS, encoding), commit=False)
    assert job.total_rows == 2 and job.error_count == 0
    job = import_job_commit(actor=org["manager1"], job=job)
    assert set(Customer.objects.values_list("name", flat=True)) == {
        "北京华联科技有限公司",
        "上海浦江贸易",
    }


def test_semicolon_separated_csv_is_read(org):
    data = "客户名称;电话\n杭州西湖茶业;0571-87654321\n".encode()
    run_import(org["manager1"], data)
    assert Customer.objects.get().phone == "+8657187654321"


def test_xlsx_with_numbers_in_cells_is_read(org):
    data = xlsx_bytes(
        [["客户名称", "电话", "满意度"], ["深圳南山电子", 13800138000, 4], [None, None]]
    )
    job = run_import(org["manager1"], data, name="客户.xlsx")
    assert job.created_count == 1
    customer = Customer.objects.get()
    assert (customer.phone, customer.satisfaction) == ("+8613800138000", 4)


def test_unreadable_files_are_refused_naming_the_file(org):
    with pytest.raises(ValidationError) as error:
        import_job_create(actor=org["manager1"], upload=upload(b"PK\x03\x04junk", "x.xlsx"))
    assert "file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        import_job_create(actor=org["manager1"], upload=upload(b"", "empty.csv"))
    assert "file" in error.value.message_dict
    assert not ImportJob.objects.exists()


# -- checking and committing -----------------------------------------------------------------


def test_each_bad_value_is_reported_with_row_and_column_and_nothing_is_written(org):
    data = csv_bytes(
        [
            ZH_HEADERS,
            ["好客户", "13800138000", "a@example.com", "大客户", "", "", "", "", ""],
            ["坏电话", "call me", "", "", "", "", "", "", ""],
            ["", "13900139000", "", "", "", "", "", "", ""],
            ["坏等级", "", "not-an-email", "超级客户", "", "", "", "", "lots"],
        ]
    )
    job = run_import(org["manager1"], data, commit=False)
    assert not Customer.objects.exists()  # a dry run writes nothing
    assert (job.total_rows, job.error_count) == (4, 3)
    errors = {(entry["row"], entry["column"]) for entry in findings(job, "error")}
    assert errors == {(3, "电话"), (4, "客户名称"), (5, "邮箱"), (5, "客户等级"), (5, "注册资金")}

    job = import_job_commit(actor=org["manager1"], job=job)
    assert job.created_count == 1 and job.error_count == 3
    assert list(Customer.objects.values_list("name", flat=True)) == ["好客户"]


def test_commit_fills_every_field_as_the_service_would(org):
    level = DictionaryEntry.objects.filter(kind="customer_level").first()
    region = DictionaryEntry.objects.filter(kind="region").first()
    data = csv_bytes(
        [
            ZH_HEADERS + ["客户类型", "信用状态", "信用冻结原因"],
            [
                "张伟贸易有限公司",
                "138 0013 8000",
                "Info@Example.com",
                level.name_zh,
                region.code,
                "manager2",
                "91110000ab123456 7" + CHECK,
                "重点，华东",
                "1,000,000.50",
                "个人",
                "Credit on hold",
                "逾期未付",
            ],
        ]
    )
    run_import(org["supervisor"], data)
    customer = Customer.objects.get()
    assert customer.code.startswith("KH")
    assert (customer.level, customer.region, customer.owner) == (level, region, org["manager2"])
    assert customer.tax_id == "91110000AB1234567" + CHECK
    assert customer.tags == ",重点,华东,"
    assert str(customer.registered_capital) == "1000000.50"
    assert (customer.kind, customer.credit_status) == ("person", "on_hold")
    assert (customer.credit_hold_reason, customer.credit_hold_by) == ("逾期未付", org["supervisor"])
    assert "zhangwei" in customer.search_text and "zw" in customer.search_text
    assert customer.name_key == "张伟贸易" and customer.phone_digits == "8613800138000"
    assert customer.created_by == org["supervisor"] and customer.on_behalf_of == org["manager2"]
    event = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.IMPORTED)
    assert event.actor == org["supervisor"] and event.data["file"] == "customers.csv"
    hold = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.CREDIT_HOLD)
    assert (hold.actor, hold.text) == (org["supervisor"], "逾期未付")


def test_importing_the_same_file_twice_adds_nothing(org):
    data = csv_bytes(
        [["名称", "电话", "税号"]]
        + [
            [f"客户{i}号", f"1380013{i:04d}", uscc_with_check(f"91110000000{i:06d}")]
            for i in range(30)
        ]
    )
    first = run_import(org["manager1"], data)
    assert first.created_count == 30
    second = run_import(org["manager1"], data)
    assert (second.created_count, second.duplicate_count) == (0, 30)
    assert Customer.objects.count() == 30


def test_rows_whose_code_exists_are_unchanged_with_a_link(org, customers):
    mine = customers["manager1"]
    data = csv_bytes([["客户编号", "客户名称"], [mine.code, "改了名字"], ["KH19990001", "新客户"]])
    job = run_import(org["manager1"], data)
    assert (job.created_count, job.skipped_count) == (1, 1)
    (entry,) = findings(job, "unchanged")
    assert entry["row"] == 2 and entry["customer_id"] == mine.pk
    mine.refresh_from_db()
    assert mine.name != "改了名字"


def test_duplicates_in_the_file_and_in_the_database_are_reported(org, customers):
    mine, other = customers["manager1"], customers["manager3"]
    data = csv_bytes(
        [
            ["客户名称", "电话", "邮箱"],
            ["新客户甲", "13700000001", ""],
            ["新客户甲有限公司", "", ""],  # same name key as row 2
            ["新客户乙", "13700000001", ""],  # same phone as row 2
            [mine.name, "", ""],  # in the database, visible
            ["新客户丙", other.phone, ""],  # in the database, out of manager1's scope
            ["新客户丁", "", mine.email.upper()],  # e-mail case does not matter
        ]
    )
    job = run_import(org["manager1"], data, commit=False)
    duplicates = {entry["row"]: entry for entry in findings(job, "duplicate")}
    assert set(duplicates) == {3, 4, 5, 6, 7}
    assert duplicates[3]["other_row"] == 2 and duplicates[4]["column"] == "电话"
    assert duplicates[5]["customer_id"] == mine.pk and duplicates[7]["customer_id"] == mine.pk
    assert "customer_id" not in duplicates[6] and other.name not in str(duplicates[6])
    job = import_job_commit(actor=org["manager1"], job=job)
    assert job.created_count == 1


def test_owners_default_and_scope(org):
    data = csv_bytes([["客户名称", "客户经理"], ["甲公司", ""], ["乙公司", "manager2"]])
    job = run_import(org["manager1"], data)
    # An account manager owns what they import, and cannot give customers to a colleague.
    assert Customer.objects.get(name="甲公司").owner == org["manager1"]
    (error,) = findings(job, "error")
    assert (error["row"], error["column"]) == (3, "客户经理")

    run_import(org["admin"], csv_bytes([["客户名称"], ["丙公司"]]))
    assert Customer.objects.get(name="丙公司").owner is None  # anyone else fills the pool


def test_importing_needs_the_right_to_add_customers(org):
    with pytest.raises(PermissionDenied):
        import_job_create(actor=org["exec"], upload=upload(csv_bytes(ROWS)))


def test_commit_only_after_a_dry_run(org):
    job = import_job_create(actor=org["manager1"], upload=upload(csv_bytes(ROWS)))
    with pytest.raises(ValidationError) as error:
        import_job_commit(actor=org["manager1"], job=job)
    assert "state" in error.value.message_dict
    job = import_job_validate(actor=org["manager1"], job=job)
    import_job_commit(actor=org["manager1"], job=job)
    with pytest.raises(ValidationError):  # done once: a second commit is refused
        import_job_commit(actor=org["manager1"], job=job)
    assert Customer.objects.count() == 2


def test_an_existing_customer_keeps_its_duplicate_rule_with_the_factory(org):
    CustomerFactory(name="重复检测有限公司", owner=org["manager1"])
    job = run_import(org["manager1"], csv_bytes([["名称"], ["重复检测公司"]]))
    assert job.created_count == 0 and job.duplicate_count == 1


def test_checking_costs_the_same_queries_for_10_or_300_rows(org, customers):
    """Lookups are per batch (codes, keys, visibility), never per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows: int) -> int:
        data = csv_bytes(
            [["客户编号", "客户名称", "电话", "邮箱", "税号", "客户等级", "客户经理"]]
            + [
                [f"KH1999{i:04d}", f"查询{i}", f"1370000{i:04d}", f"q{i}@ex.cn", "", "大客户", ""]
                for i in range(rows)
            ]
            + [["", customers["manager1"].name, "", "", "", "", ""]]  # one visible duplicate
        )
        job = import_job_create(actor=org["manager1"], upload=upload(data))
        with CaptureQueriesContext(connection) as captured:
            import_job_validate(actor=org["manager1"], job=job)
        return len(captured.captured_queries)

    assert queries(10) == queries(300) <= 20


def test_a_code_in_the_recycle_bin_is_present_but_not_linked(org, customers):
    from django.utils import timezone

    deleted = customers["manager1"]
    Customer.all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    job = run_import(org["manager1"], csv_bytes([["客户编号", "客户名称"], [deleted.code, "复活"]]))
    (entry,) = findings(job, "unchanged")
    assert job.created_count == 0 and "customer_id" not in entry


def test_an_administrator_gets_links_to_live_customers_only(org, customers):
    from django.utils import timezone

    deleted, live = customers["manager1"], customers["manager3"]
    Customer.all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    data = csv_bytes([["客户编号", "客户名称"], [deleted.code, "甲"], ["", live.name]])
    job = run_import(org["admin"], data, commit=False)
    unchanged, duplicate = findings(job, "unchanged"), findings(job, "duplicate")
    assert "customer_id" not in unchanged[0] and duplicate[0]["customer_id"] == live.pk


# -- credit control 信用冻结 -------------------------------------------------------------------


def _credit_file(rows: list[list[str]]) -> bytes:
    return csv_bytes([["客户名称", "客户经理", "信用状态", "信用冻结原因"], *rows])


def test_a_managers_import_cannot_put_a_customer_on_credit_hold(org, english):
    data = _credit_file(
        [
            ["冻结客户有限公司", "", "Credit on hold", "逾期未付"],
            ["正常客户有限公司", "", "Normal", ""],
        ]
    )
    job = run_import(org["manager1"], data)
    assert job.created_count == 1 and job.error_count == 1
    [refusal] = findings(job, "error")
    assert (refusal["row"], refusal["column"]) == (2, "信用状态")
    assert "sales supervisor" in refusal["message"] and "not imported" in refusal["message"]
    assert list(Customer.objects.values_list("name", "credit_status")) == [
        ("正常客户有限公司", "normal")
    ]
    assert not CustomerEvent.objects.filter(kind=CustomerEvent.Kind.CREDIT_HOLD).exists()


def test_a_supervisors_import_holds_only_their_teams_customers_and_with_a_reason(org, english):
    data = _credit_file(
        [
            ["华东冻结客户", "manager1", "信用冻结", "逾期三个月"],
            ["公海冻结客户", "", "Credit on hold", "逾期未付"],
            ["无原因冻结客户", "manager2", "Credit on hold", ""],
        ]
    )
    job = run_import(org["supervisor"], data)
    assert job.created_count == 1 and job.error_count == 2
    refusals = {entry["row"]: entry for entry in findings(job, "error")}
    # No owner in the file: a supervisor's import fills the pool, which only administrators hold.
    assert "sales supervisor" in refusals[3]["message"]
    assert refusals[4]["column"] == "信用冻结原因" and "reason" in refusals[4]["message"]
    customer = Customer.objects.get()
    assert (customer.name, customer.credit_hold_reason) == ("华东冻结客户", "逾期三个月")
    assert customer.credit_hold_by == org["supervisor"] and customer.credit_hold_at is not None


def test_an_administrators_import_holds_a_pool_customer_with_its_reason(org):
    job = run_import(org["admin"], _credit_file([["公海冻结客户", "", "on_hold", "财务要求"]]))
    assert job.created_count == 1, job.report
    customer = Customer.objects.get()
    assert customer.on_credit_hold and customer.credit_hold_by == org["admin"]
    event = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.CREDIT_HOLD)
    assert event.text == "财务要求"


def test_a_reason_without_a_hold_is_not_stored(org):
    job = run_import(org["manager1"], _credit_file([["正常客户", "", "", "旧的原因"]]))
    assert job.created_count == 1
    assert Customer.objects.get().credit_hold_reason == ""


def test_an_existing_customer_on_hold_in_a_managers_file_is_only_unchanged(org):
    held = CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    data = csv_bytes([["客户编号", "客户名称", "信用状态"], [held.code, held.name, "on_hold"]])
    job = run_import(org["manager1"], data)
    assert (job.created_count, job.skipped_count, job.error_count) == (0, 1, 0)
