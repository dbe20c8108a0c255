"""Customer import 客户导入 on the import framework: headers, files, field rules, dictionaries,
owners, duplicates with their candidate, credit holds, external ids, dates and notes."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.imports import report as report_module
from guanxi.core.imports.mapping import guess_mapping, mapping_clean
from guanxi.core.imports.registry import importer_for
from guanxi.core.models import DictionaryEntry, DictionaryKind, ImportJob
from guanxi.core.services.imports import import_job_commit, import_job_create, import_job_validate
from guanxi.customers.identifiers import uscc_with_check
from guanxi.customers.models import Customer, CustomerEvent
from tests.core.fixtures.imports import entity_import_storage, run_import  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("entity_import_storage")

CHECK = "E"  # the check character of the unified social credit code 91110000AB1234567…
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
FIELDS = importer_for("customers").field_table()


def customers_import(actor, rows, **options) -> ImportJob:
    job = run_import(actor, "customers", rows, **options)
    assert job.state in (ImportJob.State.VALIDATED, ImportJob.State.DONE), job.error
    return job


def findings(job, kind=None, level=None):
    return [
        entry
        for entry in job.report
        if (kind is None or entry["kind"] == kind) and (level is None or entry["level"] == level)
    ]


@pytest.fixture
def checked_rows(monkeypatch):
    """Every row of the passes run in the test, as the report saw it (duplicates included)."""
    rows = []
    original = report_module.ReportWriter.add

    def add(self, row):
        rows.append(row)
        original(self, row)

    monkeypatch.setattr(report_module.ReportWriter, "add", add)
    return rows


# -- mapping ---------------------------------------------------------------------------------


def test_chinese_and_english_headers_are_recognised(db):
    assert guess_mapping(ZH_HEADERS + ["备注", "外部编号", "创建时间"], FIELDS) == {
        "客户名称": "name",
        "电话": "phone",
        "邮箱": "email",
        "客户等级": "level",
        "地区": "region",
        "客户经理": "owner",
        "税号": "tax_id",
        "标签": "tags",
        "注册资金": "registered_capital",
        "备注": "notes",
        "外部编号": "external_ref",
        "创建时间": "created_at",
    }
    english = ["Customer Name", "PHONE", "e-mail", "Tax_ID", "Account manager", "Notes"]
    assert guess_mapping(english, FIELDS) == {
        "Customer Name": "name",
        "PHONE": "phone",
        "e-mail": "email",
        "Tax_ID": "tax_id",
        "Account manager": "owner",
        "Notes": "notes",
    }
    # Full-width letters and stray spaces fold away; a field is taken by its first column.
    assert guess_mapping(["ＮＡＭＥ", " 名 称 ", "电话"], FIELDS) == {
        "ＮＡＭＥ": "name",
        "电话": "phone",
    }


def test_a_mapping_needs_the_name_and_known_fields_once(db, english):
    headers = ["A", "B"]
    with pytest.raises(ValidationError, match="Customer name|客户名称"):
        mapping_clean({"A": "phone"}, headers, fields=FIELDS, required=("name",))
    with pytest.raises(ValidationError):
        mapping_clean({"A": "name", "B": "name"}, headers, fields=FIELDS, required=("name",))
    with pytest.raises(ValidationError):
        mapping_clean({"A": "name", "B": "password"}, headers, fields=FIELDS, required=("name",))


# -- reading ---------------------------------------------------------------------------------

ROWS = [
    ["客户名称", "电话"],
    ["北京华联科技有限公司", "010-88886666"],
    ["上海浦江贸易", "13800138000"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_or_gbk_is_read(org, encoding):
    job = customers_import(org["manager1"], ROWS, encoding=encoding, commit=False)
    assert job.total_rows == 2 and job.error_count == 0 and job.created_count == 2
    assert not Customer.objects.exists()  # a dry run writes nothing
    job = import_job_commit(actor=org["manager1"], job=job)
    assert set(Customer.objects.values_list("name", flat=True)) == {
        "北京华联科技有限公司",
        "上海浦江贸易",
    }


def test_xlsx_numbers_are_read_as_text(org):
    rows = [["客户名称", "电话", "满意度", "税号"], ["深圳南山电子", 13800138000, 4, None]]
    job = customers_import(org["manager1"], rows, name="客户.xlsx")
    assert job.created_count == 1, job.report
    customer = Customer.objects.get()
    assert (customer.phone, customer.satisfaction) == ("+8613800138000", 4)


def test_unreadable_files_are_refused_naming_the_file(org):
    for data, name in ((b"PK\x03\x04junk", "x.xlsx"), (b"", "empty.csv")):
        with pytest.raises(ValidationError) as error:
            import_job_create(actor=org["manager1"], entity="customers", upload=upload(data, name))
        assert "file" in error.value.message_dict
    assert not ImportJob.objects.exists()


# -- checking and committing -----------------------------------------------------------------


def test_each_bad_value_is_reported_with_row_and_column_and_nothing_is_written(org):
    rows = [
        ZH_HEADERS,
        ["好客户", "13800138000", "a@example.com", "大客户", "", "", "", "", ""],
        ["坏电话", "call me", "", "", "", "", "", "", ""],
        ["", "13900139000", "", "", "", "", "", "", ""],
        ["坏等级", "", "not-an-email", "超级客户", "", "", "", "", "lots"],
    ]
    job = customers_import(org["manager1"], rows, commit=False)
    assert not Customer.objects.exists()
    assert (job.total_rows, job.error_count, job.created_count) == (4, 3, 1)
    errors = {(entry["row"], entry["column"]) for entry in findings(job, level="error")}
    assert errors == {(3, "电话"), (4, "客户名称"), (5, "邮箱"), (5, "客户等级"), (5, "注册资金")}

    job = import_job_commit(actor=org["manager1"], job=job)
    assert job.created_count == 1 and job.error_count == 3
    assert list(Customer.objects.values_list("name", flat=True)) == ["好客户"]


def test_commit_fills_every_field_as_the_service_would(org):
    level = DictionaryEntry.objects.filter(kind="customer_level").first()
    region = DictionaryEntry.objects.filter(kind="region").first()
    rows = [
        ZH_HEADERS + ["客户类型", "信用状态", "信用冻结原因", "备注"],
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
            "老客户，\n每年春节前订货",
        ],
    ]
    job = customers_import(org["supervisor"], rows)
    assert job.created_count == 1, job.report
    customer = Customer.objects.get()
    assert customer.code.startswith("KH")
    assert (customer.level, customer.region, customer.owner) == (level, region, org["manager2"])
    assert customer.tax_id == "91110000AB1234567" + CHECK
    assert customer.tags == ",重点,华东,"
    assert str(customer.registered_capital) == "1000000.50"
    assert customer.notes == "老客户，\n每年春节前订货"
    assert (customer.kind, customer.credit_status) == ("person", "on_hold")
    assert (customer.credit_hold_reason, customer.credit_hold_by) == ("逾期未付", org["supervisor"])
    assert "zhangwei" in customer.search_text and "zw" in customer.search_text
    assert customer.name_key == "张伟贸易" and customer.phone_digits == "8613800138000"
    assert customer.created_by == org["supervisor"] and customer.on_behalf_of == org["manager2"]
    event = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.IMPORTED)
    assert event.actor == org["supervisor"] and event.data["file"] == "file.csv"
    assert event.data["import_job"] == str(job.pk)
    hold = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.CREDIT_HOLD)
    assert (hold.actor, hold.text) == (org["supervisor"], "逾期未付")


def test_dictionary_values_by_name_or_pinyin_and_unknown_ones_name_the_dictionary(org, english):
    DictionaryEntry.objects.create(
        kind=DictionaryKind.REGION, code="HD-T", name_zh="华东测试", name_en="East test"
    )
    rows = [
        ["客户名称", "地区"],
        ["拼音公司", "huadongceshi"],
        ["英文公司", "East test"],
        ["未知公司", "火星"],
    ]
    job = customers_import(org["admin"], rows)
    assert job.created_count == 2
    regions = dict(Customer.objects.values_list("name", "region__code"))
    assert regions == {"拼音公司": "HD-T", "英文公司": "HD-T"}
    (error,) = findings(job, level="error")
    assert error["row"] == 4 and error["column"] == "地区"
    assert "火星" in error["message"] and "Region" in error["message"]


def test_external_ids_make_a_reimport_idempotent_and_update_what_changed(org):
    rows = [
        ["客户名称", "外部编号", "电话", "备注"],
        ["甲方科技", "CRM-1", "13800000001", ""],
        ["乙方贸易", "CRM-2", "13800000002", "旧备注"],
    ]
    first = customers_import(org["manager1"], rows)
    assert first.created_count == 2
    again = customers_import(org["manager1"], rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)

    rows[2][3] = "新备注"
    changed = customers_import(org["manager1"], rows)
    assert (changed.created_count, changed.updated_count, changed.skipped_count) == (0, 1, 1)
    customer = Customer.objects.get(external_ref="CRM-2")
    assert customer.notes == "新备注" and customer.version == 2
    assert Customer.objects.count() == 2


def test_owner_by_display_name_and_original_creation_date_are_kept(org):
    manager = org["manager2"]
    manager.last_name, manager.first_name = "钱", "多多"
    manager.save()
    rows = [
        ["客户名称", "外部编号", "客户经理", "创建时间"],
        ["北京老字号", "OLD-9", "钱多多", "2015-07-01 08:30"],
    ]
    customers_import(org["admin"], rows)
    customer = Customer.objects.get(external_ref="OLD-9")
    assert customer.owner == manager
    assert timezone.localtime(customer.created_at).replace(tzinfo=None) == datetime(
        2015, 7, 1, 8, 30
    )


def test_importing_the_same_file_twice_adds_nothing(org):
    rows = [["名称", "电话", "税号"]] + [
        [f"客户{i}号", f"1380013{i:04d}", uscc_with_check(f"91110000000{i:06d}")] for i in range(30)
    ]
    assert customers_import(org["manager1"], rows).created_count == 30
    second = customers_import(org["manager1"], rows)
    assert (second.created_count, second.skipped_count) == (0, 30)
    assert len(findings(second, kind="present")) == 30
    assert Customer.objects.count() == 30


def test_duplicates_are_marked_with_their_candidate(org, customers, checked_rows):
    mine, other = customers["manager1"], customers["manager3"]
    rows = [
        ["客户编号", "客户名称", "电话", "邮箱"],
        ["", "新客户甲", "13700000001", ""],
        ["", "新客户甲有限公司", "", ""],  # same name key as row 2
        ["", "新客户乙", "13700000001", ""],  # same phone as row 2
        ["", mine.name, "", ""],  # in the database, visible
        ["", "新客户丙", other.phone, ""],  # in the database, out of manager1's scope
        ["", "新客户丁", "", mine.email.upper()],  # e-mail case does not matter
        [mine.code, "改了名字", "", ""],  # named by its code
    ]
    job = customers_import(org["manager1"], rows, commit=False)
    by_number = {row.number: row for row in checked_rows}
    present = {entry["row"]: entry for entry in findings(job, kind="present")}
    assert set(present) == {3, 4, 5, 6, 7, 8}
    assert "row 2" in present[3]["message"] or "第 2 行" in present[3]["message"]
    assert present[4]["column"] == "电话"
    for number in (5, 7, 8):
        assert by_number[number].duplicate == mine
        assert mine.code in present[number]["message"] and mine.name in present[number]["message"]
    assert by_number[6].duplicate is None and other.name not in present[6]["message"]
    job = import_job_commit(actor=org["manager1"], job=job)
    assert job.created_count == 1 and job.skipped_count == 6
    mine.refresh_from_db()
    assert mine.name != "改了名字"


def test_owners_default_and_scope(org):
    job = customers_import(
        org["manager1"], [["客户名称", "客户经理"], ["甲公司", ""], ["乙公司", "manager2"]]
    )
    # An account manager owns what they import, and cannot give customers to a colleague.
    assert Customer.objects.get(name="甲公司").owner == org["manager1"]
    (error,) = findings(job, level="error")
    assert (error["row"], error["column"]) == (3, "客户经理")

    customers_import(org["admin"], [["客户名称"], ["丙公司"]])
    assert Customer.objects.get(name="丙公司").owner is None  # anyone else fills the pool


def test_importing_needs_the_right_to_add_customers(org):
    with pytest.raises(PermissionDenied):
        import_job_create(actor=org["exec"], entity="customers", upload=upload(csv_bytes(ROWS)))


def test_commit_only_after_a_dry_run(org):
    job = import_job_create(
        actor=org["manager1"], entity="customers", upload=upload(csv_bytes(ROWS))
    )
    with pytest.raises(ValidationError) as error:
        import_job_commit(actor=org["manager1"], job=job)
    assert "state" in error.value.message_dict
    job = import_job_validate(actor=org["manager1"], job=job)
    import_job_commit(actor=org["manager1"], job=job)
    with pytest.raises(ValidationError):  # done once: a second commit is refused
        import_job_commit(actor=org["manager1"], job=job)
    assert Customer.objects.count() == 2


def test_a_batch_looks_up_in_a_fixed_number_of_queries(org, customers):
    """Look-ups are per batch (codes, keys, visibility, dictionaries, owners), never per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        rows = [["客户编号", "客户名称", "电话", "邮箱", "客户等级", "客户经理", "外部编号"]]
        rows += [
            [f"KH1999{i:04d}", f"查询{i}", f"1370000{i:04d}", f"q{i}@ex.cn", "大客户", "", f"Q{i}"]
            for i in range(count)
        ]
        rows.append(["", customers["manager1"].name, "", "", "", "", ""])  # a visible duplicate
        job = import_job_create(
            actor=org["manager1"], entity="customers", upload=upload(csv_bytes(rows))
        )
        with CaptureQueriesContext(connection) as captured:
            import_job_validate(actor=org["manager1"], job=job)
        return len(captured.captured_queries)

    assert queries(10) == queries(300) <= 40


def test_a_code_in_the_recycle_bin_is_present_but_not_named(org, customers, checked_rows):
    deleted = customers["manager1"]
    Customer.all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    job = customers_import(org["manager1"], [["客户编号", "客户名称"], [deleted.code, "复活"]])
    (entry,) = findings(job, kind="present")
    assert job.created_count == 0 and deleted.name not in entry["message"]
    assert checked_rows[0].duplicate is None


def test_a_refused_row_is_never_half_written(org):
    rows = [
        ["客户名称", "电话", "满意度"],
        ["好公司", "13800000009", "3"],
        ["坏公司", "13800000008", "9"],
    ]
    job = customers_import(org["manager1"], rows)
    assert job.created_count == 1 and job.error_count == 1
    assert list(Customer.objects.values_list("name", flat=True)) == ["好公司"]
    assert not CustomerEvent.objects.exclude(customer__name="好公司").exists()


# -- credit control 信用冻结 -------------------------------------------------------------------


def _credit_rows(rows: list[list[str]]) -> list[list[str]]:
    return [["客户名称", "客户经理", "信用状态", "信用冻结原因"], *rows]


def test_a_managers_import_cannot_put_a_customer_on_credit_hold(org, english):
    rows = _credit_rows(
        [
            ["冻结客户有限公司", "", "Credit on hold", "逾期未付"],
            ["正常客户有限公司", "", "Normal", ""],
        ]
    )
    job = customers_import(org["manager1"], rows)
    assert job.created_count == 1 and job.error_count == 1
    (refusal,) = findings(job, level="error")
    assert (refusal["row"], refusal["column"]) == (2, "信用状态")
    assert "sales supervisor" in refusal["message"] and "not imported" in refusal["message"]
    assert list(Customer.objects.values_list("name", "credit_status")) == [
        ("正常客户有限公司", "normal")
    ]
    assert not CustomerEvent.objects.filter(kind=CustomerEvent.Kind.CREDIT_HOLD).exists()


def test_a_supervisors_import_holds_only_their_teams_customers_and_with_a_reason(org, english):
    rows = _credit_rows(
        [
            ["华东冻结客户", "manager1", "Credit on hold", "逾期三个月"],
            ["公海冻结客户", "", "Credit on hold", "逾期未付"],
            ["无原因冻结客户", "manager2", "Credit on hold", ""],
        ]
    )
    job = customers_import(org["supervisor"], rows)
    assert job.created_count == 1 and job.error_count == 2
    refusals = {entry["row"]: entry for entry in findings(job, level="error")}
    # No owner in the file: a supervisor's import fills the pool, which only administrators hold.
    assert "sales supervisor" in refusals[3]["message"]
    assert refusals[4]["column"] == "信用冻结原因" and "reason" in refusals[4]["message"]
    customer = Customer.objects.get()
    assert (customer.name, customer.credit_hold_reason) == ("华东冻结客户", "逾期三个月")
    assert customer.credit_hold_by == org["supervisor"] and customer.credit_hold_at is not None


def test_a_reason_without_a_hold_is_not_stored(org):
    job = customers_import(org["manager1"], _credit_rows([["正常客户", "", "", "旧的原因"]]))
    assert job.created_count == 1
    assert Customer.objects.get().credit_hold_reason == ""


def test_an_existing_customer_on_hold_in_a_managers_file_is_only_unchanged(org):
    held = CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    rows = [["客户编号", "客户名称", "信用状态"], [held.code, held.name, "on_hold"]]
    job = customers_import(org["manager1"], rows)
    assert (job.created_count, job.skipped_count, job.error_count) == (0, 1, 0)


def test_a_repeat_of_an_earlier_batchs_row_names_the_customer_it_created(
    org, monkeypatch, checked_rows
):
    monkeypatch.setattr(importer_for("customers"), "batch_size", 2)
    rows = [
        ["客户名称", "电话"],
        ["前一批公司", "13700000011"],
        ["另一家公司", "13700000012"],
        ["后一批公司", "13700000011"],  # the phone of row 2, in the next batch
    ]
    job = customers_import(org["manager1"], rows)
    assert (job.created_count, job.skipped_count) == (2, 1)
    (entry,) = findings(job, kind="present")
    assert entry["row"] == 4 and "前一批公司" in entry["message"]
    committed = [row for row in checked_rows if row.number == 4][-1]
    assert committed.duplicate == Customer.objects.get(name="前一批公司")


def test_an_update_leaves_a_field_protected_from_the_importer(org):
    from django.contrib.auth.models import Group

    from guanxi.customers.services.field_rules import field_rule_create

    customer = CustomerFactory(owner=org["manager1"], external_ref="P-1", phone="13700000021")
    role = Group.objects.get(name="account_manager")
    field_rule_create(actor=org["admin"], field="customer.phone", role=role, mode="hidden")
    rows = [["客户名称", "外部编号", "电话"], ["新名字", "P-1", "13700000099"]]
    job = customers_import(org["manager1"], rows)
    assert job.updated_count == 1
    customer.refresh_from_db()
    assert (customer.name, customer.phone) == ("新名字", "13700000021")


def test_a_duplicate_customer_is_updated_or_created_anyway_as_chosen(org, customers):
    mine = customers["manager1"]
    rows = [["客户名称", "电话", "标签"], [mine.name, "13700000009", "展会"]]
    updated = customers_import(
        org["manager1"], rows, duplicates={"all": "update", "fields": ["tags"]}
    )
    assert (updated.created_count, updated.updated_count) == (0, 1)
    mine.refresh_from_db()
    assert "展会" in mine.tags and mine.phone != "+8613700000009"

    created = customers_import(org["manager1"], rows, duplicates={"all": "create"})
    assert created.created_count == 1
    assert Customer.objects.filter(name=mine.name).count() == 2


def test_columns_without_a_field_can_be_kept_in_the_notes(org):
    rows = [
        ["客户名称", "备注", "微信号", "旧系统分组"],
        ["留言客户", "老客户", "wx_liuyan", "华北一组"],
        ["空白客户", "", "", ""],
    ]
    mapping = {"客户名称": "name", "备注": "notes", "微信号": "+notes", "旧系统分组": "+notes"}
    customers_import(org["manager1"], rows, mapping=mapping)
    kept = Customer.objects.get(name="留言客户").notes
    assert kept == "老客户\n微信号: wx_liuyan\n旧系统分组: 华北一组"
    assert Customer.objects.get(name="空白客户").notes == ""


def test_only_an_entity_with_notes_takes_columns_into_its_notes(org):
    from guanxi.core.imports.mapping import mapping_clean

    with pytest.raises(ValidationError) as refused:
        mapping_clean(
            {"名称": "name", "微信号": "+notes"},
            ["名称", "微信号"],
            fields=[("name", "Name", ())],
        )
    assert "mapping" in refused.value.message_dict


def test_provinces_and_cities_come_from_their_columns_or_the_address_and_set_the_region(org):
    rows = [
        ["客户名称", "省份", "城市", "地址"],
        ["晋阳机械", "山西省", "太原市", ""],
        ["小店贸易", "", "", "山西省太原市小店区亲贤北街9号"],
        ["火星公司", "火星省", "", ""],
    ]
    job = customers_import(org["admin"], rows)
    assert (job.created_count, job.error_count) == (2, 1)
    machinery = Customer.objects.get(name="晋阳机械")
    assert (machinery.province_id, machinery.city_id) == ("140000", "140100")
    assert machinery.region is not None and machinery.region.name_zh == "华北"
    trading = Customer.objects.get(name="小店贸易")
    assert (trading.province_id, trading.city_id, trading.district_id) == (
        "140000",
        "140100",
        "140105",
    )
    assert [entry["column"] for entry in findings(job, level="error")] == ["省份"]
