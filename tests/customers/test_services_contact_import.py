"""Contact import 联系人导入 through the import framework: mapping, customers found by their
source ids, idempotent re-import, original creation dates, GBK files, scope and rights."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from guanxi.core.models import ImportJob
from guanxi.customers.models import Contact, Customer
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")

CUSTOMER_HEADERS = ["客户名称", "外部编号", "客户经理"]
CONTACT_HEADERS = ["客户", "姓名", "职务", "手机", "邮箱", "外部编号", "创建时间"]


def test_contacts_find_customers_imported_from_an_earlier_file_by_external_id(org):
    manager = org["manager1"]
    run_import(
        manager, "customers", [CUSTOMER_HEADERS, ["上海云杉科技有限公司", "SF-ACC-001", "manager1"]]
    )
    customer = Customer.objects.get(external_ref="SF-ACC-001")
    job = run_import(
        manager,
        "contacts",
        [
            CONTACT_HEADERS,
            [
                "SF-ACC-001",
                "王芳",
                "采购经理",
                "13800138000",
                "wf@yunshan.cn",
                "SF-CON-1",
                "2019-04-02 09:30",
            ],
        ],
    )
    assert job.state == ImportJob.State.DONE, job.error
    assert job.created_count == 1 and job.error_count == 0
    contact = Contact.objects.get(external_ref="SF-CON-1")
    assert contact.customer == customer
    assert contact.mobile == "+8613800138000"
    assert timezone.localtime(contact.created_at).replace(tzinfo=None) == datetime(
        2019, 4, 2, 9, 30
    )


def test_reimporting_the_same_file_updates_or_skips(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, code="KH-T-1")
    rows = [CONTACT_HEADERS, [customer.code, "李雷", "经理", "", "", "C-1", ""]]
    first = run_import(manager, "contacts", rows)
    assert first.created_count == 1
    again = run_import(manager, "contacts", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 1)
    rows[1][2] = "总经理"
    changed = run_import(manager, "contacts", rows)
    assert (changed.created_count, changed.updated_count) == (0, 1)
    assert Contact.objects.filter(external_ref="C-1").get().title == "总经理"
    assert Contact.objects.filter(customer=customer, name="李雷").count() == 1


def test_headers_in_english_map_by_themselves(org):
    from guanxi.core.imports.mapping import guess_mapping
    from guanxi.customers.importers import ContactImporter

    headers = [
        "Customer",
        "Contact name",
        "Mobile",
        "E-mail",
        "External id",
        "Original creation date",
    ]
    assert guess_mapping(headers, ContactImporter.field_table()) == {
        "Customer": "customer",
        "Contact name": "name",
        "Mobile": "mobile",
        "E-mail": "email",
        "External id": "external_ref",
        "Original creation date": "created_at",
    }


def test_gbk_csv_and_customer_by_exact_name(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, name="杭州西湖茶业有限公司")
    job = run_import(
        manager,
        "contacts",
        [["客户名称", "联系人", "性别", "主联系人"], ["杭州西湖茶业有限公司", "陈静", "女", "是"]],
        encoding="gbk",
    )
    assert job.created_count == 1, job.report
    contact = Contact.objects.get(customer=customer, name="陈静")
    assert contact.gender == Contact.Gender.FEMALE and contact.is_primary


def test_customer_outside_scope_is_not_found_and_the_report_says_so(org, english):
    outsider = CustomerFactory(owner=org["manager3"], code="KH-OTHER")
    manager = org["manager1"]
    mine = CustomerFactory(owner=manager)
    job = run_import(
        manager,
        "contacts",
        [
            ["Customer", "Contact name", "Mobile"],
            [outsider.code, "Zhao", ""],
            [mine.code, "Qian", "12345"],
            [mine.code, "", ""],
            [mine.code, "Sun", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 3)
    assert not Contact.objects.filter(customer=outsider, name="Zhao").exists()
    kinds = {(k["kind"], k["column"]): k["count"] for k in job.kind_counts}
    assert kinds[("not_found", "Customer")] == 1
    assert kinds[("required", "Contact name")] == 1
    assert kinds[("refused", "Mobile")] == 1
    rows = report_rows(job.report_file.read())
    assert rows[0] == [
        "Customer",
        "Contact name",
        "Mobile",
        "Row in the file",
        "Present record",
        "Problems",
    ]
    assert [row[3] for row in rows[1:]] == [2, 3, 4]
    assert rows[1][:3] == ["KH-OTHER", "Zhao", ""]
    assert "No customer “KH-OTHER”" in rows[1][5]
    assert rows[2][5].startswith("Error · Mobile:")


def test_importing_contacts_needs_the_right(org):
    with pytest.raises(PermissionDenied):
        run_import(org["exec"], "contacts", [["客户", "姓名"], ["KH1", "周"]])
