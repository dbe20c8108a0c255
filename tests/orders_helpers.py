"""Shared set-up of the product and order tests: a small catalogue and orders made by services."""

from decimal import Decimal

from guanxi.core.models import DictionaryEntry
from guanxi.sales.models import InventoryItem, Product, ProductCategory, Warehouse
from guanxi.sales.services.orders import order_create


def catalogue() -> dict:
    """Two categories, three products (one inactive), two warehouses with stock."""
    tools = ProductCategory.objects.create(name="五金工具")
    office = ProductCategory.objects.create(name="办公设备", sort_order=1)
    piece = DictionaryEntry.objects.get(kind="unit", code="piece")
    drill = Product.objects.create(
        name="电钻",
        model_no="DZ-100",
        grade="A级",
        unit=piece,
        price=Decimal("199.90"),
        category=tools,
    )
    wrench = Product.objects.create(
        name="扳手", model_no="BS-12", unit=piece, price=Decimal("35.50"), category=tools
    )
    printer = Product.objects.create(
        name="打印机", model_no="DY-7", price=Decimal("1200.00"), category=office, is_active=False
    )
    shanghai = Warehouse.objects.create(name="上海仓", code="SH01")
    beijing = Warehouse.objects.create(name="北京仓", code="BJ01")
    InventoryItem.objects.create(warehouse=shanghai, location="A-01", product=drill, quantity=10)
    InventoryItem.objects.create(warehouse=beijing, location="B-02", product=drill, quantity=5)
    InventoryItem.objects.create(warehouse=beijing, location="B-03", product=wrench, quantity=7)
    return {
        "tools": tools,
        "office": office,
        "drill": drill,
        "wrench": wrench,
        "printer": printer,
        "shanghai": shanghai,
        "beijing": beijing,
    }


def make_order(actor, customer, products, **extra):
    """An order of one drill and two wrenches (¥199.90 + ¥71.00 = ¥270.90)."""
    lines = extra.pop(
        "lines",
        [
            {"product": products["drill"], "quantity": 1},
            {"product": products["wrench"], "quantity": 2},
        ],
    )
    return order_create(actor=actor, customer=customer, lines=lines, **extra)
