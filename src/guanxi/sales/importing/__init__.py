"""Importers of the sales app (registered in ``SalesConfig.ready``): leads 线索 (``leads``),
sales opportunities 销售机会 (``opportunities``), deals 商机 (``deals``), order history 订单
with its lines, quotes 报价单, contracts 合同 and receivables 应收款.

Rows name their customer the way the old system knows it (code, external id or exact name,
among the customers the importer may see), their people by username, name or e-mail; each
row is written through the same services as a record entered by hand (order history in bulk).
"""

from guanxi.sales.importing.deals import DealImporter
from guanxi.sales.importing.leads import LeadImporter
from guanxi.sales.importing.opportunities import OpportunityImporter

__all__ = ["DealImporter", "LeadImporter", "OpportunityImporter"]
