"""Customer lifetime value 客户生命周期价值: the customers' 12-month value as the company's CLV
model (BG/NBD + Gamma–Gamma, ``services.clv``) last computed it — the top customers, the
distribution, and the sums and averages per customer level and per account manager, within the
reader's customers — with the fit's parameters and its time.

The figures are read from the stored scores (``CustomerScore``), never computed here; the
weekly job or "Fit now" refreshes them. The distribution's bins follow a 1–2–5 series of
amounts (¥0–100, 100–200, 200–500, 500–1,000…), as CLV is heavily skewed; the counts are one
query with a filtered count per bin.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import User
from guanxi.analytics import charts, rules
from guanxi.analytics.forms.reports import ReportFilterForm, limit_field
from guanxi.analytics.framework import (
    DATE,
    ID,
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.rules import reads_company_figures
from guanxi.analytics.selectors.clv import clv_summary, summary_ceiling
from guanxi.analytics.selectors.runs import company_run_latest
from guanxi.analytics.selectors.scores import FILTERS, scores_in_scope
from guanxi.core.formatting import format_money
from guanxi.core.models import DictionaryEntry

CENT = Decimal("0.01")


class CLVForm(ReportFilterForm):
    default_preset = None
    drop = ("preset", "date_from", "date_to")
    limit = limit_field(default=20, maximum=200)
    api_help = {"limit": "How many top customers to list (1–200, default 20)."}


TOP = TableSpec(
    "top",
    _("Top customers by lifetime value"),
    (
        Column("customer", _("Customer id"), ID),
        Column("code", _("Customer code")),
        Column("name", _("Customer")),
        Column("owner_name", _("Account manager")),
        Column("level", _("Customer level")),
        Column("expected_orders_12m", _("Expected orders, 12 months"), NUMBER),
        Column("p_alive", _("Probability still active (%)"), PERCENT),
        Column("clv_12m", _("CLV, 12 months"), MONEY),
    ),
    hidden=("customer",),
)
DISTRIBUTION = TableSpec(
    "distribution",
    _("Distribution of lifetime value"),
    (
        Column("low", _("From"), MONEY),
        Column("high", _("Below"), MONEY),
        Column("bin", _("CLV range")),
        Column("customers", _("Customers"), INTEGER),
    ),
    hidden=("low", "high"),
)


def _group_table(key: str, title: Any, label: Any) -> TableSpec:
    return TableSpec(
        key,
        title,
        (
            Column("key", _("Code")),
            Column("group", label),
            Column("customers", _("Customers"), INTEGER),
            Column("clv_sum", _("Total CLV"), MONEY),
            Column("clv_avg", _("Average CLV"), MONEY),
        ),
        hidden=("key",),
    )


BY_LEVEL = _group_table("by_level", _("Lifetime value per customer level"), _("Customer level"))
BY_OWNER = _group_table("by_owner", _("Lifetime value per account manager"), _("Account manager"))
PARAMETERS = TableSpec(
    "parameters",
    _("Model parameters"),
    (
        Column("model", pgettext_lazy("statistical model", "Model")),
        Column("parameter", _("Parameter")),
        Column("value", _("Value"), TEXT),
    ),
)
SUMMARY = (
    Column("customers", _("Customers with a CLV"), INTEGER),
    Column("clv_sum", _("Total CLV, 12 months"), MONEY),
    Column("clv_avg", _("Average CLV"), MONEY),
    Column("expected_orders", _("Expected orders, 12 months"), NUMBER),
    Column("p_alive_avg", _("Average probability still active (%)"), PERCENT),
    Column("until", _("Orders up to"), DATE),
)


def _scores(actor: User, params: ReportParams) -> QuerySet[CustomerScore]:
    return scores_in_scope(actor=actor, params=params).filter(clv_12m__isnull=False)


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _level_labels(ids: set[int]) -> dict[int, str]:
    entries = DictionaryEntry.all_objects.filter(pk__in=ids)
    return {entry.pk: entry.label for entry in entries}


def _owner_names(ids: set[int]) -> dict[int, str]:
    users = User.objects.filter(pk__in=ids).values_list("pk", "last_name", "first_name", "username")
    return {pk: User.display_name(*names) for pk, *names in users}


def _parameters(run: ModelRun | None) -> list[dict[str, Any]]:
    if run is None:
        return []
    rows = []
    for model, key, names in (
        ("BG/NBD", "bgnbd", ("r", "alpha", "a", "b")),
        ("Gamma–Gamma", "gamma_gamma", ("p", "q", "v")),
    ):
        for name in names:
            value = run.result.get(key, {}).get(name)
            shown = "α" if name == "alpha" else name
            rows.append(
                {"model": model, "parameter": shown, "value": f"{value:.4g}" if value else ""}
            )
    unit = run.result.get("time_unit", "")
    rows.append(
        {
            "model": "BG/NBD",
            "parameter": str(_("Time unit")),
            "value": str(
                pgettext_lazy("time unit", "day")
                if unit == "day"
                else pgettext_lazy("time unit", "week")
            ),
        }
    )
    return rows


def _summary(actor: User, params: ReportParams, run: ModelRun | None) -> dict[str, Any]:
    """The company's stored summary (its run computed it with the scores) for a reader of the
    company's figures with no filter; anyone else's computed from their scores."""
    company = reads_company_figures(actor) and not any(
        params.get(name) is not None for name in FILTERS
    )
    stored: dict[str, Any] | None = run.result.get("company_summary") if run else None
    if company and stored is not None:
        return stored
    # The company's largest value bounds anyone's: no query to find the reader's first.
    ceiling = summary_ceiling(stored) if stored is not None else None
    return clv_summary(_scores(actor, params), ceiling=ceiling)


def compute(actor: User, params: ReportParams) -> ReportData:
    run = company_run_latest(kind=ModelRun.Kind.CLV)
    summary = _summary(actor, params, run)
    listed = (
        _scores(actor, params)
        .order_by("-clv_12m", "customer_id")
        .values(
            "customer_id",
            "customer__code",
            "customer__name",
            "customer__owner_id",
            "customer__level_id",
            "expected_orders_12m",
            "p_alive",
            "clv_12m",
        )[: params.get("limit") or 20]
    )
    by_level = [
        {**row, "clv_sum": _money(row["clv_sum"]), "clv_avg": _money(row["clv_avg"])}
        for row in summary["by_level"]
    ]
    by_owner = [
        {**row, "clv_sum": _money(row["clv_sum"]), "clv_avg": _money(row["clv_avg"])}
        for row in summary["by_owner"]
    ]
    top = list(listed)
    levels = _level_labels({row["key"] for row in by_level if row["key"]})
    owners = _owner_names({row["key"] for row in by_owner if row["key"]})
    for row in by_level:
        row["group"] = levels.get(row["key"], str(_("Not recorded")))
    for row in by_owner:
        row["group"] = owners.get(row["key"], str(_("Customer pool")))
    result: ReportData = {
        "date_from": None,
        "date_to": None,
        "summary": {
            "customers": summary["customers"],
            "clv_sum": _money(summary["clv_sum"]),
            "clv_avg": _money(summary["clv_avg"]) if summary["customers"] else None,
            "expected_orders": _money(summary["expected_orders"]),
            "p_alive_avg": _money(summary["p_alive_avg"])
            if summary["p_alive_avg"] is not None
            else None,
            "until": datetime.date.fromisoformat(run.result["until"]) if run else None,
        },
        "top": [
            {
                "customer": row["customer_id"],
                "code": row["customer__code"],
                "name": row["customer__name"],
                "owner_name": owners.get(row["customer__owner_id"], ""),
                "level": levels.get(row["customer__level_id"], ""),
                "expected_orders_12m": row["expected_orders_12m"],
                "p_alive": _money(row["p_alive"] * 100) if row["p_alive"] is not None else None,
                "clv_12m": row["clv_12m"],
            }
            for row in top
        ],
        "distribution": [
            {
                "low": Decimal(row["low"]),
                "high": Decimal(row["high"]),
                "bin": f"{format_money(Decimal(row['low']), places=0)} – "
                f"{format_money(Decimal(row['high']), places=0)}",
                "customers": row["customers"],
            }
            for row in summary["distribution"]
        ],
        "by_level": by_level,
        "by_owner": by_owner,
        "parameters": _parameters(run),
        # The "Fit now" button: only who sees everything refits the company's model.
        "can_fit": actor.has_perm(rules.RUN_COMPANY_MODELS),
    }
    if run is not None:
        result["as_of"] = run.finished_at
    return result


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["distribution"]
    return charts.figure(
        charts.go.Bar(
            x=[row["bin"] for row in rows],
            y=[row["customers"] for row in rows],
            name=str(_("Customers")),
        ),
        xaxis={"type": "category", "title": {"text": str(_("CLV, 12 months"))}},
        yaxis=charts.count_axis(title=_("Customers")),
    )


REPORT = register(
    ReportDefinition(
        slug="clv",
        name="clv",
        title=_("Customer lifetime value"),
        description=_(
            "Each customer's expected orders, probability of still being active and value over "
            "the next 12 months (discounted), from the BG/NBD and Gamma–Gamma models fitted on "
            "the order history: top customers, distribution, per level and per account manager."
        ),
        form_class=CLVForm,
        compute=compute,
        chart=chart,
        tables=(TOP, DISTRIBUTION, BY_LEVEL, BY_OWNER, PARAMETERS),
        summary=SUMMARY,
        actions_template="analytics/partials/_clv_actions.html",
    )
)
