"""Inventory import 库存导入: a stock count by warehouse, location and product; a place that
holds the product already takes the counted quantity."""

from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.sales.models import InventoryItem
from tests.core.fixtures.imports import entity_import_storage, run_import  # noqa: F401
from tests.sales.fixtures.orders import products  # noqa: F401

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = ["仓库", "货位", "产品", "型号", "库存数量"]


def stock(warehouse, location, product):
    return InventoryItem.objects.get(
        warehouse__code=warehouse, location=location, product=product
    ).quantity


def test_a_stock_count_updates_present_places_and_adds_new_ones(org, products):  # noqa: F811
    rows = [
        HEADERS,
        ["SH01", "A-01", "电钻", "DZ-100", "12"],  # present: 10 → 12
        ["北京仓", "B-03", "扳手", "", "7"],  # present, by the warehouse's name: unchanged
        ["SH01", "A-02", "扳手", "BS-12", "3"],  # a new place
        ["GZ01", "C-01", "扳手", "", "1"],  # no such warehouse
        ["SH01", "A-03", "锤子", "", "1"],  # no such product
        ["SH01", "A-04", "扳手", "", "-2"],  # a negative count
    ]
    job = run_import(org["supervisor"], "inventory", rows)
    counts = (job.created_count, job.updated_count, job.skipped_count, job.error_count)
    assert counts == (1, 1, 1, 3)
    assert stock("SH01", "A-01", products["drill"]) == Decimal("12")
    assert stock("SH01", "A-02", products["wrench"]) == Decimal("3")
    columns = {(entry["row"], entry["column"]) for entry in job.report if entry["level"] == "error"}
    assert {(5, "仓库"), (6, "产品"), (7, "库存数量")} <= columns

    again = run_import(org["supervisor"], "inventory", rows[:4])
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 3)


def test_only_catalogue_maintainers_import_stock(org, login, products):  # noqa: F811
    assert login("manager1").get(reverse("sales:inventory_import")).status_code == 403
    page = login("supervisor").get(reverse("sales:inventory_list"))
    assert 'data-testid="inventory-import"' in page.content.decode()
