"""The dashboard as CSV: one row per figure (section, item, measure, value), formula-safe."""

import csv
import io

from continuum.portal.spreadsheets import formula_safe

from .figures import Dashboard


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)  # a number, never a formula
    return formula_safe(value)


def rows(board: Dashboard) -> list[list]:
    p = board.period
    out: list[list] = [["section", "item", "measure", "value"],
                       ["period", f"{p.start:%Y-%m-%d} to {p.end:%Y-%m-%d}", "program", p.program_label]]  # fmt: skip
    for month in board.months:
        label = f"{month.month:%Y-%m}"
        out += [["requests by month", label, "received", month.received],
                ["requests by month", label, "decided", month.decided]]  # fmt: skip
    for duration in board.durations:
        out += [["days from request", duration.label, "requests", duration.count],
                ["days from request", duration.label, "median", duration.median],
                ["days from request", duration.label, "90th percentile", duration.p90],
                ["days from request", duration.label, "dated before the request", duration.inconsistent]]  # fmt: skip
    agencies = board.agencies
    out.append(["agencies served", "all", "agencies", agencies.total])
    out.append(
        ["agencies served", "fewer than 50 sworn officers", "share of known sizes", agencies.small_share]
    )
    out += [["agencies by state", name, "agencies", n] for name, n in agencies.by_state]
    out += [["agencies by type", name, "agencies", n] for name, n in agencies.by_type]
    out += [["agencies by size", name, "agencies", n] for name, n in agencies.by_size]
    out += [["topics", name, f"requests ({area or 'no area'})", n] for name, area, n in board.topics]
    for label, cells, total in board.sites.rows:
        out += [
            ["sites", label, status_label, n]
            for (_, status_label), n in zip(board.sites.statuses, cells, strict=True)
        ]
        out.append(["sites", label, "total", total])
    for result in board.feedback:
        out += [["feedback", result.label, "invited", result.invited],
                ["feedback", result.label, "responded", result.responded],
                ["feedback", result.label, "response rate", result.response_rate],
                ["feedback", result.label, "mean satisfaction (1-5)", result.satisfaction],
                ["feedback", result.label, "mean usefulness (1-5)", result.usefulness]]  # fmt: skip
    return out


def to_csv(board: Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(board):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
