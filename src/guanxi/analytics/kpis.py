"""The KPI dashboard 关键指标: each KPI formula whose inputs Guanxi records, for a period
against the period before it (the previous calendar month, quarter or year; the same number
of days before for other ranges), within the actor's scope.

Each KPI has a definition (shown on the page) and a link to the records or report behind it.
The campaign KPIs (response rate, ROI) are left out until campaigns exist. The figures are read
with a fixed number of aggregate queries (``selectors.kpis.kpi_facts_series``); the KPIs are
formulas on them.
A rate whose denominator is 0 is None ("—").

Once the day figures exist (``analytics.selectors.rollups``), the facts are partly read from
them; the dashboard then gives the older refresh time as ``as_of``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import periods
from guanxi.analytics.caching import cached
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.selectors.kpis import RESPONSE_DAYS, Facts, kpi_facts_series, kpi_rep_ids
from guanxi.analytics.sessions import report_transaction

PERCENT = "percent"
MONEY = "money"
NUMBER = "number"
HOURS = "hours"

# The dashboard's themes, in the order it shows them.
SALES = "sales"
CUSTOMERS = "customers"
SERVICE = "service"
USAGE = "usage"
THEMES = [
    (SALES, _("Sales")),
    (CUSTOMERS, _("Customers")),
    (SERVICE, _("Service")),
    (USAGE, _("Usage")),
]
# How many periods a KPI's sparkline shows (the period and those before it).
SERIES_PERIODS = 12

Link = Callable[[datetime.date, datetime.date], str]  # (date_from, date_to) -> url


@dataclass(frozen=True)
class KPI:
    """A KPI: its formula on the period's facts, the page or report that explains it (``link``)
    and the list of the records behind it (``records``, filtered as far as the list allows;
    ``link`` when not given). ``higher_is_better`` colours a change: True (up is good), False
    (down is good, e.g. the churn rate) or None (neither, e.g. the quota)."""

    key: str
    label: object
    definition: object
    unit: str
    formula: Callable[[dict[str, Any]], Decimal | None]  # facts -> value
    link: Link
    theme: str = SALES
    higher_is_better: bool | None = True
    records: Link | None = None
    # A value the KPI is met at (达标), e.g. 100 % of the plan; None: no such mark.
    goal: Decimal | None = None


def _ratio(part: Any, whole: Any, scale: int = 1) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * scale / Decimal(whole)).quantize(periods.CENT)


def _hours(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 3600).quantize(periods.CENT)


def _url(name: str, *args: str, **query: Any) -> Callable[[datetime.date, datetime.date], str]:
    def link(date_from: datetime.date, date_to: datetime.date) -> str:
        base = reverse(name, args=args)
        values = {key: value for key, value in query.items() if value}
        if query.get("dates"):
            values.pop("dates")
            values.update(date_from=date_from.isoformat(), date_to=date_to.isoformat())
        if query.get("year"):
            values["year"] = date_from.year
        return f"{base}?{urlencode(values)}" if values else base

    return link


def _report(slug: str) -> Callable[[datetime.date, datetime.date], str]:
    return _url("analytics:report", slug, dates=True)


def _percent_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(periods.CENT)


def _growth(f: Facts) -> Decimal | None:
    return None  # computed by dashboard(), which has both periods


KPIS = [
    KPI(
        "sales_quota",
        _("Sales quota"),
        _("The sum of the sales reps' all-product targets lying inside the period."),
        MONEY,
        lambda f: f["target"],
        _url("sales:target_list"),
        theme=SALES,
        higher_is_better=None,
        records=_url("sales:target_list", year=True),
    ),
    KPI(
        "sales_total",
        _("Sales total"),
        _("The amount of the orders dated in the period, cancelled ones excluded."),
        MONEY,
        lambda f: periods.money(f["amount"]),
        _url("sales:order_list", dates=True),
        theme=SALES,
        higher_is_better=True,
    ),
    KPI(
        "plan_achievement",
        _("Plan achievement rate"),
        _("Actual ÷ target: what the reps sold in their targets' periods ÷ their targets."),
        PERCENT,
        lambda f: _ratio(f["target_achieved"], f["target"], 100),
        _url("sales:target_list"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:target_list", year=True),
        goal=Decimal(100),
    ),
    KPI(
        "sales_growth",
        _("Sales growth rate"),
        _("(This period's sales − the previous period's) ÷ the previous period's."),
        PERCENT,
        _growth,
        _report("sales-trend"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:order_list", dates=True),
    ),
    KPI(
        "close_rate",
        _("Close rate"),
        _("Opportunities won ÷ opportunities closed (won or lost) in the period."),
        PERCENT,
        lambda f: _ratio(f["won"], f["won"] + f["lost"], 100),
        _url("sales:opportunity_list"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:opportunity_list", status="won"),
    ),
    KPI(
        "failure_rate",
        _("Failure rate"),
        _("Opportunities lost ÷ opportunities closed (won or lost) in the period."),
        PERCENT,
        lambda f: _ratio(f["lost"], f["won"] + f["lost"], 100),
        _url("sales:opportunity_list"),
        theme=SALES,
        higher_is_better=False,
        records=_url("sales:opportunity_list", status="lost"),
    ),
    KPI(
        "average_unit_sale",
        _("Average unit sale (客单价)"),
        _("Sales amount ÷ number of orders."),
        MONEY,
        lambda f: _ratio(f["amount"] or 0, f["orders"]),
        _url("sales:order_list", dates=True),
        theme=SALES,
        higher_is_better=True,
    ),
    KPI(
        "items_per_transaction",
        _("Items per transaction (客单件)"),
        _("Items sold (the quantities of the order lines) ÷ number of orders."),
        NUMBER,
        lambda f: _ratio(f["items"] or 0, f["orders"]),
        _url("sales:order_list", dates=True),
        theme=SALES,
        higher_is_better=True,
    ),
    KPI(
        "purchase_frequency",
        _("Purchase frequency"),
        _("Deals closed (orders) in the period ÷ the total number of customers at its end."),
        NUMBER,
        lambda f: _ratio(f["orders"], f["customers_at_end"]),
        _report("customer-contribution"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:order_list", dates=True),
    ),
    KPI(
        "average_order_size",
        _("Average order size"),
        _("Sales amount ÷ number of orders: the money of an average order."),
        MONEY,
        lambda f: _ratio(f["amount"] or 0, f["orders"]),
        _url("sales:order_list", dates=True),
        theme=SALES,
        higher_is_better=True,
    ),
    KPI(
        "repeat_purchase_rate",
        _("Repeat purchase rate"),
        _(
            "Customers with at least two orders in the period ÷ customers with at least one "
            "(cancelled orders excluded)."
        ),
        PERCENT,
        lambda f: _ratio(f["repeat_buyers"], f["buyers"], 100),
        _report("customer-contribution"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:order_list", dates=True),
    ),
    KPI(
        "sales_cycle_days",
        _("Sales cycle (days)"),
        _(
            "The median number of days from an opportunity's creation to its winning, for the "
            "opportunities won in the period."
        ),
        NUMBER,
        lambda f: f["sales_cycle_days"],
        _url("sales:opportunity_list"),
        theme=SALES,
        higher_is_better=False,
        records=_url("sales:opportunity_list", status="won"),
    ),
    KPI(
        "opportunity_response_rate",
        _("Opportunity response rate"),
        format_lazy(
            _(
                "Opportunities assigned in the period whose owner recorded an interaction with "
                "the opportunity's customer within {days} days of the assignment ÷ "
                "opportunities assigned in the period."
            ),
            days=RESPONSE_DAYS,
        ),
        PERCENT,
        lambda f: _ratio(f["responded"], f["assigned"], 100),
        _url("sales:opportunity_list"),
        theme=SALES,
        higher_is_better=True,
    ),
    KPI(
        "lead_success_ratio",
        _("Lead success ratio"),
        _("Leads converted ÷ leads closed (converted or disqualified) in the period."),
        PERCENT,
        lambda f: _ratio(f["converted"], f["converted"] + f["disqualified"], 100),
        _url("sales:lead_list"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:lead_list", status="converted"),
    ),
    KPI(
        "lead_conversion_rate",
        _("Lead conversion rate"),
        _("Leads converted in the period ÷ leads received in the period."),
        PERCENT,
        lambda f: _ratio(f["converted"], f["leads"], 100),
        _url("sales:lead_list"),
        theme=SALES,
        higher_is_better=True,
        records=_url("sales:lead_list", status="converted"),
    ),
    KPI(
        "complaint_rate",
        _("Complaint rate"),
        _("Complaints received in the period ÷ customers at the end of the period."),
        PERCENT,
        lambda f: _ratio(f["complaints"], f["customers_at_end"], 100),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=False,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "average_satisfaction",
        _("Average satisfaction"),
        _("The mean feedback (1–5) of the service requests received in the period."),
        NUMBER,
        lambda f: None if f["satisfaction"] is None else periods.money(f["satisfaction"]),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=True,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "satisfied_share",
        _("Satisfied customers"),
        _("Service requests of the period rated 4 or 5 ÷ those rated (1–5)."),
        PERCENT,
        lambda f: _ratio(f["satisfied"], f["rated"], 100),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=True,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "complaint_resolution_rate",
        _("Complaint resolution rate"),
        _(
            "Complaints of the period archived at the first handling round ÷ complaints of "
            "the period."
        ),
        PERCENT,
        lambda f: _ratio(f["complaints_first_round"], f["complaints"], 100),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=True,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "revenue_per_service_rep",
        _("Revenue per service representative"),
        _(
            "The period's sales total ÷ the service representatives: the users assigned at "
            "least one service request received in the period."
        ),
        MONEY,
        lambda f: _ratio(f["amount"] or 0, f["service_reps"]),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=True,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "first_response_hours",
        _("Average first-response time (hours)"),
        _("From a request's creation to its first response, for requests of the period."),
        HOURS,
        lambda f: _hours(f["first_response"]),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=False,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "resolution_hours",
        _("Average resolution time (hours)"),
        _("From a request's creation to its archiving, for requests of the period."),
        HOURS,
        lambda f: _hours(f["resolution"]),
        _report("service-composition"),
        theme=SERVICE,
        higher_is_better=False,
        records=_url("service:request_list", queue="all"),
    ),
    KPI(
        "acquisition_rate",
        _("Acquisition rate"),
        _(
            "Prospects turned into customers ÷ prospects closed in the period: leads converted "
            "and opportunities won ÷ leads and opportunities closed (either way)."
        ),
        PERCENT,
        lambda f: _ratio(
            f["converted"] + f["won"],
            f["converted"] + f["disqualified"] + f["won"] + f["lost"],
            100,
        ),
        _url("customers:list"),
        theme=CUSTOMERS,
        higher_is_better=True,
    ),
    KPI(
        "retention_rate",
        _("Retention rate"),
        _("(Customers at the start − those who churned in the period) ÷ customers at the start."),
        PERCENT,
        lambda f: _ratio(f["customers_at_start"] - f["churned"], f["customers_at_start"], 100),
        _report("churn"),
        theme=CUSTOMERS,
        higher_is_better=True,
        records=_url("customers:list", status="churned"),
    ),
    KPI(
        "churn_rate",
        _("Churn rate"),
        _("Customers whose churn was confirmed in the period ÷ customers at its start."),
        PERCENT,
        lambda f: _ratio(f["churned"], f["customers_at_start"], 100),
        _report("churn"),
        theme=CUSTOMERS,
        higher_is_better=False,
        records=_url("customers:list", status="churned"),
    ),
    KPI(
        "win_back_rate",
        _("Win-back rate"),
        _("Of the customers who churned in the period, the share who have ordered again since."),
        PERCENT,
        lambda f: _ratio(f["won_back"], f["churned"], 100),
        _report("churn"),
        theme=CUSTOMERS,
        higher_is_better=True,
        records=_url("customers:churn_list"),
    ),
    KPI(
        "referral_rate",
        _("Referral rate"),
        _(
            "Customers created in the period whose source is a referral ÷ customers created in "
            "the period."
        ),
        PERCENT,
        lambda f: _ratio(f["referred"], f["newcomers"], 100),
        _url("customers:list"),
        theme=CUSTOMERS,
        higher_is_better=True,
    ),
    KPI(
        "contacts_per_customer",
        _("Contacts per customer"),
        _("Interactions with customers in the period ÷ customers at its end."),
        NUMBER,
        lambda f: _ratio(f["interactions"], f["customers_at_end"]),
        _url("customers:interaction_list"),
        theme=CUSTOMERS,
        higher_is_better=True,
        records=_url("customers:interaction_list", dates=True),
    ),
    KPI(
        "completeness",
        _("Customer information completeness"),
        _("The average share of a customer's key fields that are filled (today, not per period)."),
        PERCENT,
        lambda f: f["completeness"],
        _url("customers:completeness"),
        theme=CUSTOMERS,
        higher_is_better=True,
    ),
    KPI(
        "data_update_rate",
        _("Data update rate"),
        _("Customers changed in the period ÷ customers at the end of the period."),
        PERCENT,
        lambda f: _ratio(f["updated_customers"], f["customers_at_end"], 100),
        _url("customers:list"),
        theme=CUSTOMERS,
        higher_is_better=True,
    ),
    KPI(
        "crm_usage_rate",
        _("CRM usage rate"),
        _(
            "Sales reps who signed in during the period ÷ sales reps (account managers, and "
            "supervisors who own customers)."
        ),
        PERCENT,
        lambda f: _ratio(f["active_users"], f["reps"], 100),
        _report("employee-performance"),
        theme=USAGE,
        higher_is_better=True,
    ),
    KPI(
        "follow_ups_per_rep",
        _("Follow-ups per rep"),
        _("Interactions with customers in the period ÷ sales reps."),
        NUMBER,
        lambda f: _ratio(f["interactions"], f["reps"]),
        _url("customers:interaction_list"),
        theme=USAGE,
        higher_is_better=True,
        records=_url("customers:interaction_list", dates=True),
    ),
]


def series_ranges(
    date_from: datetime.date, date_to: datetime.date, count: int = SERIES_PERIODS
) -> list[tuple[datetime.date, datetime.date]]:
    """The period and the ``count - 1`` periods before it (each the previous one of the next,
    as the dashboard compares them), oldest first."""
    ranges = [(date_from, date_to)]
    while len(ranges) < count:
        ranges.append(periods.previous_range(*ranges[-1]))
    return ranges[::-1]


def _value(kpi: KPI, facts: Facts, before: Facts | None) -> Decimal | None:
    """``kpi`` of a period; the growth needs the period before (None without it)."""
    if kpi.key == "sales_growth":
        if before is None:
            return None
        return _ratio((facts["amount"] or 0) - (before["amount"] or 0), before["amount"], 100)
    return kpi.formula(facts)


def _direction(change: Decimal | None) -> str:
    if change is None:
        return ""
    return "up" if change > 0 else "down" if change < 0 else "flat"


def _tone(direction: str, higher_is_better: bool | None) -> str:
    """Whether a change is good news: up where higher is better, down where lower is."""
    if direction in ("", "flat") or higher_is_better is None:
        return "neutral"
    return "good" if (direction == "up") == higher_is_better else "bad"


def dashboard(
    *,
    actor: User,
    date_from: datetime.date,
    date_to: datetime.date,
    with_series: bool = False,
) -> dict[str, Any]:
    """Every KPI for the period and the one before it, with the change between them; with
    ``with_series``, also each KPI's values over the last :data:`SERIES_PERIODS` periods.

    The periods' facts are read together (``kpi_facts_series``): the figures no rollup holds in
    one query per table for all periods, orders, customers and interactions per period (from
    the day rollups where they reach).
    """
    ranges = series_ranges(date_from, date_to, SERIES_PERIODS if with_series else 2)
    previous_from, previous_to = ranges[-2]
    with report_transaction():
        rep_ids = kpi_rep_ids(actor=actor)
        facts = kpi_facts_series(
            actor=actor,
            ranges=ranges,
            completeness_range=(date_from, date_to),
            rep_ids=rep_ids,
        )
    current, previous = facts[-1], facts[-2]
    # Completeness is today's, not a period's: the same figure for both periods, no series.
    current["completeness"] = previous["completeness"] = _percent_or_none(current["completeness"])
    rows = []
    for kpi in KPIS:
        if kpi.key == "sales_growth":
            value = _value(kpi, current, previous)
            before = None
        else:
            value, before = kpi.formula(current), kpi.formula(previous)
        change = None if before is None or value is None else value - before
        direction = _direction(change)
        row: dict[str, Any] = {
            "key": kpi.key,
            "label": str(kpi.label),
            "definition": str(kpi.definition),
            "unit": kpi.unit,
            "theme": kpi.theme,
            "higher_is_better": kpi.higher_is_better,
            "value": value,
            "previous": before,
            "change": change,
            "direction": direction,
            "tone": _tone(direction, kpi.higher_is_better),
            "met": None if kpi.goal is None or value is None else value >= kpi.goal,
            "link": kpi.link(date_from, date_to),
            "records": (kpi.records or kpi.link)(date_from, date_to),
        }
        if with_series:
            row["series"] = (
                None
                if kpi.key == "completeness"
                else [
                    _value(kpi, period, facts[index - 1] if index else None)
                    for index, period in enumerate(facts)
                ]
            )
        rows.append(row)
    result: dict[str, Any] = {
        "date_from": date_from,
        "date_to": date_to,
        "previous_from": previous_from,
        "previous_to": previous_to,
        "kpis": rows,
        # Figures read partly from the day rollup are as of its refresh.
        **({"as_of": current["as_of"]} if "as_of" in current else {}),
    }
    if with_series:
        result["series_starts"] = [start for start, _end in ranges]
    return result


def dashboard_themes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's KPIs grouped by theme, in :data:`THEMES` order."""
    return [
        {"key": key, "label": label, "kpis": [row for row in data["kpis"] if row["theme"] == key]}
        for key, label in THEMES
    ]


class KPIForm(ReportFilterForm):
    """The KPI dashboard's filter: the period only (the scope is the actor's)."""

    drop = ("owner", "team", "region", "level")


def cached_dashboard(
    *, actor: User, params: ReportParams, with_series: bool = False
) -> dict[str, Any]:
    """:func:`dashboard` for the form's period through the short-lived result cache."""
    period = {"date_from": params["date_from"], "date_to": params["date_to"]}
    return cached(
        "kpis-series" if with_series else "kpis",
        actor=actor,
        params=period,
        compute=lambda: dashboard(actor=actor, with_series=with_series, **period),
    )
