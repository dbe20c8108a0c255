"""A migrated customer's life so far: since when it is a customer, and whether it has left.

``customer_since`` 建档日期 is the start of the customer's tenure: the customer's creation time
(``created_at``, what "new customers", tenure and the churn rules read) becomes that day's
start. ``status`` is active or churned; a churned customer needs ``churned_on`` (a date alone
means churned too) and may give ``churn_reason`` (an entry of the churn-reason dictionary): it
is imported as confirmed churn 确定流失, a confirmed case closed that day
(``services.churn.churns_imported``), so it counts in the churn analysis and as a churned
example for the churn model.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.imports.registry import ImportRow
from guanxi.core.imports.values import not_in_future
from guanxi.customers.importing.customer_columns import ImportedStatus
from guanxi.customers.services.churn import ImportedChurn


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _past(row: ImportRow, name: str) -> date | None:
    day: date | None = row.values.get(name)
    if day is None:
        return None
    try:
        not_in_future(day)
    except ValidationError as error:
        del row.values[name]
        row.error(name, error.messages[0], "future")
        return None
    return day


def life_check(row: ImportRow) -> None:
    """Check the row's start date and churn columns; a churned row gets ``related["churn"]``
    (the day it left and the reason), which ``churn_of`` turns into the churn to record."""
    values = row.values
    since = _past(row, "customer_since")
    if since is not None:
        values["created_at"] = day_start(since)
    churned_on = _past(row, "churned_on")
    status = values.get("status")
    if status is None and (churned_on is not None or values.get("churn_reason") is not None):
        status = values["status"] = ImportedStatus.CHURNED
    if status != ImportedStatus.CHURNED:
        for name in ("churned_on", "churn_reason"):
            if values.get(name) is not None:
                row.error(
                    name,
                    _(
                        "Only a churned customer has a churn date or reason: set its status "
                        "to churned."
                    ),
                )
        return
    if churned_on is None:
        if not any(finding[2] == "churned_on" for finding in row.findings):
            row.error(
                "churned_on",
                _("A churned customer needs the day it left (churn date)."),
                "required",
            )
        return
    start = values.get("created_at")
    if start is not None and churned_on < timezone.localtime(start).date():
        row.error("churned_on", _("The churn date is before the customer's start date."))
        return
    reason = values.get("churn_reason")
    if reason is None:
        row.warning(
            "churn_reason",
            _("No churn reason: the churn counts as “not recorded” in the churn analysis."),
        )
    row.related["churn"] = (day_start(churned_on), reason)


def churn_of(row: ImportRow) -> ImportedChurn:
    churned_at, reason = row.related["churn"]
    customer = row.existing
    owner_id = row.values.get("owner")
    if owner_id is None and customer is not None:
        owner_id = getattr(customer, "owner_id", None)
    return ImportedChurn(
        customer_id=customer.pk, owner_id=owner_id, churned_at=churned_at, reason=reason
    )
