"""Server-made SVG charts (the CSP allows no script): each has a title for assistive technology, and every
page that shows one also shows its numbers in a table."""

from html import escape

from .models import Status

# One colour per status, distinguishable and with text labels beside them (colour is never the only cue).
COLOURS = {
    Status.NOT_STARTED: "#71767a", Status.IN_PROGRESS: "#005ea2", Status.PARTIALLY_COMPLETE: "#8168b3",
    Status.COMPLETE: "#00a91c", Status.OUTSIDE_CONTROL: "#d54309", Status.PENDING_LABOR: "#b38c00",
    Status.ALTERNATIVE: "#1a4480", Status.NOT_APPLICABLE: "#3d4551",
}  # fmt: skip
LABELS = dict(Status.choices)


def bars(title: str, values: list[tuple[str, int]], *, width: int = 640) -> str:
    """Horizontal bars, one per (label, value)."""
    row, label_width = 28, 230
    height = row * len(values) + 10
    top = max((v for _, v in values), default=0) or 1
    scale = (width - label_width - 60) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" class="continuum-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(values):
        y = 5 + i * row
        colour = COLOURS.get(label, "#005ea2")
        name = LABELS.get(label, label)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" font-size="13">{escape(name)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{value * scale:.1f}" height="18" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_width + value * scale + 6:.1f}" y="{y + 18}" font-size="13">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked(title: str, points: list[dict], *, width: int = 640) -> str:
    """One stacked bar per point in time ({"label", "counts"}), statuses in their fixed order."""
    height, left, bottom = 260, 60, 40
    total = max((sum(p["counts"].values()) for p in points), default=0) or 1
    slot = (width - left - 20) / max(len(points), 1)
    scale = (height - bottom - 20) / total
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" class="continuum-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#1b1b1b"/>',
    ]
    for i, point in enumerate(points):
        x = left + i * slot + slot * 0.2
        y = height - bottom
        for status in Status.values:
            count = point["counts"].get(status, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            label = f"<title>{escape(LABELS[status])}: {count}</title>"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[status]}">{label}</rect>')  # fmt: skip
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                     f'font-size="13">{escape(point["label"])}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
