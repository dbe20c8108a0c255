"""Product import 产品导入: categories and units found, prices parsed, idempotent by external
id, the catalogue right required."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.sales.models import Product, ProductCategory
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = ["产品名称", "型号", "类别", "单位", "单价", "外部编号", "创建时间"]


@pytest.fixture
def catalogue(org):
    category = ProductCategory.objects.create(name="茶叶")
    unit = DictionaryEntry.objects.create(
        kind=DictionaryKind.UNIT, code="gift-tin", name_zh="礼品罐", name_en="gift tin"
    )
    return category, unit


def test_products_import_with_category_unit_and_price(org, catalogue):
    category, unit = catalogue
    job = run_import(
        org["supervisor"],
        "products",
        [HEADERS, ["龙井", "L-250", "茶叶", "礼品罐", "¥1,280.50", "P-1", "2018-01-01"]],
        name="products.xlsx",
    )
    assert job.created_count == 1, job.report
    product = Product.objects.get(external_ref="P-1")
    assert (product.category, product.unit, str(product.price)) == (category, unit, "1280.50")
    assert timezone.localtime(product.created_at).date().isoformat() == "2018-01-01"


def test_reimport_updates_the_changed_price_only(org, catalogue):
    rows = [HEADERS, ["龙井", "L-250", "茶叶", "Gift tin", "100", "P-2", ""]]
    run_import(org["supervisor"], "products", rows)
    rows[1][4] = "120"
    job = run_import(org["supervisor"], "products", rows)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Product.objects.get(external_ref="P-2").price == 120
    assert Product.objects.filter(name="龙井").count() == 1


def test_unknown_category_and_bad_price_are_reported(org, catalogue, english):
    job = run_import(
        org["supervisor"], "products", [HEADERS, ["白茶", "", "花茶", "", "abc", "", ""]]
    )
    assert job.error_count == 1
    rows = report_rows(job.report_file.read())
    # Every problem of the row at once, in its one report line.
    assert "“abc” is not a number." in rows[1][-1]
    assert "No product category “花茶”." in rows[1][-1]
    assert {k["kind"] for k in job.kind_counts} == {"invalid", "not_found"}


def test_account_managers_cannot_import_the_catalogue(org, catalogue):
    with pytest.raises(PermissionDenied):
        run_import(org["manager1"], "products", [HEADERS, ["龙井", "", "茶叶", "", "1", "", ""]])
