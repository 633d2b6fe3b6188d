"""Analysis results in a report: a snapshot (table, chart, alt text, provenance line) rendered from the engine's
result JSON when it is embedded. The snapshot never changes with later runs; the provenance line lets anyone
rerun it (the analysis by name, the engine's version) and check the input by its SHA-256."""

import base64
import html
import math
from datetime import date
from numbers import Number
from typing import Any

from continuum.analysis import charts, readable
from continuum.analysis.render import COLUMN_NAMES, is_share, percent_columns, readable_chart
from continuum.analysis.results import Chart, Table

from .models import EmbeddedResult

REQUIRED = ("analysis", "estimates", "n_used", "n_excluded", "params", "input_sha256", "engine_version")


class ResultError(ValueError):
    """The result JSON lacks what a report needs to show and cite it."""


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "—" if not math.isfinite(value) else f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return " to ".join(_fmt(v) for v in value) if len(value) == 2 else ", ".join(_fmt(v) for v in value)
    if value is None:
        return "—"
    return str(value)


def _flatten(prefix: str, value: Any, rows: list[list[str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix} {key}".strip() if prefix else str(key), inner, rows)
    else:
        rows.append([prefix.replace("_", " "), _fmt(value)])


def table_from_result(result: dict) -> dict:
    """The result's first table if it has one, else its estimates flattened to rows, plus the counts."""
    tables = result.get("tables") or []
    if tables:
        first = tables[0]
        shares = percent_columns(Table(first["title"], first["columns"], first["rows"]))
        return {
            "caption": readable.label(first["title"]),
            "columns": [
                readable.label(COLUMN_NAMES.get(str(c), str(c))) + (" (%)" if i in shares else "")
                for i, c in enumerate(first["columns"])
            ],
            "rows": [
                [
                    readable.percent(v) if i in shares and isinstance(v, Number) else _fmt(v)
                    for i, v in enumerate(row)
                ]
                for row in first["rows"]
            ],
        }
    rows: list[list[str]] = []
    _flatten("", result["estimates"], rows)
    excluded = result["n_excluded"]
    total = (
        excluded.get("total", sum(v for v in excluded.values() if isinstance(v, int)))
        if isinstance(excluded, dict)
        else excluded
    )
    rows += [["rows used", _fmt(result["n_used"])], ["rows excluded", _fmt(total)]]
    return {
        "caption": f"Estimates: {readable.analysis_name(result['analysis'])}",
        "columns": ["Measure", "Value"],
        "rows": rows,
    }


def table_html(table: dict) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in table["columns"])
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{html.escape(str(v))}</th>' if i == 0 else f"<td>{html.escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in table["rows"]
    )
    return (
        f"<table><caption>{html.escape(table['caption'])}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def points_from_result(result: dict) -> list[tuple[str, float, float, float]]:
    """Every estimate that comes with a 95% interval (`x` beside `x_ci95`, or `estimate` beside `ci95`)."""
    points = []

    def walk(label: str, value: Any) -> None:
        if not isinstance(value, dict):
            return
        for key, inner in value.items():
            interval = value.get(f"{key}_ci95") if not key.endswith("_ci95") else None
            if key == "estimate":
                interval = value.get("ci95")
            if (
                isinstance(inner, Number)
                and not isinstance(inner, bool)
                and isinstance(interval, list)
                and len(interval) == 2
                and all(isinstance(v, Number) for v in interval)
            ):
                name = label if key == "estimate" else f"{label} {key}".strip()
                points.append((name.replace("_", " "), float(inner), float(interval[0]), float(interval[1])))
            elif isinstance(inner, dict):
                walk(f"{label} {key}".strip(), inner)

    walk("", result.get("estimates", {}))
    return [p for p in points if all(math.isfinite(v) for v in p[1:])]


def chart_from_result(result: dict, title: str) -> tuple[str, str]:
    """The SVG and alt text of the result's first chart, the very chart its result page shows (drawn by the
    engine's chart module); for a result stored before charts were kept, its estimates with intervals."""
    stored = result.get("charts") or []
    if stored:
        c = stored[0]
        chart = readable_chart(
            Chart(c["title"], c["xlabel"], [tuple(p) for p in c["points"]], c.get("reference"))
        )
    else:
        points = points_from_result(result)
        if not points:
            return "", ""
        chart = Chart(title, "estimate", points)
    share = is_share(chart)
    return charts.to_svg(charts.from_result(chart, share)), charts.describe_interval(chart, share)


def provenance(result: dict, run_on: date | None = None) -> str:
    run = result.get("run_on") or (run_on or date.today()).isoformat()
    return (
        f"{readable.analysis_name(result['analysis'])}, Continuum analysis engine {result['engine_version']}, "
        f"run {run}, on the input file with SHA-256 {result['input_sha256']}"
    )


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def snapshot(
    result: dict, *, title: str = "", alt_text: str = "", run_on: date | None = None
) -> EmbeddedResult:
    """An unsaved EmbeddedResult rendered from an engine result (Result.to_dict() or its JSON)."""
    missing = [key for key in REQUIRED if key not in result]
    if missing:
        raise ResultError("The result is missing: " + ", ".join(missing) + ".")
    title = title.strip() or readable.analysis_name(result["analysis"])
    table = table_from_result(result)
    svg, description = chart_from_result(result, title)
    alt = alt_text.strip() or description or f"Table: {table['caption']}."
    return EmbeddedResult(
        title=title,
        table=table,
        table_html=table_html(table),
        chart_svg=svg,
        alt_text=alt,
        provenance=provenance(result, run_on),
        source=result,
    )
