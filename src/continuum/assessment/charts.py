"""Implementation-status charts, drawn by the engine's one chart module (`continuum.analysis.charts`). Inline,
each is role="img" with a title and a description; every page that shows one also shows its numbers in a
table. The CSP allows no script and no inline style; these SVGs carry neither."""

from continuum.analysis import charts

from .models import Status

# One colour per status, distinguishable and with text labels beside them (colour is never the only cue).
COLOURS = {
    Status.NOT_STARTED: "#71767a", Status.IN_PROGRESS: "#005ea2", Status.PARTIALLY_COMPLETE: "#8168b3",
    Status.COMPLETE: "#00a91c", Status.OUTSIDE_CONTROL: "#d54309", Status.PENDING_LABOR: "#b38c00",
    Status.ALTERNATIVE: "#1a4480", Status.NOT_APPLICABLE: "#3d4551",
}  # fmt: skip
LABELS = dict(Status.choices)


def bars(title: str, values: list[tuple[str, int]]) -> str:
    """Horizontal bars, one per (status, count), named by the status's label and drawn in its colour."""
    items = [(str(LABELS.get(k, k)), v) for k, v in values]
    colours = {str(LABELS.get(k, k)): COLOURS.get(k, "#005ea2") for k, _ in values}
    spec = charts.bars(title, items, xlabel="recommendations", colours=colours)
    return charts.inline_svg(
        charts.to_svg(spec), "chart-" + charts.slug(title), title, charts.describe_bars(title, items)
    )


def stacked(title: str, points: list[dict]) -> str:
    """One stacked bar per point in time ({"label", "counts"}), statuses in their fixed order."""
    labels = {k: str(v) for k, v in LABELS.items()}
    spec = charts.stacked(
        title, points, list(Status.values), labels=labels, colours=COLOURS, ylabel="recommendations"
    )
    parts = [
        f"{p['label']}: "
        + ", ".join(f"{labels[s]} {p['counts'][s]}" for s in Status.values if p["counts"].get(s))
        for p in points
    ]
    description = f"{title}. " + ("; ".join(parts) or "No progress report yet") + "."
    return charts.inline_svg(charts.to_svg(spec), "chart-" + charts.slug(title), title, description)
