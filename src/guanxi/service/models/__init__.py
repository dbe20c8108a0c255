"""Models of the service app, one module per subject."""

from guanxi.service.models.intake import SatisfactionSurvey, ServiceMessage
from guanxi.service.models.requests import ServiceLevelTarget, ServiceRequest, ServiceRound

__all__ = [
    "SatisfactionSurvey",
    "ServiceLevelTarget",
    "ServiceMessage",
    "ServiceRequest",
    "ServiceRound",
]
