"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""

from guanxi.sales.models.opportunity import Opportunity, PlanItem

__all__ = ["Opportunity", "PlanItem"]
