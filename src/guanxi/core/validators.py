"""Validators shared by the apps' models and forms."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Business dates (orders, report periods) fall in this range. Anything outside is a typing
# error, and dates near year 1 or 9999 overflow once converted to a time zone or moved by a day.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_business_date(value: datetime.date | None) -> None:
    """Refuse a date outside :data:`EARLIEST_DATE`–:data:`LATEST_DATE`."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        # The message names the years of EARLIEST_DATE and LATEST_DATE.
        raise ValidationError(_("Enter a date between 1900 and 2100."), code="date_range")
