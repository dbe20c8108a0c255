"""Sales 营销管理 (SPEC §3): one module per subject, re-exported here."""

from guanxi.sales.models.opportunity import Opportunity, PlanItem

__all__ = ["Opportunity", "PlanItem"]

from guanxi.sales.models.pipeline import Deal, PipelineStage  # noqa: E402  (pipeline 销售漏斗)

__all__ += ["Deal", "PipelineStage"]
