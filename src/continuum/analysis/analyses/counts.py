"""Shared figures for event tables (arrests, shootings, crashes): shares by group with Wilson intervals,
rates against a population with exact Poisson intervals and ratios, and monthly counts with a trend test. Each
works on a reduced table (one row per key combination with its count ``n``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import StopData
from ..reduce import Reducer
from ..results import Chart, Table
from ..stats import poisson_exact, ratio_ci, wilson
from ..trend import month_exposure, poisson_trend
from .common import reducer_for

AGE_BAND = (
    "CASE WHEN {a} IS NULL THEN NULL WHEN {a} < 18 THEN 'under 18' WHEN {a} < 25 THEN '18-24' "
    "WHEN {a} < 35 THEN '25-34' WHEN {a} < 45 THEN '35-44' WHEN {a} < 55 THEN '45-54' ELSE '55+' END"
)


def shares(t: pd.DataFrame, col: str, alpha: float = 0.05, flag: str | None = None) -> dict:
    """Count and share of each value of ``col`` among rows where it is recorded; with ``flag`` (a summed 0/1
    column) also the flagged share within each value."""
    s = t[t[col].notna()]
    total = float(s["n"].sum())
    g = s.groupby(col)[["n", *([flag] if flag else [])]].sum().sort_values("n", ascending=False)
    out: dict = {}
    for v, r in g.iterrows():
        e = {"count": int(r["n"]), "share": r["n"] / total, "ci95": list(wilson(r["n"], total, alpha))}
        if flag:
            e[f"{flag}_share"] = r[flag] / r["n"]
            e[f"{flag}_ci95"] = list(wilson(r[flag], r["n"], alpha))
        out[str(v)] = e
    return {"recorded": int(total), "missing": int(t["n"].sum() - total), "values": out}


def flag_ratios(sh: dict, flag: str, reference: str, alpha: float = 0.05) -> None:
    """Add each value's flagged-share ratio to the reference value's (Katz interval), in place."""
    vals = sh["values"]
    if reference not in vals:
        return
    ref = vals[reference]
    k0, n0 = ref[f"{flag}_share"] * ref["count"], ref["count"]
    for v, e in vals.items():
        if v != reference:
            rr, lo, hi = ratio_ci(
                e[f"{flag}_share"] * e["count"], e["count"], k0, n0, binomial=True, alpha=alpha
            )
            e[f"{flag}_ratio_to_{reference}"] = {"ratio": rr, "ci95": [lo, hi]}


def population_rates(
    sh: dict, population: dict[str, float], reference: str, per: float, alpha: float
) -> list:
    """Events per ``per`` population for each value with a population; ratio to the reference value."""
    missing = []
    vals = sh["values"]
    for v, e in vals.items():
        pop = population.get(v)
        if not pop:
            missing.append(v)
            continue
        lo, hi = poisson_exact(e["count"], alpha)
        e["per_population"] = {
            "per": per,
            "rate": per * e["count"] / pop,
            "ci95": [per * lo / pop, per * hi / pop],
        }
        if v != reference and reference in vals and population.get(reference):
            rr, a, b = ratio_ci(
                e["count"], pop, vals[reference]["count"], population[reference], binomial=False, alpha=alpha
            )
            e["per_population"]["ratio_to_reference"] = {"ratio": rr, "ci95": [a, b]}
    return missing


def monthly(
    data: StopData,
    t: pd.DataFrame,
    alpha: float = 0.05,
    date_col: str = "date",
    reducer: Reducer | None = None,
) -> dict:
    """Counts per month (days observed as exposure) and the Poisson trend test."""
    bm = t.groupby("month")["n"].sum().sort_index()
    first, last = reducer_for(data, reducer).extent(data.table, date_col)
    days = month_exposure(bm.index.to_series(), pd.Timestamp(first), pd.Timestamp(last))
    return {
        "by_month": {
            m: {"count": int(k), "days": int(d)}
            for m, k, d in zip(bm.index, bm.to_numpy(), days, strict=True)
        },
        "trend": poisson_trend(bm.to_numpy(), np.maximum(days, 1), alpha),
    }


def share_chart(title: str, sh: dict, xlabel: str = "share") -> Chart:
    return Chart(title, xlabel, [(v, e["share"], *e["ci95"]) for v, e in sh["values"].items()])


def share_table(title: str, col: str, sh: dict) -> Table:
    return Table(
        title,
        [col, "count", "share", "low", "high"],
        [[v, e["count"], e["share"], *e["ci95"]] for v, e in sh["values"].items()],
    )


def month_chart(title: str, m: dict) -> Chart:
    pts = []
    for month, v in m["by_month"].items():
        lo, hi = poisson_exact(v["count"])
        d = max(v["days"], 1)
        pts.append((month, 30 * v["count"] / d, 30 * lo / d, 30 * hi / d))
    return Chart(title, "per 30 days", pts)
