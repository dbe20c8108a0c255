"""Plotly figures of the reports, built in Python from the same rows as the tables.

The page embeds ``figure_data(fig)`` as JSON and ``static/guanxi/reports.js`` draws it with the
plotly.js bundled in the installed ``plotly`` package (served by ``views.plotly_js``).

Amounts read the way the tables write them (``core.formatting``): plotly cannot count in 万 and
亿, so money axes get their ticks and labels from Python (``money_axis``) — 万/亿 in Chinese, K/M
in English — and hovering a bar shows the exact amount (``-¥6,269.91``) rather than plotly's own
number format.
"""

import json
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from guanxi.core import formatting

FONT = "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"

# The series colours, in order: the interface's own colours (the :root variables and the link
# colour of static/guanxi/guanxi.css — brand red, link blue, ok green, warning amber, muted
# grey), then three more of the same weight for charts with many series.
PALETTE = (
    "#b3261e",  # --brand
    "#0969da",  # links
    "#1a7f37",  # --ok
    "#9a6700",  # --warn
    "#8250df",
    "#1b7c83",
    "#bc4c00",
    "#656d76",  # --muted
)
INK = "#1f2328"  # --ink
GRID = "#d0d7de"  # --line
TICKS = 5


def number(value):
    """A chart value: Decimal to float, None stays a gap."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def numbers(values) -> list:
    return [number(value) for value in values]


def figure(*traces, title: str = "", **layout) -> go.Figure:
    fig = go.Figure(data=list(traces))
    fig.update_layout(
        title={"text": str(title)} if title else None,
        font={"family": FONT, "color": INK},
        colorway=list(PALETTE),
        piecolorway=list(PALETTE),
        separators=".,",
        margin={"l": 70, "r": 30, "t": 50 if title else 20, "b": 60},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
        **layout,
    )
    return fig


def figure_data(fig: go.Figure) -> dict:
    """The figure as plain JSON data (what plotly.js takes), for json_script and tests."""
    return json.loads(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))


def _step(span: float, count: int) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``count`` intervals over ``span``."""
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def money_ticks(values: Iterable, *, count: int = TICKS) -> list[float]:
    """Round tick values covering ``values`` and zero (bars grow from zero)."""
    present = [float(value) for value in values if value is not None]
    low = min([0.0, *present])
    high = max([0.0, *present])
    if high == low:  # nothing but zeros: an axis up to 1 rather than none at all
        high = 1.0
    step = _step(high - low, count)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(index * step, 6) for index in range(first, last + 1)]


def tick_labels(ticks: Sequence[float], *, currency: str = formatting.CURRENCY) -> list[str]:
    """Compact labels of ``ticks`` with as few decimals as keep them apart (``¥2.5万``)."""
    labels: list[str] = []
    # One unit for the whole axis, the largest tick's: ¥0.5万 ¥1万 rather than ¥5,000 ¥1万.
    largest = max((abs(tick) for tick in ticks), default=0)
    for places in (0, 1, 2):
        labels = [
            formatting.format_compact_amount(
                tick, currency=currency, places=places, unit_of=largest
            )
            for tick in ticks
        ]
        if len(set(labels)) == len(labels):
            break
    return labels


def money_axis(values: Iterable, *, title: object = "", **axis) -> dict:
    """An axis of amounts: round ticks labelled ``¥1.2万``/``¥12K`` by the active language."""
    ticks = money_ticks(values)
    return {
        "title": {"text": str(title)} if title else None,
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": tick_labels(ticks),
        "range": [ticks[0], ticks[-1]],
        "zeroline": True,
        **axis,
    }


def percent_axis(**axis) -> dict:
    """An axis of percentages (values in percent, 12.5 is 12.5%).

    Ticks are its own (``auto``): over a money axis, plotly.js would otherwise sync them to
    that axis's ticks, at odd values (-43%, 96%, 235%).
    """
    return {"ticksuffix": "%", "tickformat": ",.0f", "tickmode": "auto", **axis}


def count_axis(*, title: object = "", **axis) -> dict:
    """An axis of counts: whole numbers with thousands separators."""
    return {
        "title": {"text": str(title)} if title else None,
        "tickformat": ",d",
        "rangemode": "tozero",
        **axis,
    }


def _hover(texts: list[str], label: str) -> dict:
    return {
        "customdata": [[text] for text in texts],
        "hovertemplate": f"{label}<br>%{{fullData.name}}: %{{customdata[0]}}<extra></extra>",
    }


def money_hover(values: Iterable, *, label: str = "%{x}") -> dict:
    """Trace settings showing each point's exact amount on hover (``-¥6,269.91``)."""
    return _hover([formatting.format_money(value) for value in values], label)


def percent_hover(values: Iterable, *, label: str = "%{x}") -> dict:
    """Trace settings showing each point's percentage on hover, one decimal (``12.3%``)."""
    return _hover([formatting.format_percent(value) for value in values], label)


def money_bar(x: Sequence, amounts: Sequence, *, name: object, **trace) -> go.Bar:
    """A vertical bar per amount, hovered with the exact amount."""
    return go.Bar(x=list(x), y=numbers(amounts), name=str(name), **money_hover(amounts), **trace)


def percent_line(x: Sequence, values: Sequence, *, name: object, **trace) -> go.Scatter:
    """A line of percentages, hovered with one decimal."""
    return go.Scatter(
        x=list(x),
        y=numbers(values),
        name=str(name),
        mode="lines+markers",
        **percent_hover(values),
        **trace,
    )
