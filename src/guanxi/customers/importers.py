"""Importers of customers, contacts and interactions 交往记录 (registered in ``ready()``).

Rows name their customer the way another system knows it: by customer code, external id or
exact name — so a contacts file can refer to customers imported from an earlier file by their
source ids. An interaction may name its contact (by external id or name, within that
customer). Only customers the importer may see are found; each row is written through the
same service as a contact or interaction entered by hand.
"""

from guanxi.customers.importing.contacts import ContactImporter
from guanxi.customers.importing.customers import CustomerImporter
from guanxi.customers.importing.interactions import InteractionImporter
from guanxi.customers.importing.related import CUSTOMER_COLUMN, customers_find

__all__ = [
    "CUSTOMER_COLUMN",
    "ContactImporter",
    "CustomerImporter",
    "InteractionImporter",
    "customers_find",
]
