"""HTML for results: a fragment (figure + table per chart) and a standalone page. Inline SVG, no
JS, no CDN.
"""

from __future__ import annotations

import html
import math
from typing import Any

from .results import Chart, Result, Table


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "-"
        return f"{v:.4g}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return html.escape(str(v))


def table_html(t: Table) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in t.columns)
    body = "".join(
        "<tr>"
        + "".join(
            (f'<th scope="row">{_fmt(v)}</th>' if i == 0 else f"<td>{_fmt(v)}</td>") for i, v in enumerate(r)
        )
        + "</tr>"
        for r in t.rows
    )
    caption = html.escape(t.title)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart_svg(c: Chart, width: int = 640) -> str:
    """Horizontal point-and-interval chart."""
    pts = [p for p in c.points if all(math.isfinite(x) for x in p[1:])]
    row_h, left, right, top = 26, 190, 30, 30
    height = top + row_h * max(len(pts), 1) + 40
    vals = [x for p in pts for x in p[1:]] + ([c.reference] if c.reference is not None else [])
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    if hi == lo:
        hi = lo + 1
    pad = (hi - lo) * 0.05
    # rates and ratios cannot be negative: don't let the padding suggest they could
    lo, hi = (max(0.0, lo - pad) if lo >= 0 else lo - pad), hi + pad

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)

    title = html.escape(c.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="continuum-chart">',  # no inline style: the web app's CSP forbids it
        f"<title>{title}</title>",
    ]
    axis_y = top + row_h * max(len(pts), 1)
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#333"/>')
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        parts.append(
            f'<text x="{x(v):.1f}" y="{axis_y + 16}" font-size="11" text-anchor="middle" '
            f'fill="#333">{v:.3g}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2:.1f}" y="{axis_y + 34}" font-size="12" text-anchor="middle" '
        f'fill="#333">{html.escape(c.xlabel)}</text>'
    )
    if c.reference is not None:
        parts.append(
            f'<line x1="{x(c.reference):.1f}" y1="{top - 10}" x2="{x(c.reference):.1f}" y2="{axis_y}" '
            'stroke="#777" stroke-dasharray="4 3"/>'
        )
    for i, (label, est, low, high) in enumerate(pts):
        y = top + row_h * i + row_h / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#111">{html.escape(label)}</text>'
        )
        parts.append(
            f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" '
            'stroke="#1f4e79" stroke-width="2"/>'
        )
        parts.append(f'<circle cx="{x(est):.1f}" cy="{y:.1f}" r="4" fill="#1f4e79"/>')
    parts.append("</svg>")
    return "".join(parts)


def chart_figure(c: Chart) -> str:
    table = Table(c.title, ["group", "estimate", "low", "high"], [list(p) for p in c.points])
    return (
        f"<figure>{chart_svg(c)}<figcaption>{html.escape(c.title)} (points are estimates, lines are "
        f"95% intervals)</figcaption>{table_html(table)}</figure>"
    )


def warnings_html(r: Result) -> str:
    """The result's warnings, before anything else: a reader who stops at the first lines still sees them."""
    if not r.warnings:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in r.warnings)
    return f'<div class="analysis-warnings" role="alert"><h3>Read this first</h3><ul>{items}</ul></div>'


def loaded_html(r: Result) -> str:
    """What a count rests on: the row grain, codes read as missing, and source categories folded together."""
    items = []
    if r.row_grain:
        items.append(f"<li>Row grain: {html.escape(r.row_grain)}</li>")
    v = r.validation or {}
    for column, n in (v.get("missing_markers") or {}).items():
        items.append(
            f"<li>{html.escape(column)}: {n:,} cells read as missing (a missing marker such as NA)</li>"
        )
    for f in v.get("folded") or []:
        codes = ", ".join(f"{html.escape(repr(c))} ({n:,})" for c, n in f["codes"].items())
        items.append(
            f"<li>Folded: {html.escape(f['column'])} {codes} counted as {html.escape(repr(f['value']))} "
            f"(source column {html.escape(repr(f['source_column']))})</li>"
        )
    return f"<h3>Data as loaded</h3><ul>{''.join(items)}</ul>" if items else ""


def result_fragment(r: Result) -> str:
    excluded = (
        "".join(f"<li>{html.escape(k)}: {v:,}</li>" for k, v in r.n_excluded.items()) or "<li>none</li>"
    )
    caveats = "".join(f"<li>{html.escape(c)}</li>" for c in r.caveats)
    params = "".join(f"<li><code>{html.escape(k)}</code> = {_fmt(v)}</li>" for k, v in r.params.items())
    return (
        f'<section class="analysis-result" data-analysis="{html.escape(r.analysis)}">'
        f"<h2>{html.escape(r.analysis)}</h2>"
        + warnings_html(r)
        + f"<p>{r.n_used:,} of {r.n_input:,} rows used; {sum(r.n_excluded.values()):,} excluded.</p>"
        f"<h3>Excluded rows</h3><ul>{excluded}</ul>"
        + loaded_html(r)
        + "".join(chart_figure(c) for c in r.charts)
        + "".join(table_html(t) for t in r.tables)
        + (f"<h3>Caveats</h3><ul>{caveats}</ul>" if caveats else "")
        + f"<h3>Parameters</h3><ul>{params}</ul>"
        f"<p>Input sha256 <code>{r.input_sha256}</code>; engine "
        f"{html.escape(r.engine_version)}.</p></section>"
    )


def report_page(r: Result) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(r.analysis)} — Continuum analysis</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "color:#111}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;"
        "text-align:right}caption{text-align:left;font-weight:600}figure{margin:1.5rem 0}"
        ".continuum-chart{max-width:640px}</style></head>"
        f"<body><main><h1>Continuum: {html.escape(r.analysis)}</h1>{result_fragment(r)}</main></body></html>"
    )
