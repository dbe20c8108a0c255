"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""

from guanxi.sales.models.opportunity import Opportunity, PlanItem
from guanxi.sales.models.order import Order, OrderLine
from guanxi.sales.models.pipeline import Deal, PipelineStage
from guanxi.sales.models.product import InventoryItem, Product, ProductCategory, Warehouse

__all__ = [
    "Deal",
    "InventoryItem",
    "Opportunity",
    "Order",
    "OrderLine",
    "PipelineStage",
    "PlanItem",
    "Product",
    "ProductCategory",
    "Warehouse",
]

# Sales targets 销售目标 (issue #4).
from guanxi.sales.models.target import Target  # noqa: E402

__all__ += ["Target"]

# Leads 线索 (issue #4).
from guanxi.sales.models.lead import Lead, LeadRoutingRule  # noqa: E402

__all__ += ["Lead", "LeadRoutingRule"]
