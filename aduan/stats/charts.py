"""Charts drawn by the server as inline SVG: readable without JavaScript, printable, and each
with a <title>/<desc> and the numbers written on it for screen readers and for print."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
STATUS_COLOURS = {
    "submitted": "#6e7781",
    "returned": "#bf8700",
    "dispositioned": "#0969da",
    "in_progress": "#8250df",
    "responded": "#1a7f37",
    "closed": "#116329",
    "archived": "#a0a0a0",
}


def trend_chart(points, title: str) -> str:
    """Vertical bars, one per month: [(first day of month, count)]."""
    width, height, pad, top = 640, 220, 30, 20
    n = max(len(points), 1)
    peak = max((c for _d, c in points), default=0) or 1
    bar = (width - 2 * pad) / n
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape(", ".join(f"{MONTHS[d.month - 1]} {d.year}: {c}" for d, c in points))
        + "</desc>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#57606a"/>',
    ]
    for i, (day, count) in enumerate(points):
        h = (height - pad - top) * count / peak
        x = pad + i * bar + bar * 0.15
        y = height - pad - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.7:.1f}" height="{h:.1f}" fill="#0b5394">'
            f"<title>{MONTHS[day.month - 1]} {day.year}: {count}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar * 0.35:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text x="{x + bar * 0.35:.1f}" y="{height - pad + 14}" font-size="11" text-anchor="middle">'
            f"{MONTHS[day.month - 1]}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def share_chart(shares, title: str) -> str:
    """One horizontal bar per status, its length the share of all reports: [(value, label, count)]."""
    width, row, label_w = 640, 24, 170
    total = sum(c for _v, _l, c in shares) or 1
    height = row * len(shares) + 10
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape(", ".join(f"{label}: {count}" for _v, label, count in shares))
        + "</desc>",
    ]
    for i, (value, label, count) in enumerate(shares):
        y = 5 + i * row
        w = (width - label_w - 90) * count / total
        pct = round(100 * count / total)
        parts.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{STATUS_COLOURS.get(value, "#0b5394")}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{count} ({pct}%)</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
