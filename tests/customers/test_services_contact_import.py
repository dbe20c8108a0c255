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
    from tests.customers.test_services_imports import run_import as customer_import
    from tests.customers.fixtures.imports import csv_bytes

    manager = org["manager1"]
    customer_import(
        manager,
        csv_bytes([CUSTOMER_HEADERS, ["上海云杉科技有限公司", "SF-ACC-001", "manager1"]]),
    )
    customer = Customer.objects.get(external_ref="SF-ACC-001")
    job = run_import(
        manager,
        "contacts",
        [
            CONTACT_HEADERS,
            ["SF-ACC-001", "王芳", "采购经理", "13800138000", "wf@yunshan.cn", "SF-CON-1", "2019-04-02 09:30"],
        ],
    )
    assert job.state == ImportJob.State.DONE, job.error
    assert job.created_count == 1 and job.error_count == 0
    contact = Contact.objects.get(external_ref="SF-CON-1")
    assert contact.customer == customer
    assert contact.mobile == "+8613800138000"
    assert timezone.localtime(contact.created_at).replace(tzinfo=None) == datetime(2019, 4, 2, 9, 30)


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
