"""Server-rendered SVG charts. The CSP forbids scripts and inline styles, so the charts are plain SVG styled by
classes from metrics.css; each has a title for screen readers and a data table next to it on the page."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(chart_id: str, title: str, height: int) -> str:
    return (
        f'<svg class="metrics-chart" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]]) -> SafeString:
    """Horizontal bars, one per labelled value, longest label on the left."""
    height = max(1, len(items)) * (BAR_HEIGHT + GAP) + GAP
    top = max((value for _, value in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 70
    parts = [_open(chart_id, title, height)]
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = max(1.0, span * value / top) if value else 0
        shown = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<text class="metrics-chart__label" x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(shown)}</text>"
            f'<rect class="metrics-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}"/>'
            f'<text class="metrics-chart__value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 16}">'
            f"{_number(value)}</text>"
        )
    if not items:
        parts.append(
            f'<text class="metrics-chart__label" x="8" y="{GAP + 16}">No data for this period.</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def month_chart(
    chart_id: str, title: str, months: list[str], series: list[tuple[str, list[int]]]
) -> SafeString:
    """Vertical bars by month, one bar per series side by side, with a legend."""
    height, bottom, left, legend = 260, 220, 40, 24
    top = max((v for _, values in series for v in values), default=0) or 1
    slot = (WIDTH - left - 10) / max(1, len(months))
    bar = max(2.0, (slot - 6) / max(1, len(series)))
    parts = [_open(chart_id, title, height)]
    parts.append(
        f'<line class="metrics-chart__axis" x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}"/>'
        f'<text class="metrics-chart__value" x="{left - 6}" y="{legend + 12}" text-anchor="end">{top}</text>'
        f'<text class="metrics-chart__value" x="{left - 6}" y="{bottom}" text-anchor="end">0</text>'
    )
    plot = bottom - legend - 8
    for m, month in enumerate(months):
        x0 = left + m * slot + 3
        for s, (_, values) in enumerate(series):
            value = values[m]
            h = plot * value / top
            parts.append(
                f'<rect class="metrics-chart__bar metrics-chart__bar--{s}" x="{x0 + s * bar:.1f}" '
                f'y="{bottom - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}"/>'
            )
        parts.append(
            f'<text class="metrics-chart__tick" x="{x0 + slot / 2 - 3:.1f}" y="{bottom + 16}" '
            f'text-anchor="middle">{escape(month)}</text>'
        )
    for s, (name, _) in enumerate(series):
        x = left + s * 160
        parts.append(
            f'<rect class="metrics-chart__bar metrics-chart__bar--{s}" x="{x}" y="4" width="14" height="14"/>'
            f'<text class="metrics-chart__label" x="{x + 20}" y="16">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
