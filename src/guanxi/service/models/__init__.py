"""Models of the service app, one module per subject."""

from guanxi.service.models.requests import ServiceLevelTarget, ServiceRequest, ServiceRound

__all__ = ["ServiceLevelTarget", "ServiceRequest", "ServiceRound"]
