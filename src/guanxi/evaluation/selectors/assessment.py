"""The periodic application assessment 定期应用评估 of one quarter: breadth (who signed in,
their teams and departments, which kinds of records were created), and effect (every KPI of
the quarter against the quarter before, from the KPI dashboard).

Depth (which functions and processes are used) needs a log of what people do in the CRM,
which does not exist yet: it will come from the usage log. Company figures: read by whoever
``rules.reads_baselines`` allows, with a fixed number of queries.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import LoginEvent, Team, User
from guanxi.analytics import kpis, periods
from guanxi.customers.models import Customer, Interaction
from guanxi.sales.models import Opportunity, Order, Quote
from guanxi.service.models import ServiceRequest

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
# The kinds of records whose creation shows a module is in use, in the menu's order.
MODULES: list[tuple[str, type[Model]]] = [
    ("customers", Customer),
    ("interactions", Interaction),
    ("opportunities", Opportunity),
    ("quotes", Quote),
    ("orders", Order),
    ("service_requests", ServiceRequest),
]


def quarter_code(start: datetime.date) -> str:
    """``2026Q3`` for a quarter starting on ``start``."""
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def default_quarter(today: datetime.date | None = None) -> str:
    """The last full quarter before today's."""
    today = today or timezone.localdate()
    return quarter_code(periods.preset_range(periods.LAST_QUARTER, today)[0])


def quarter_range(
    code: str, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter ``2026Q3``; an unreadable code or a quarter that
    has not begun → ``ValidationError`` naming ``quarter``."""
    match = _QUARTER.match(code or "")
    year = int(match.group(1)) if match else 0
    if not match or not 2000 <= year <= 2999:
        raise ValidationError({"quarter": _("Enter a quarter such as 2026Q3.")})
    start = datetime.date(year, (int(match.group(2)) - 1) * 3 + 1, 1)
    if start > (today or timezone.localdate()):
        raise ValidationError({"quarter": _("This quarter has not begun yet.")})
    return start, periods.bucket_end(start, periods.QUARTER)


@dataclass
class Assessment:
    """One quarter's breadth and effect."""

    quarter: str
    start: datetime.date
    end: datetime.date
    ongoing: bool
    active_users: int
    users: int
    teams: list[str]
    departments: list[str]
    modules: list[dict[str, Any]]
    kpis: dict[str, Any]

    @property
    def modules_in_use(self) -> int:
        return sum(1 for module in self.modules if module["count"])


def _module_labels() -> dict[str, str]:
    return {
        "customers": _("Customers"),
        "interactions": _("Interactions"),
        "opportunities": _("Opportunities"),
        "quotes": _("Quotes"),
        "orders": _("Orders"),
        "service_requests": _("Service requests"),
    }


def assessment(*, actor: User, quarter: str) -> Assessment:
    """The quarter's assessment for a reader of company figures (the caller checks the
    right). Breadth: the users who signed in during the quarter, the teams and departments
    (top-level teams) with such a user, the records created of each module's kind; effect: the
    KPI dashboard for the quarter with the quarter before."""
    start, end = quarter_range(quarter)
    since, until = periods.day_bounds(start, end)
    signed_in = (
        LoginEvent.objects.filter(
            kind=LoginEvent.Kind.LOGIN, at__gte=since, at__lt=until, user__isnull=False
        )
        .values("user_id")
        .distinct()
    )
    active = list(User.objects.filter(pk__in=signed_in).values_list("pk", "team__path"))
    team_ids: set[int] = set()
    department_ids: set[int] = set()
    for _pk, path in active:
        ids = [int(part) for part in (path or "").split("/") if part]
        if ids:
            team_ids.add(ids[-1])
            department_ids.add(ids[0])
    names = dict(Team.objects.filter(pk__in=team_ids | department_ids).values_list("pk", "name"))
    labels = _module_labels()
    modules = [
        {
            "key": key,
            "label": labels[key],
            "count": model.objects.filter(  # type: ignore[attr-defined]
                created_at__gte=since, created_at__lt=until
            ).count(),
        }
        for key, model in MODULES
    ]
    return Assessment(
        quarter=quarter_code(start),
        start=start,
        end=end,
        ongoing=end >= timezone.localdate(),
        active_users=len(active),
        users=User.objects.filter(is_active=True).count(),
        teams=sorted(names[pk] for pk in team_ids if pk in names),
        departments=sorted(names[pk] for pk in department_ids if pk in names),
        modules=modules,
        kpis=kpis.dashboard(actor=actor, date_from=start, date_to=end),
    )
