"""Contacts imported with 省/市/区县 columns, or with only an address to read them from."""

import pytest

from guanxi.core.imports.divisions import divisions_fill
from guanxi.core.imports.mapping import guess_mapping
from guanxi.core.imports.registry import ImportRow
from guanxi.customers.importers import ContactImporter
from guanxi.customers.models import Contact
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")


def codes(contact: Contact) -> tuple:
    return (contact.province_id, contact.city_id, contact.district_id)


def test_contacts_with_province_and_city_columns(org):
    customer = CustomerFactory(owner=org["manager1"], code="KH-D-1")
    job = run_import(
        org["manager1"],
        "contacts",
        [
            ["客户", "姓名", "省份", "城市", "区县"],
            [customer.code, "王芳", "山西省", "太原市", "小店区"],
            [customer.code, "李雷", "山西", "太原", ""],
            [customer.code, "韩梅梅", "140000", "140200", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (3, 0), job.kind_counts
    contacts = {c.name: codes(c) for c in Contact.objects.filter(customer=customer)}
    assert contacts == {
        "王芳": ("140000", "140100", "140105"),
        "李雷": ("140000", "140100", None),
        "韩梅梅": ("140000", "140200", None),
    }


def test_contacts_with_only_an_address(org):
    customer = CustomerFactory(owner=org["manager1"], code="KH-D-2")
    job = run_import(
        org["manager1"],
        "contacts",
        [
            ["客户", "姓名", "地址"],
            [customer.code, "王芳", "山西省太原市小店区长风街1号"],
            [customer.code, "李雷", "北京市朝阳区建国路88号"],
        ],
    )
    assert (job.created_count, job.error_count) == (2, 0), job.kind_counts
    contacts = {c.name: codes(c) for c in Contact.objects.filter(customer=customer)}
    assert contacts == {
        "王芳": ("140000", "140100", "140105"),
        "李雷": ("110000", "110100", "110105"),
    }


@pytest.mark.usefixtures("english")
def test_unknown_outside_and_ambiguous_places_are_row_errors_on_their_column(org):
    customer = CustomerFactory(owner=org["manager1"], code="KH-D-3")
    job = run_import(
        org["manager1"],
        "contacts",
        [
            ["Customer", "Contact name", "Province", "City", "Address"],
            [customer.code, "A", "火星省", "", ""],
            [customer.code, "B", "河北省", "太原市", ""],
            [customer.code, "C", "", "", "朝阳区建国路88号"],
            [customer.code, "D", "", "", "某某路1号"],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 3)
    kinds = {(k["kind"], k["column"]): k["count"] for k in job.kind_counts}
    assert kinds[("unknown", "Province")] == 1
    assert kinds[("invalid", "City")] == 1
    assert kinds[("ambiguous", "Address")] == 1
    rows = report_rows(job.report_file.read())
    problems = {row[1]: row[-1] for row in rows[1:]}
    assert "火星省" in problems["A"]
    assert "北京市 朝阳区" in problems["C"] and "吉林省 长春市 朝阳区" in problems["C"]
    # An address that names no place is no error: the contact has no divisions.
    assert codes(Contact.objects.get(customer=customer, name="D")) == (None, None, None)


def test_a_district_several_cities_share_needs_its_city(db):
    rows = [
        ImportRow(number=2, cells=[], values={"district": "鼓楼区"}),
        ImportRow(number=3, cells=[], values={"city": "南京市", "district": "鼓楼区"}),
    ]
    divisions_fill(rows)
    assert rows[0].failed and rows[0].findings[0][1:3] == ("ambiguous", "district")
    assert not rows[1].failed
    assert rows[1].values["district"].code == "320106"


def test_division_headers_map_by_their_synonyms():
    headers = ["客户", "姓名", "省", "市", "区/县", "详细地址"]
    assert guess_mapping(headers, ContactImporter.field_table()) == {
        "客户": "customer",
        "姓名": "name",
        "省": "province",
        "市": "city",
        "区/县": "district",
        "详细地址": "address",
    }
