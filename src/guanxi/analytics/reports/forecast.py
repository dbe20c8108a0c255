"""Sales forecast 销售预测: monthly revenue forecast for the next 1–12 months with 80 % and 95 %
prediction intervals, the model the backtest chose and its errors beside the (seasonal) naive
forecast's — for the reader's scope, a team or a product category.

Nothing is fitted here: the nightly job stores every series (``services.forecast``) and this
report reads the newest one (one query), showing when it was computed.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from plotly import graph_objects as go

from guanxi.accounts.models import User
from guanxi.analytics import charts
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.intelligence import forecast as model
from guanxi.analytics.selectors.forecast import forecast_get, scope_key
from guanxi.core.formatting import format_datetime
from guanxi.core.rules import sees_everything
from guanxi.sales.models import ProductCategory

ALL, TEAM, CATEGORY = "all", "team", "category"


class ForecastForm(ReportFilterForm):
    default_preset = None
    drop = ("preset", "date_from", "date_to", "owner", "region", "level")
    dimension = forms.ChoiceField(
        label=_("Forecast of"),
        required=False,
        choices=[(ALL, _("All sales")), (TEAM, _("A team")), (CATEGORY, _("A product category"))],
        initial=ALL,
    )
    category = forms.ModelChoiceField(
        label=_("Product category"),
        required=False,
        queryset=ProductCategory.objects.order_by("sort_order", "name"),
        empty_label=_("Choose"),
    )
    horizon = forms.IntegerField(
        label=_("Months ahead"),
        required=False,
        min_value=1,
        max_value=model.MAX_HORIZON,
        initial=model.MAX_HORIZON,
        widget=forms.NumberInput(attrs={"placeholder": str(model.MAX_HORIZON)}),
    )
    field_order = ["dimension", "team", "category", "horizon"]
    api_help = {
        "dimension": "all (the caller's scope: the company, a supervisor's team subtree or an "
        "account manager's own sales), team (needs team) or category (needs category; readers "
        "who see every record only).",
        "team": "Id of a team in the caller's scope (with dimension=team).",
        "category": "Id of a product category (with dimension=category).",
        "horizon": "Months to forecast, 1–12 (default 12).",
    }

    def clean(self):
        data = super().clean()
        dimension = data.get("dimension") or ALL
        data["dimension"] = dimension
        if dimension == TEAM and data.get("team") is None and "team" not in self.errors:
            self.add_error("team", _("Choose a team."))
        if dimension == CATEGORY:
            if not sees_everything(self.actor):
                self.add_error(
                    "dimension",
                    _(
                        "Forecasts per product category are the company's: only readers who see "
                        "every record may open them."
                    ),
                )
            elif data.get("category") is None and "category" not in self.errors:
                self.add_error("category", _("Choose a product category."))
        return data


FORECAST = TableSpec(
    "rows",
    _("Forecast by month"),
    (
        Column("month", _("Month")),
        Column("forecast", _("Forecast"), MONEY),
        Column("lo80", _("80 % interval, from"), MONEY),
        Column("hi80", _("80 % interval, to"), MONEY),
        Column("lo95", _("95 % interval, from"), MONEY),
        Column("hi95", _("95 % interval, to"), MONEY),
    ),
)
BACKTEST = TableSpec(
    "backtest",
    _("Backtest of the models"),
    (
        Column("model", pgettext_lazy("statistical model", "Model")),
        Column("chosen", _("Chosen")),
        Column("mape", _("MAPE (%)"), PERCENT),
        Column("mase", _("MASE"), NUMBER),
    ),
)
HISTORY = TableSpec(
    "history",
    _("Sales by month"),
    (Column("month", _("Month")), Column("amount", _("Sales amount"), MONEY)),
)
SUMMARY = (
    Column("series", _("Forecast of")),
    Column("model", _("Model chosen")),
    Column("months", _("Months of history"), INTEGER),
    Column("mape", _("Backtest MAPE (%)"), PERCENT),
    Column("mase", _("Backtest MASE"), NUMBER),
    Column("benchmark_mape", _("Naive forecast's MAPE (%)"), PERCENT),
    Column("benchmark_mase", _("Naive forecast's MASE"), NUMBER),
    Column("backtest", _("Backtest")),
    Column("computed_at", _("Computed at")),
    Column("notes", _("Notes")),
)


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _number(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _key(actor: User, params: ReportParams) -> str:
    if params.get("dimension") == TEAM and params.get("team") is not None:
        return f"team:{params['team'].pk}"
    if params.get("dimension") == CATEGORY and params.get("category") is not None:
        return f"category:{params['category'].pk}"
    return scope_key(actor)


def series_label(actor: User, series: dict[str, Any]) -> str:
    if series["dimension"] == "all":
        return _t("All sales")
    if series["dimension"] == "owner":
        return str(actor) if series["id"] == actor.pk else _t("One account manager")
    return series["name"]


def note_texts(series: dict[str, Any]) -> list[str]:
    """The model's notes in the reader's words."""
    texts = []
    notes = series.get("notes", [])
    codes = [note["code"] for note in notes]
    if model.NOTE_SHORT in codes:
        texts.append(_t("Less than two years of history: no yearly pattern (non-seasonal models)."))
    warned = {
        note["spec"] for note in series.get("notes", []) if note["code"] == model.NOTE_WARNING
    }
    if warned:
        texts.append(
            _t("The fit of %(models)s warned (e.g. did not converge); recorded with the run.")
            % {"models": ", ".join(sorted(warned))}
        )
    failed = {note["spec"] for note in notes if note["code"] == model.NOTE_FAILED}
    if failed:
        texts.append(_t("Could not be fitted: %(models)s.") % {"models": ", ".join(sorted(failed))})
    if model.NOTE_FALLBACK in codes:
        texts.append(_t("No model could be fitted: the naive forecast is shown."))
    if model.NOTE_CLIPPED in codes:
        texts.append(_t("Interval bounds below zero are shown as 0."))
    return texts


def _status(run, series) -> str:
    if run is None:
        return _t("No forecast has been computed yet: the nightly job computes it.")
    if series is None:
        return _t("The last forecast has no sales history for this choice.")
    if series["refused"] == model.TOO_SHORT:
        return _t(
            "Too little history for a forecast: %(months)s months with sales, at least 6 needed."
        ) % {"months": series["months"]}
    return ""


def compute(actor: User, params: ReportParams) -> ReportData:
    run, series = forecast_get(actor=actor, key=_key(actor, params))
    horizon = params.get("horizon") or model.MAX_HORIZON
    status = _status(run, series)
    summary: dict[str, Any] = dict.fromkeys(column.key for column in SUMMARY)
    summary["notes"] = status
    if run is not None:
        summary["computed_at"] = format_datetime(run.finished_at or run.started_at)
    data: ReportData = {"date_from": None, "date_to": None, "summary": summary}
    data.update(rows=[], backtest=[], history=[], series_name="")
    if series is None:
        return data
    summary["series"] = data["series_name"] = series_label(actor, series)
    summary["months"] = series["months"]
    data["history"] = [
        {"month": point["month"], "amount": _money(point["amount"])} for point in series["history"]
    ]
    if status:
        return data
    errors = series["backtest"]
    summary.update(
        model=series["model"]["spec"],
        mape=_number(errors["mape"]),
        mase=_number(errors["mase"]),
        benchmark_mape=_number(errors["benchmark_mape"]),
        benchmark_mase=_number(errors["benchmark_mase"]),
        backtest=ngettext(
            "%(origins)s origin, %(horizon)s months ahead each",
            "%(origins)s origins, %(horizon)s months ahead each",
            errors["origins"],
        )
        % {"origins": errors["origins"], "horizon": errors["horizon"]},
        notes=" ".join(note_texts(series)),
    )
    data["rows"] = [
        {"month": point["month"], "forecast": _money(point["mean"])}
        | {key: _money(point[key]) for key in ("lo80", "hi80", "lo95", "hi95")}
        for point in series["forecast"][:horizon]
    ]
    benchmark = (
        _t("Seasonal naive (same month last year)")
        if errors["benchmark"] == "seasonal_naive"
        else _t("Naive (last month)")
    )
    data["backtest"] = [
        {
            "model": candidate["spec"],
            "chosen": "✓" if candidate["spec"] == series["model"]["spec"] else "",
            "mape": _number(candidate["mape"]),
            "mase": _number(candidate["mase"]),
        }
        for candidate in errors["candidates"]
    ] + [
        {
            "model": benchmark,
            "chosen": "✓" if series["model"]["family"] == "naive" else "",
            "mape": _number(errors["benchmark_mape"]),
            "mase": _number(errors["benchmark_mase"]),
        }
    ]
    return data


def _band(months, low, high, *, name: str, opacity: float) -> list[go.Scatter]:
    return [
        go.Scatter(
            x=months + months[::-1],
            y=charts.numbers(high) + charts.numbers(low)[::-1],
            fill="toself",
            fillcolor=f"rgba(31, 119, 180, {opacity})",
            line={"width": 0},
            hoverinfo="skip",
            name=name,
        )
    ]


def chart(data: ReportData) -> go.Figure:
    history, rows = data["history"], data["rows"]
    months = [row["month"] for row in rows]
    traces: list[Any] = []
    if rows:
        traces += _band(
            months,
            [r["lo95"] for r in rows],
            [r["hi95"] for r in rows],
            name=_t("95 % interval"),
            opacity=0.15,
        )
        traces += _band(
            months,
            [r["lo80"] for r in rows],
            [r["hi80"] for r in rows],
            name=_t("80 % interval"),
            opacity=0.3,
        )
    amounts = [row["amount"] for row in history]
    traces.append(
        go.Scatter(
            x=[row["month"] for row in history],
            y=charts.numbers(amounts),
            name=_t("Sales amount"),
            mode="lines+markers",
            **charts.money_hover(amounts),
        )
    )
    forecasts = [row["forecast"] for row in rows]
    if rows:
        traces.append(
            go.Scatter(
                x=months,
                y=charts.numbers(forecasts),
                name=_t("Forecast"),
                mode="lines+markers",
                line={"dash": "dash"},
                **charts.money_hover(forecasts),
            )
        )
    values = [*amounts, *forecasts, *(row["hi95"] for row in rows), *(row["lo95"] for row in rows)]
    return charts.figure(
        *traces,
        xaxis={"type": "category"},
        yaxis=charts.money_axis([value for value in values if value is not None] or [0]),
    )


REPORT = register(
    ReportDefinition(
        slug="forecast",
        name="forecast",
        title=_("Sales forecast"),
        description=_(
            "Monthly sales forecast for the next 1–12 months with 80 % and 95 % prediction "
            "intervals, by exponential smoothing or SARIMA as a rolling-origin backtest "
            "chose, with the backtest's errors beside the seasonal naive forecast's; "
            "computed nightly."
        ),
        form_class=ForecastForm,
        compute=compute,
        chart=chart,
        tables=(FORECAST, BACKTEST, HISTORY),
        summary=SUMMARY,
    )
)
