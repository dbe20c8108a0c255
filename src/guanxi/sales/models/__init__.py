"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""

# Products 产品, inventory 库存 and orders 订单 (issue #4).
from guanxi.sales.models.order import Order, OrderLine  # noqa: F401
from guanxi.sales.models.product import (  # noqa: F401
    InventoryItem,
    Product,
    ProductCategory,
    Warehouse,
)
