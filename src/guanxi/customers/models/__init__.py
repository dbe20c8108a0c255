"""The customers app's models, one module per concern; import them from here."""

from guanxi.customers.models.churn import ChurnCase, ChurnMeasure
from guanxi.customers.models.customer import (
    COMPLETENESS_FIELDS,
    Contact,
    Customer,
    FlaggedValue,
    postcode_validator,
)
from guanxi.customers.models.document import Document, DocumentVersion
from guanxi.customers.models.field_rule import FieldRule
from guanxi.customers.models.interaction import Interaction
from guanxi.customers.models.pool import OwnershipCap, PoolPolicy
from guanxi.customers.models.timeline import CustomerEvent

__all__ = [
    "COMPLETENESS_FIELDS",
    "ChurnCase",
    "ChurnMeasure",
    "Contact",
    "Customer",
    "CustomerEvent",
    "Document",
    "DocumentVersion",
    "FieldRule",
    "FlaggedValue",
    "Interaction",
    "OwnershipCap",
    "PoolPolicy",
    "postcode_validator",
]
