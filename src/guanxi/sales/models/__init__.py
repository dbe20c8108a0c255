"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""

# Contracts 合同 (issue #4).
from guanxi.sales.models.contract import Contract, Payment, Receivable  # noqa: E402
from guanxi.sales.models.opportunity import Opportunity, PlanItem
from guanxi.sales.models.order import Order, OrderLine
from guanxi.sales.models.pipeline import Deal, PipelineStage
from guanxi.sales.models.product import InventoryItem, Product, ProductCategory, Warehouse

# Quotes 报价 (issue #4).
from guanxi.sales.models.quote import Quote, QuoteLine  # noqa: E402

__all__ = [
    "Contract",
    "Deal",
    "InventoryItem",
    "Opportunity",
    "Order",
    "OrderLine",
    "Payment",
    "PipelineStage",
    "PlanItem",
    "Product",
    "Quote",
    "QuoteLine",
    "Receivable",
    "ProductCategory",
    "Warehouse",
]

# Sales targets 销售目标 (issue #4).
from guanxi.sales.models.target import Target  # noqa: E402

__all__ += ["Target"]

# Leads 线索 (issue #4).
from guanxi.sales.models.lead import Lead, LeadRoutingRule  # noqa: E402

__all__ += ["Lead", "LeadRoutingRule"]
