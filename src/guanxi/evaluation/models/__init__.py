"""The evaluation app's records: TCO plans with their amounts, ROI assessments, KPI baselines
with their frozen values and targets."""

from guanxi.evaluation.models.baselines import Baseline, BaselineTarget, BaselineValue
from guanxi.evaluation.models.roi import ROIAssessment
from guanxi.evaluation.models.tco import TCOCost, TCOPlan

__all__ = ["Baseline", "BaselineTarget", "BaselineValue", "ROIAssessment", "TCOCost", "TCOPlan"]
