"""Stop, search, frisk, arrest and citation rates by group, and stop rates against a benchmark population."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reduced, Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import ident
from ..stats import poisson_exact, ratio_ci, wilson
from .common import finish, reducer_for, require

OUTCOME_FLAGS = {
    "search_rate": "search_conducted",
    "frisk_rate": "frisk_performed",
    "arrest_rate": "arrest_made",
    "citation_rate": "citation_issued",
}


def read_benchmark(path: str | Path, group: str = "subject_race") -> dict[str, float]:
    """A small CSV of group counts: first column the group, a numeric column (population/count) the count."""
    p = Path(path)
    if not p.is_file():
        raise InputError("benchmark file not found", file=str(p))
    try:
        df = pd.read_csv(p, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"benchmark CSV cannot be read: {exc}", file=str(p)) from exc
    if df.shape[1] < 2 or df.empty:
        raise InputError("benchmark needs two columns: group and population", file=str(p))
    gcol = group if group in df.columns else df.columns[0]
    ncol = next((c for c in ("population", "count", "n") if c in df.columns), df.columns[1])
    out: dict[str, float] = {}
    for i, (g, v) in enumerate(zip(df[gcol], df[ncol], strict=True), start=2):
        try:
            out[str(g).strip().lower()] = float(v)
        except (TypeError, ValueError) as exc:
            raise InputError(f"population {v!r} is not a number", file=str(p), row=i, column=ncol) from exc
    return out


def rates(
    data: StopData,
    *,
    group: str = "subject_race",
    reference: str = "white",
    benchmark: dict[str, float] | str | Path | None = None,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Reduce (stops and recorded outcomes by group), fit (outcome rates, stop rates against the benchmark),
    present (charts and tables)."""
    require(data, "rates", group)
    flags = {k: c for k, c in OUTCOME_FLAGS.items() if c in data.columns}
    red = reduce_outcomes(reducer_for(data, reducer), data.table, group, flags)
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, group)
    caveats = [
        "Rates among stops (search, frisk, arrest, citation) use as denominator the stops of "
        "each group where "
        "that outcome was recorded; rows with it missing are counted under missing_<rate>.",
        f"Intervals: Wilson score {100 * (1 - alpha):.0f}% for proportions; exact Poisson for stop rates; "
        "log-normal (Katz) for ratios.",
    ]
    caveats += [f"{c} is not in the data: no {k}." for k, c in OUTCOME_FLAGS.items() if k not in flags]
    t = red.table.set_index("group")
    estimates = outcome_rates(t, flags, reference, alpha)
    if benchmark:
        caveats += stop_rates(estimates, benchmark, reference, alpha)
    charts, tables = _present(estimates, flags, group, bool(benchmark))
    return finish(
        data,
        "rates",
        estimates,
        red.n_used,
        red.excluded,
        {"group": group, "reference": reference, "alpha": alpha, "benchmark": benchmark or None},
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"stops_by_group": {str(g): int(r["n"]) for g, r in t.iterrows()}},
    )


def reduce_outcomes(red: Reducer, table: str, group: str, flags: dict[str, str]) -> Reduced:
    """Reduce step: stops by group, and for each outcome flag in the data how many were yes and recorded."""
    sums: dict[str, str] = {}
    for name, col in flags.items():
        sums[f"{name}_k"] = f"CAST({ident(col)} AS INTEGER)"
        sums[f"{name}_n"] = f"CAST({ident(col)} IS NOT NULL AS INTEGER)"
    spec = Reduction(
        keys={"group": ident(group)},
        sums=sums,
        exclusions=[(f"{group} missing or unmapped", f"{ident(group)} IS NULL")],
        columns=(group, *flags.values()),
    )
    return red.reduce(table, spec)


def outcome_rates(t: pd.DataFrame, flags: dict[str, str], reference: str, alpha: float) -> dict[str, dict]:
    """Per group (the index of ``t``): each outcome's rate among stops where it was recorded, Wilson interval,
    and ratio to the reference group (Katz interval)."""
    estimates: dict[str, dict] = {}
    ref_row = t.loc[reference] if reference in t.index else None
    for g, row in t.iterrows():
        e: dict = {"stops": int(row["n"])}
        for name in flags:
            k, n = float(row[f"{name}_k"]), float(row[f"{name}_n"])
            lo, hi = wilson(k, n, alpha)
            est = {
                "rate": k / n if n else None,
                "ci95": [lo, hi],
                "k": int(k),
                "n": int(n),
                f"missing_{name}": int(row["n"] - n),
            }
            if ref_row is not None and g != reference:
                rr, rlo, rhi = ratio_ci(
                    k, n, float(ref_row[f"{name}_k"]), float(ref_row[f"{name}_n"]), binomial=True, alpha=alpha
                )
                est["ratio_to_reference"] = {"ratio": rr, "ci95": [rlo, rhi]}
            e[name] = est
        estimates[str(g)] = e
    return estimates


def stop_rates(
    estimates: dict[str, dict], benchmark: dict[str, float], reference: str, alpha: float
) -> list[str]:
    """Adds stops per 1,000 of the benchmark population to each group that has one (exact Poisson interval,
    ratio to the reference group); returns the caveats that go with it."""
    for g, e in estimates.items():
        pop = benchmark.get(g)
        if not pop:
            continue
        lo, hi = poisson_exact(e["stops"], alpha)
        e["stop_rate"] = {
            "per_1000": 1000 * e["stops"] / pop,
            "ci95": [1000 * lo / pop, 1000 * hi / pop],
            "population": pop,
        }
        if g != reference and reference in estimates and benchmark.get(reference):
            rr, rlo, rhi = ratio_ci(
                e["stops"],
                pop,
                estimates[reference]["stops"],
                benchmark[reference],
                binomial=False,
                alpha=alpha,
            )
            e["stop_rate"]["ratio_to_reference"] = {"ratio": rr, "ci95": [rlo, rhi]}
    caveats = []
    missing = sorted(set(estimates) - set(benchmark))
    if missing:
        caveats.append(f"No benchmark population for {missing}: no stop rate for them.")
    caveats.append(
        "Stop rates against residential population assume the population at risk of being "
        "stopped is the residents; drivers and visitors differ (the benchmark problem)."
    )
    return caveats


def _present(
    estimates: dict[str, dict], flags: dict[str, str], group: str, benchmark: bool
) -> tuple[list[Chart], list[Table]]:
    charts, tables = [], []
    for name in flags:
        pts = [(g, e[name]["rate"], *e[name]["ci95"]) for g, e in estimates.items() if e[name]["n"]]
        charts.append(Chart(f"{name.replace('_', ' ')} by {group}", "share of stops", pts))
        tables.append(
            Table(
                f"{name.replace('_', ' ')} by {group}",
                [group, "k", "n", "rate", "low", "high"],
                [
                    [g, e[name]["k"], e[name]["n"], e[name]["rate"], *e[name]["ci95"]]
                    for g, e in estimates.items()
                ],
            )
        )
    if benchmark:
        pts = [
            (g, e["stop_rate"]["per_1000"], *e["stop_rate"]["ci95"])
            for g, e in estimates.items()
            if "stop_rate" in e
        ]
        charts.insert(0, Chart(f"stops per 1,000 population by {group}", "stops per 1,000", pts))
    return charts, tables
