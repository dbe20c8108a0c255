"""The evaluation app's records: TCO plans with their amounts, ROI assessments."""

from guanxi.evaluation.models.roi import ROIAssessment
from guanxi.evaluation.models.tco import TCOCost, TCOPlan

__all__ = ["ROIAssessment", "TCOCost", "TCOPlan"]
