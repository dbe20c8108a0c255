"""Every write on the customer-intelligence settings (the models' windows and thresholds)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.analytics.models import IntelligenceSettings
from guanxi.analytics.rules import CHANGE_INTELLIGENCE_SETTINGS
from guanxi.core.rules import require
from guanxi.core.services.records import Actor, record_update

SETTINGS_FIELDS = (
    "rfm_window_days",
    "cycle_min_intervals",
    "reorder_notice_days",
    "clv_discount_rate",
    "clv_min_customers",
    "churn_min_positives",
    "churn_warning_risk",
    "association_min_support",
    "association_min_confidence",
    "association_min_lift",
)


@transaction.atomic
def intelligence_settings_update(
    *, actor: Actor, expected_version: int | None, fields: Mapping[str, Any]
) -> IntelligenceSettings:
    """Save the settings (administrators). Out-of-range values are refused naming the field;
    ``expected_version`` is the version the form read (someone else's save is a conflict).
    The models use the new values from their next run."""
    require(actor, CHANGE_INTELLIGENCE_SETTINGS)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    row = IntelligenceSettings.current()
    for name, value in fields.items():
        setattr(row, name, value)
    return record_update(instance=row, actor=actor, expected_version=expected_version)
