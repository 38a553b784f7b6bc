"""The geometry of the dashboard's charts; the templates `stats/_trend_chart.html` and
`stats/_share_chart.html` draw them as inline SVG: readable without JavaScript, printable, each
with a <title>/<desc> and the numbers written on it for screen readers and for print.

Coordinates are strings with one decimal made here, so that no locale's decimal comma reaches the
SVG; month names are left to the templates' `date` filter, in the reader's language.
"""

from dataclasses import dataclass

STATUS_COLOURS = {
    "submitted": "#6e7781",
    "returned": "#bf8700",
    "dispositioned": "#0969da",
    "in_progress": "#8250df",
    "responded": "#1a7f37",
    "closed": "#116329",
    "archived": "#a0a0a0",
}
DEFAULT_COLOUR = "#0b5394"


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class MonthBar:
    month: object  # the first day of the month
    count: int
    x: str
    y: str
    width: str
    height: str
    middle: str  # x of the labels
    count_y: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    pad: int
    axis_end: int
    baseline: int
    label_y: int
    bars: list[MonthBar]


def trend_chart(points) -> TrendChart:
    """Vertical bars, one per month: [(first day of month, count)]."""
    width, height, pad, top = 640, 220, 30, 20
    bar = (width - 2 * pad) / max(len(points), 1)
    peak = max((c for _d, c in points), default=0) or 1
    bars = []
    for i, (day, count) in enumerate(points):
        h = (height - pad - top) * count / peak
        x = pad + i * bar + bar * 0.15
        y = height - pad - h
        bars.append(
            MonthBar(day, count, _n(x), _n(y), _n(bar * 0.7), _n(h), _n(x + bar * 0.35), _n(y - 4))
        )
    return TrendChart(width, height, pad, width - pad, height - pad, height - pad + 14, bars)


@dataclass(frozen=True)
class ShareRow:
    label: str
    count: int
    percent: int
    colour: str
    text_y: int
    bar_y: int
    width: str
    count_x: str


@dataclass(frozen=True)
class ShareChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list[ShareRow]


def share_chart(shares) -> ShareChart:
    """One horizontal bar per status, its length the share of all reports:
    [(value, label, count)]."""
    width, row, label_w = 640, 24, 170
    total = sum(c for _v, _l, c in shares) or 1
    rows = []
    for i, (value, label, count) in enumerate(shares):
        y = 5 + i * row
        w = (width - label_w - 90) * count / total
        rows.append(
            ShareRow(
                label,
                count,
                round(100 * count / total),
                STATUS_COLOURS.get(value, DEFAULT_COLOUR),
                y + 16,
                y + 4,
                _n(w),
                _n(label_w + w + 6),
            )
        )
    return ShareChart(width, row * len(shares) + 10, label_w, row - 8, rows)
