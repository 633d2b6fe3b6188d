"""HTML for results: a fragment (figure + table per chart) and a standalone page. Charts are inline SVG from
`charts` (Vega-Lite rendered on the server): no JavaScript, nothing fetched.
"""

from __future__ import annotations

import hashlib
import html
import math
from typing import Any

from . import charts, readable
from .results import Chart, Result, Table


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "-"
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return html.escape(str(v))


def param_label(name: str) -> str:
    from .dictionary import param_label as label  # the dictionary reads the analyses, which read this module

    return label(name)


def _param_value(name: str, v: Any) -> str:
    """A parameter's value in words: a listed choice's meaning, "none" when unset."""
    from .dictionary import PARAM_CHOICES

    if v is None:
        return "none"
    if isinstance(v, str) and v in PARAM_CHOICES.get(name, {}):
        return html.escape(PARAM_CHOICES[name][v])
    return _fmt(v)


# How analyses name a table's count columns, as a reader says them.
COLUMN_NAMES = {"k": "number", "n": "out of", "low": "95% low", "high": "95% high", "coef": "coefficient",
                "se": "standard error"}  # fmt: skip


def percent_columns(t: Table) -> set[int]:
    """Columns of shares (named a rate or share, values 0 to 1), and the interval bounds that follow one."""
    out: set[int] = set()
    for i, c in enumerate(t.columns):
        values = [r[i] for r in t.rows if i < len(r)]
        if readable.is_proportion(str(c), values) or (
            str(c) in ("low", "high") and (i - 1 in out) and readable.is_proportion("share", values)
        ):
            out.add(i)
    return out


def table_html(t: Table) -> str:
    """A table with labels for codes and percentages for shares (the raw figures stay in result.json)."""
    shares = percent_columns(t)
    head = "".join(
        f'<th scope="col">{html.escape(readable.label(COLUMN_NAMES.get(str(c), str(c))))}'
        + (" (%)" if i in shares else "")
        + "</th>"
        for i, c in enumerate(t.columns)
    )

    def cell(i: int, v: Any) -> str:
        text = html.escape(readable.percent(v)) if i in shares and isinstance(v, int | float) else _fmt(v)
        return f'<th scope="row">{text}</th>' if i == 0 else f"<td>{text}</td>"

    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(r)) + "</tr>" for r in t.rows)
    caption = html.escape(readable.label(t.title))
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart_id(c: Chart) -> str:
    """An id unique to the chart's content, so several results on one page never share one."""
    digest = hashlib.sha1(repr((c.title, c.xlabel, c.points, c.reference)).encode()).hexdigest()[:8]
    return f"chart-{charts.slug(c.title)[:40]}-{digest}"


def readable_chart(c: Chart) -> Chart:
    """The chart with labels for codes (the figures unchanged)."""
    return Chart(readable.label(c.title), readable.label(c.xlabel), c.points, c.reference)


def chart_svg(c: Chart) -> str:
    """The chart as inline SVG: role="img", named by its title, described in words (charts.describe_interval)."""
    c = readable_chart(c)
    share = is_share(c)
    svg = charts.to_svg(charts.from_result(c, percent=share))
    return charts.inline_svg(svg, chart_id(c), c.title, charts.describe_interval(c, percent=share))


def is_share(c: Chart) -> bool:
    """A chart of shares or rates between 0 and 1, read as percentages."""
    return readable.is_proportion(f"{c.title} {c.xlabel}", [v for p in c.points for v in p[1:]])


def chart_figure(c: Chart) -> str:
    """The chart, its description for everyone (not only screen readers), and its numbers in a table."""
    c = readable_chart(c)
    month = bool(c.points) and all(charts.MONTH.match(str(p[0])) for p in c.points)
    table = Table(
        c.title, ["month" if month else "group", c.xlabel, "low", "high"], [list(p) for p in c.points]
    )
    return (
        f'<figure class="continuum-figure">{chart_svg(c)}<figcaption>'
        f"{html.escape(charts.describe_interval(c, percent=is_share(c)))}"
        f"</figcaption>{table_html(table)}</figure>"
    )


def headline_html(r: Result) -> str:
    """The comparisons in words, before the charts: direction, size, interval, and the counts behind them."""
    sentences = readable.headline(r)
    if not sentences:
        return ""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return f'<div class="analysis-headline"><h3>In brief</h3><ul>{items}</ul></div>'


def missing_html(r: Result) -> str:
    """Values not recorded, measure by measure: a rate's denominator leaves them out."""
    found: list[tuple[str, int]] = []

    def walk(path: list[str], node: Any) -> None:
        if isinstance(node, dict):
            for key, inner in node.items():
                k = str(key).lstrip("_")
                if (
                    k.startswith("missing")
                    and isinstance(inner, int)
                    and not isinstance(inner, bool)
                    and inner
                ):
                    what = k.removeprefix("missing").strip("_")
                    found.append((" ".join([*path[:-1], *([path[-1]] if path and path[-1] != what else []),
                                            what]).strip(), inner))  # fmt: skip
                else:
                    walk([*path, str(key)], inner)

    walk([], r.estimates)
    if not found:
        return ""
    items = "".join(
        f"<li>{html.escape(readable.label(p) or 'value')}: {n:,} not recorded</li>" for p, n in found[:20]
    )
    return f"<h3>Missing values</h3><ul>{items}</ul>"


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
        "".join(f"<li>{html.escape(readable.label(k))}: {v:,}</li>" for k, v in r.n_excluded.items())
        or "<li>none</li>"
    )
    caveats = "".join(f"<li>{html.escape(c)}</li>" for c in r.caveats)
    params = "".join(
        f"<li>{html.escape(param_label(k))}: {_param_value(k, v)}</li>" for k, v in r.params.items()
    )
    return (
        f'<section class="analysis-result" data-analysis="{html.escape(r.analysis)}">'
        f"<h2>{html.escape(readable.analysis_name(r.analysis))}</h2>"
        + warnings_html(r)
        + headline_html(r)
        + f"<p>{r.n_used:,} of {r.n_input:,} rows used; {sum(r.n_excluded.values()):,} excluded.</p>"
        f"<h3>Excluded rows</h3><ul>{excluded}</ul>"
        + missing_html(r)
        + loaded_html(r)
        + "".join(chart_figure(c) for c in r.charts)
        + (table_html(year) if (year := readable.by_year(r)) else "")
        + "".join(table_html(t) for t in r.tables)
        + (f"<h3>Caveats</h3><ul>{caveats}</ul>" if caveats else "")
        + f"<h3>Parameters</h3><ul>{params}</ul>"
        f"<p>Input sha256 <code>{r.input_sha256}</code>; engine "
        f"{html.escape(r.engine_version)}.</p></section>"
    )


def report_page(r: Result) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(readable.analysis_name(r.analysis))} — Continuum analysis</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "color:#111}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;"
        "text-align:right}caption{text-align:left;font-weight:600}figure{margin:1.5rem 0}"
        ".continuum-chart{max-width:100%;height:auto}</style></head>"
        f"<body><main><h1>Continuum analysis: <code>{html.escape(r.analysis)}</code></h1>{result_fragment(r)}</main>"
        "</body></html>"
    )
