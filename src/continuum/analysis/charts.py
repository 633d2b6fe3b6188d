"""Every chart Continuum draws: Vega-Lite specs built with altair, rendered on the server by vl-convert to SVG
(web pages, PDF) or PNG (Word). One module so that a result, a report exhibit, the metrics dashboard and a
progress report look alike and are equally accessible; no JavaScript runs and nothing is fetched (the data sit
inline in the spec, the font is one vl-convert bundles).

A chart is shown with its title, a text description and its data table beside it (the caller's job for the
table); `inline_svg` gives the markup a page embeds: role="img" with <title> and <desc>, no script, no style
attribute (the web app's CSP forbids inline styles)."""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert as vlc

from .results import Chart

FONT = "Liberation Sans"  # bundled by vl-convert and installed with the PDF renderer's fonts
WIDTH = 520
ROW = 24
INK = "#1b1b1b"
BLUE = "#1f4e79"
# Distinguishable for the common colour-vision deficiencies (Okabe-Ito), darkened for 3:1 against white.
PALETTE = ["#005ea2", "#c05600", "#00856f", "#8168b3", "#b0006e", "#6b5b00", "#3d4551", "#0072b2"]
MONTH = re.compile(r"^\d{4}-\d{2}$")
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_UNSAFE = re.compile(r"<\s*(script|style|foreignObject)\b|\son[a-z]+\s*=|javascript:", re.I)
_DROPPED_ATTRS = re.compile(r"""\s(?:style|role|aria-[a-z]+)\s*=\s*("[^"]*"|'[^']*')""")


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, background="white", aria=False)
        .configure_axis(
            labelColor=INK, titleColor=INK, labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6"
        )
        .configure_legend(labelColor=INK, titleColor=INK, labelFontSize=11, titleFontSize=12, orient="top")
        .configure_title(color=INK, fontSize=14, subtitleColor="#3d4551", subtitleFontSize=11, anchor="start")
        .configure_view(stroke=None)
    )


def _finite(*values: Any) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


def number(value: float) -> str:
    """A figure as a reader expects it: thousands separated, no more digits than the data carry."""
    if not _finite(value):
        return "—"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


# Chart specs -----------------------------------------------------------------------------------------------


def counts_axis(top: float) -> alt.Axis:
    """An axis of whole counts: one tick per unit when the counts are small (never 0, 1, 1, 2), else thousands
    separated."""
    if top <= 10:
        return alt.Axis(values=list(range(int(top) + 1)), format="d")
    return alt.Axis(format=",d")


def interval(
    title: str,
    xlabel: str,
    points: Sequence[tuple[str, float, float, float]],
    reference: float | None = None,
    percent: bool = False,
) -> alt.TopLevelMixin:
    """Estimates (dots) with 95% intervals (lines), one row per label in the given order; a dashed rule at
    ``reference`` (1 for ratios). Monthly labels (YYYY-MM) are drawn as a time series instead."""
    pts = [p for p in points if _finite(*p[1:])]
    if pts and all(MONTH.match(str(p[0])) for p in pts):
        return monthly(title, xlabel, pts, percent)
    rows = [
        {"label": str(p[0]), "estimate": p[1], "low": p[2], "high": p[3], "order": i}
        for i, p in enumerate(pts)
    ]
    data = alt.Data(values=rows)
    y = alt.Y("label:N", title=None, sort=[r["label"] for r in rows], axis=alt.Axis(labelLimit=220))
    axis = alt.Axis(format=".1~%") if percent else alt.Axis()
    x = alt.X("low:Q", title=xlabel, scale=alt.Scale(zero=False, nice=True), axis=axis)
    base = alt.Chart(data)
    layers = [
        base.mark_rule(color=BLUE, strokeWidth=2).encode(y=y, x=x, x2="high:Q"),
        base.mark_point(color=BLUE, filled=True, size=60, opacity=1).encode(y=y, x="estimate:Q"),
    ]
    subtitle = "Dots: estimates; lines: 95% intervals"
    if reference is not None and _finite(reference):
        layers.append(
            alt.Chart(alt.Data(values=[{"reference": reference}]))
            .mark_rule(color="#565c65", strokeDash=[4, 3])
            .encode(x="reference:Q")
        )
        subtitle += f"; dashed line: {number(reference)}"
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle), width=WIDTH, height=ROW * max(len(rows), 1)
    )
    return _config(chart)


def monthly(
    title: str, ylabel: str, points: Sequence[tuple[str, float, float, float]], percent: bool = False
) -> alt.TopLevelMixin:
    """A rate by month: line through the estimates, shaded 95% band."""
    rows = [{"month": f"{p[0]}-01", "estimate": p[1], "low": p[2], "high": p[3]} for p in points]
    base = alt.Chart(alt.Data(values=rows))
    x = alt.X("month:T", title="month", axis=alt.Axis(format="%b %Y", labelAngle=-40))
    chart = alt.layer(
        base.mark_area(color=BLUE, opacity=0.18).encode(
            x=x,
            y=alt.Y("low:Q", title=ylabel, axis=alt.Axis(format=".1~%") if percent else alt.Axis()),
            y2="high:Q",
        ),
        base.mark_line(color=BLUE, point=alt.OverlayMarkDef(color=BLUE, size=25)).encode(x=x, y="estimate:Q"),
    ).properties(
        title=alt.TitleParams(title, subtitle="Line: estimate per month; band: 95% interval"),
        width=WIDTH,
        height=220,
    )
    return _config(chart)


def bars(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    xlabel: str = "count",
    colours: dict[str, str] | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, one per (label, value) in the given order, each labelled with its value."""
    rows = [{"label": str(k), "value": v, "order": i, "text": number(v)} for i, (k, v) in enumerate(items)]
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("label:N", title=None, sort=[r["label"] for r in rows], axis=alt.Axis(labelLimit=240))
    whole = all(float(v).is_integer() for _, v in items)
    top = max((v for _, v in items), default=0)
    x = alt.X("value:Q", title=xlabel, axis=counts_axis(top) if whole else alt.Axis())
    colour = (
        alt.Color(
            "label:N",
            scale=alt.Scale(
                domain=[r["label"] for r in rows], range=[colours.get(r["label"], PALETTE[0]) for r in rows]
            ),
            legend=None,
        )
        if colours
        else alt.value(PALETTE[0])
    )
    chart = alt.layer(
        base.mark_bar().encode(y=y, x=x, color=colour),
        base.mark_text(align="left", dx=4, color=INK, fontSize=11).encode(y=y, x="value:Q", text="text:N"),
    ).properties(title=title, width=WIDTH - 120, height=ROW * max(len(rows), 1))
    return _config(chart)


def grouped(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    xlabel: str = "",
    ylabel: str = "count",
) -> alt.TopLevelMixin:
    """Vertical bars by category (e.g. month), one bar per series side by side, with a legend."""
    names = [name for name, _ in series]
    rows = [
        {"category": c, "series": name, "value": values[i], "order": i}
        for name, values in series
        for i, c in enumerate(categories)
    ]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("category:N", title=xlabel or None, sort=list(categories), axis=alt.Axis(labelAngle=-40)),
            xOffset=alt.XOffset("series:N", sort=names),
            y=alt.Y("value:Q", title=ylabel, axis=counts_axis(max((r["value"] for r in rows), default=0))),
            color=alt.Color(
                "series:N", title=None, sort=names, scale=alt.Scale(domain=names, range=PALETTE[: len(names)])
            ),
        )
        .properties(title=title, width=WIDTH, height=220)
    )
    return _config(chart)


def stacked(
    title: str,
    points: Sequence[dict],
    order: Sequence[str],
    *,
    labels: dict[str, str] | None = None,
    colours: dict[str, str] | None = None,
    ylabel: str = "count",
) -> alt.TopLevelMixin:
    """One stacked bar per point in time ({"label", "counts"}), parts in ``order``, with a legend."""
    labels = labels or {}
    names = [labels.get(k, k) for k in order]
    rows = [
        {"point": p["label"], "part": labels.get(k, k), "value": p["counts"].get(k, 0), "x": i, "rank": j}
        for i, p in enumerate(points)
        for j, k in enumerate(order)
        if p["counts"].get(k, 0)
    ]
    top = max((sum(p["counts"].values()) for p in points), default=0)
    range_ = [(colours or {}).get(k, PALETTE[j % len(PALETTE)]) for j, k in enumerate(order)]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("point:N", title=None, sort=[p["label"] for p in points], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=ylabel, stack="zero", axis=counts_axis(top)),
            color=alt.Color("part:N", title=None, scale=alt.Scale(domain=names, range=range_)),
            order=alt.Order("rank:Q"),
        )
        .properties(title=title, width=WIDTH, height=240)
    )
    return _config(chart)


def from_result(c: Chart, percent: bool = False) -> alt.TopLevelMixin:
    """The chart of an engine result's `Chart` (``percent``: values are shares, the axis shows per cent)."""
    return interval(c.title, c.xlabel, c.points, c.reference, percent)


# Descriptions ----------------------------------------------------------------------------------------------


def describe_interval(c: Chart, percent: bool = False) -> str:
    """What a screen-reader user or a reader of the Word file needs from a point-and-interval chart."""
    number = _percent if percent else globals()["number"]
    pts = [p for p in c.points if _finite(*p[1:])]
    if not pts:
        return f"{c.title}: no estimate could be computed."
    if all(MONTH.match(str(p[0])) for p in pts):
        hi = max(pts, key=lambda p: p[1])
        lo = min(pts, key=lambda p: p[1])
        return (
            f"{c.title}, {c.xlabel}, {len(pts)} months from {pts[0][0]} to {pts[-1][0]}: "
            f"first {number(pts[0][1])}, last {number(pts[-1][1])}, highest {number(hi[1])} ({hi[0]}), "
            f"lowest {number(lo[1])} ({lo[0]}). The table gives every month with its 95% interval."
        )
    shown = "; ".join(
        f"{p[0]}: {number(p[1])} (95% interval {number(p[2])} to {number(p[3])})" for p in pts[:8]
    )
    more = f"; and {len(pts) - 8} more in the table" if len(pts) > 8 else ""
    return f"{c.title}, {c.xlabel}. {shown}{more}."


def describe_bars(title: str, items: Sequence[tuple[str, float]]) -> str:
    if not items:
        return f"{title}: no data for this period."
    shown = "; ".join(f"{k}: {number(v)}" for k, v in items[:10])
    more = f"; and {len(items) - 10} more in the table" if len(items) > 10 else ""
    return f"{title}. {shown}{more}."


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%" if _finite(value) else "—"


# Rendering -------------------------------------------------------------------------------------------------


def spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def to_svg(chart: alt.TopLevelMixin | dict) -> str:
    """A standalone SVG document (for <img>, the PDF, or inline via `inline_svg`)."""
    return _svg(json.dumps(chart if isinstance(chart, dict) else spec(chart), sort_keys=True))


@functools.lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    """Rendering takes a fifth of a second; a page shown again (the metrics dashboard) reuses it."""
    svg = vlc.vegalite_to_svg(json.loads(spec_json))
    if _UNSAFE.search(svg):  # vl-convert draws plain shapes and text; anything else is a bug to see at once
        raise ValueError("vl-convert produced an SVG with script, style or an event handler")
    return svg


def to_png(chart: alt.TopLevelMixin | dict, scale: float = 2) -> bytes:
    """A PNG (for Word, which cannot take these SVGs), at ``scale`` times the SVG's pixel size."""
    return vlc.vegalite_to_png(chart if isinstance(chart, dict) else spec(chart), scale=scale)


def svg_to_png(svg: str, scale: float = 2) -> bytes:
    """A stored SVG (a report exhibit's snapshot) as PNG, so Word shows the very chart the PDF shows."""
    return vlc.svg_to_png(svg, scale=scale)


def inline_svg(
    svg: str, chart_id: str, title: str, description: str, css_class: str = "continuum-chart"
) -> str:
    """The SVG as a page embeds it: role="img" named by its <title> and described by its <desc>; inner roles
    and aria attributes dropped (an image's parts are not exposed), no style attribute, sized by CSS."""
    root = _SVG_ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG document")
    box = re.search(r'viewBox="([^"]+)"', root.group(0))
    view_box = box.group(1) if box else "0 0 640 400"
    cid = html.escape(chart_id, quote=True)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{html.escape(css_class, quote=True)}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="{view_box}" width="{view_box.split()[2]}" '
        f'height="{view_box.split()[3]}"><title id="{cid}-title">{html.escape(title)}</title>'
        f'<desc id="{cid}-desc">{html.escape(description)}</desc>'
    )
    body = _DROPPED_ATTRS.sub("", svg[root.end() :])
    return head + body


def figure(
    chart: alt.TopLevelMixin, chart_id: str, title: str, description: str, table_html: str = ""
) -> str:
    """A <figure>: the chart, its description as caption (readable by everyone), then its data table."""
    svg = inline_svg(to_svg(chart), chart_id, title, description)
    return (
        f'<figure class="continuum-figure">{svg}<figcaption>{html.escape(description)}</figcaption>'
        f"{table_html}</figure>"
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"
