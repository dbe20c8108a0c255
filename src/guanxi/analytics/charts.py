"""Plotly figures of the reports, built in Python from the same rows as the tables.

The page embeds ``figure_data(fig)`` as JSON and ``static/guanxi/reports.js`` draws it with the
plotly.js bundled in the installed ``plotly`` package (served by ``views.plotly_js``).
"""

import json
from decimal import Decimal

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

FONT = "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


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
        font={"family": FONT},
        margin={"l": 60, "r": 30, "t": 50 if title else 20, "b": 60},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
        **layout,
    )
    return fig


def figure_data(fig: go.Figure) -> dict:
    """The figure as plain JSON data (what plotly.js takes), for json_script and tests."""
    return json.loads(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))
