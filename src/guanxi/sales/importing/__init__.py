"""Importers of the sales app (registered in ``SalesConfig.ready``): leads 线索 (``leads``),
sales opportunities 销售机会 (``opportunities``) and deals 商机 (``deals``).

Rows name their customer the way the old system knows it (code, external id or exact name,
among the customers the importer may see), their people by username, name or e-mail; each
row is written through the same services as a record entered by hand.
"""

from guanxi.sales.importing.deals import DealImporter
from guanxi.sales.importing.leads import LeadImporter
from guanxi.sales.importing.opportunities import OpportunityImporter

__all__ = ["DealImporter", "LeadImporter", "OpportunityImporter"]
