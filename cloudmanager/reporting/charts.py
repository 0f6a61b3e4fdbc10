"""Server-side SVG charts: no JavaScript, nothing for the CSP to block, printable.

Colours come from CSS classes (`chart-series-0` …) in static/css/app.css; each
bar and point carries a <title> so hovering shows its value. Every chart is
drawn next to a table with the same numbers for screen readers.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from markupsafe import Markup, escape

WIDTH = 720
PLOT_LEFT = 64
PLOT_RIGHT = 12
PLOT_TOP = 12
PLOT_BOTTOM = 36


@dataclass
class Series:
    """A named row of values, one per label."""

    name: str
    values: Sequence[Decimal | int | float]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _format(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _frame(labels: Sequence[str], low: float, high: float, height: int) -> tuple[list[str], float]:
    """Gridlines, axis labels and the plot's horizontal step."""
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    parts = []
    for i in range(5):
        value = low + (high - low) * i / 4
        y = PLOT_TOP + plot_height * (1 - i / 4)
        parts.append(
            f'<line class="chart-grid" x1="{PLOT_LEFT}" x2="{WIDTH - PLOT_RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart-axis" x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_format(value)}</text>'
        )
    step = plot_width / max(len(labels), 1)
    every = max(1, len(labels) // 12)
    for index, label in enumerate(labels):
        if index % every == 0:
            x = PLOT_LEFT + step * (index + 0.5)
            parts.append(
                f'<text class="chart-axis" x="{x:.1f}" y="{height - 14}" text-anchor="middle">{escape(label)}</text>'
            )
    return parts, step


def _y(value: float, low: float, high: float, height: int) -> float:
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    return PLOT_TOP + plot_height * (1 - (value - low) / ((high - low) or 1))


def _svg(title: str, parts: list[str], height: int, series: Sequence[Series]) -> Markup:
    legend = "".join(
        f'<span class="chart-legend-item"><span class="chart-swatch chart-series-{i}"></span>{escape(s.name)}</span>'
        for i, s in enumerate(series)
    )
    body = "".join(parts)
    return Markup(
        f'<figure class="chart"><svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">{body}</svg>'
        f'<figcaption class="chart-legend">{legend}</figcaption></figure>'
    )


def bar_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], height: int = 260
) -> Markup:
    """Grouped bars, one group per label; negative values go below the zero line."""
    values = [float(v) for s in series for v in s.values] or [0.0]
    high = _nice_max(max(max(values), 0))
    low = -_nice_max(-min(values)) if min(values) < 0 else 0.0
    parts, step = _frame(labels, low, high, height)
    group = step * 0.8
    width = group / max(len(series), 1)
    zero = _y(0, low, high, height)
    for s_index, s in enumerate(series):
        for index, value in enumerate(s.values):
            top = _y(float(value), low, high, height)
            x = PLOT_LEFT + step * index + (step - group) / 2 + width * s_index
            y, h = (top, zero - top) if top < zero else (zero, top - zero)
            parts.append(
                f'<rect class="chart-bar chart-series-{s_index}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{max(width - 2, 1):.1f}" height="{max(h, 0):.1f}">'
                f"<title>{escape(labels[index])} · {escape(s.name)}: {_format(float(value))}</title></rect>"
            )
    parts.append(
        f'<line class="chart-zero" x1="{PLOT_LEFT}" x2="{WIDTH - PLOT_RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}"/>'
    )
    return _svg(title, parts, height, series)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], height: int = 260
) -> Markup:
    """Lines with a dot per label."""
    values = [float(v) for s in series for v in s.values] or [0.0]
    high = _nice_max(max(max(values), 0))
    low = -_nice_max(-min(values)) if min(values) < 0 else 0.0
    parts, step = _frame(labels, low, high, height)
    for s_index, s in enumerate(series):
        points = [
            (PLOT_LEFT + step * (index + 0.5), _y(float(value), low, high, height))
            for index, value in enumerate(s.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="chart-line chart-series-{s_index}" points="{path}"/>')
        for (x, y), label, value in zip(points, labels, s.values):
            parts.append(
                f'<circle class="chart-dot chart-series-{s_index}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                f"<title>{escape(label)} · {escape(s.name)}: {_format(float(value))}</title></circle>"
            )
    return _svg(title, parts, height, series)
