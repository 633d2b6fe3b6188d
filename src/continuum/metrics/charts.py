"""The dashboard's charts, drawn by the engine's one chart module (`continuum.analysis.charts`: Vega-Lite rendered
to SVG on the server). Inline, each is role="img" with a title and a description in words; the template puts
its data table beside it. No script and no style attribute, as the CSP requires."""

from django.utils.safestring import SafeString, mark_safe

from continuum.analysis import charts


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]]) -> SafeString:
    """Horizontal bars, one per labelled value, in the order given."""
    spec = charts.bars(title, items, xlabel="")
    svg = charts.inline_svg(
        charts.to_svg(spec), chart_id, title, charts.describe_bars(title, items), "metrics-chart"
    )
    return mark_safe(
        svg
    )  # vl-convert's SVG (checked free of script and style) and escaped title and description


def month_chart(
    chart_id: str, title: str, months: list[str], series: list[tuple[str, list[int]]]
) -> SafeString:
    """Vertical bars by month, one bar per series side by side, with a legend."""
    totals = "; ".join(f"{name}: {sum(values):,} in all" for name, values in series)
    description = (
        f"{title}, {len(months)} months from {months[0]} to {months[-1]}. {totals}." if months else title
    )
    spec = charts.grouped(title, months, series, ylabel="requests")
    return mark_safe(charts.inline_svg(charts.to_svg(spec), chart_id, title, description, "metrics-chart"))
