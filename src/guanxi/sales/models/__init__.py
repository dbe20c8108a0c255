"""Sales 营销管理: one module per subject, re-exported here."""

# Contracts 合同.
from guanxi.sales.models.contract import Contract, Payment, Receivable  # noqa: E402
from guanxi.sales.models.opportunity import Opportunity, PlanItem, PlanItemResult
from guanxi.sales.models.order import Order, OrderLine
from guanxi.sales.models.pipeline import Deal, PipelineStage
from guanxi.sales.models.product import InventoryItem, Product, ProductCategory, Warehouse

# Quotes 报价.
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
    "PlanItemResult",
    "Product",
    "Quote",
    "QuoteLine",
    "Receivable",
    "ProductCategory",
    "Warehouse",
]

# Sales targets 销售目标.
from guanxi.sales.models.target import Target  # noqa: E402

__all__ += ["Target"]

# Leads 线索.
from guanxi.sales.models.lead import Lead, LeadRoutingRule  # noqa: E402

__all__ += ["Lead", "LeadRoutingRule"]
