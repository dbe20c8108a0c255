"""The analytics app's models; Django loads an app's models from this package."""

from guanxi.analytics.models.intelligence import (
    CustomerScore,
    IntelligenceSettings,
    ModelRun,
    ProductAssociation,
    RFMSegment,
)
from guanxi.analytics.models.rollups import (
    AccountDayFacts,
    AccountSnapshot,
    RankedCustomer,
    RepDayFacts,
    Report,
    RevenuePercentile,
    RevenueRanking,
    RollupRefresh,
)

__all__ = [
    "Report",
    "RollupRefresh",
    "AccountDayFacts",
    "AccountSnapshot",
    "RepDayFacts",
    "RevenueRanking",
    "RankedCustomer",
    "RevenuePercentile",
    "CustomerScore",
    "IntelligenceSettings",
    "ModelRun",
    "ProductAssociation",
    "RFMSegment",
]
