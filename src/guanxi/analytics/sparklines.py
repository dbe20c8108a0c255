"""Sparklines: a small line of a few periods' values drawn as inline SVG, built in Python.

No script is needed (the page's Content-Security-Policy allows none inline) and the values are
in the markup, so tests read them as data. A missing value (None) breaks the line.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 120
HEIGHT = 32
PAD = 3


def _number(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


def sparkline_points(
    values: Sequence[Decimal | int | float | None], *, width: int = WIDTH, height: int = HEIGHT
) -> list[tuple[float, float] | None]:
    """Each value's (x, y) in a ``width`` × ``height`` box (y down, the largest value at the
    top); None where the value is missing. A flat series is drawn across the middle."""
    numbers = [_number(value) for value in values]
    known = [value for value in numbers if value is not None]
    if not numbers:
        return []
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    span = high - low
    step = (width - 2 * PAD) / (len(numbers) - 1) if len(numbers) > 1 else 0.0
    points: list[tuple[float, float] | None] = []
    for index, value in enumerate(numbers):
        if value is None:
            points.append(None)
            continue
        share = 0.5 if not span else (value - low) / span
        x = PAD + index * step if len(numbers) > 1 else width / 2
        points.append((round(x, 1), round(height - PAD - share * (height - 2 * PAD), 1)))
    return points


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def sparkline(
    values: Sequence[Decimal | int | float | None],
    *,
    label: str,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """The series as an ``<svg role="img">`` named ``label`` (what a screen reader says; the
    figures themselves are in the page's text), the last value marked with a dot."""
    points = sparkline_points(values, width=width, height=height)
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linejoin="round" stroke-linecap="round"/>',
        ((" ".join(f"{x},{y}" for x, y in run),) for run in _runs(points)),
    )
    last = points[-1] if points else None
    dot = (
        format_html('<circle cx="{}" cy="{}" r="2.5" fill="currentColor"/>', last[0], last[1])
        if last is not None
        else ""
    )
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" data-points="{}" data-values="{}">{}{}</svg>',
        label,
        width,
        height,
        width,
        height,
        len(points),
        ",".join("" if value is None else str(value) for value in values),
        lines,
        dot,
    )
