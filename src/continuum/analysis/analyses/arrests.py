"""Arrests: counts and rates by offense category, race, sex and age against a benchmark population, the share
of low-level/discretionary offenses by group, and the monthly trend."""

from __future__ import annotations

from pathlib import Path

from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Result
from ..sql import in_list
from ..stats import poisson_exact, wilson
from .common import as_float, as_list, finish, reducer_for, require
from .counts import (
    AGE_BAND,
    flag_ratios,
    month_chart,
    monthly,
    population_rates,
    share_chart,
    share_table,
    shares,
)
from .rates import read_benchmark


def arrests(
    data: StopData,
    *,
    benchmark: dict[str, float] | str | Path | None = None,
    reference: str = "white",
    benchmark_group: str = "race",
    population: float | None = None,
    low_level: str | None = "misdemeanor,violation",
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    require(data, "arrests", "date")
    cols = data.columns
    levels = as_list(low_level)
    if "discretionary" in cols:
        low = "CAST(discretionary AS INTEGER)"
        low_doc = "the mapping's discretionary flag"
    elif "offense_level" in cols:
        low = f"CAST(offense_level IN {in_list(levels)} AS INTEGER)"
        low_doc = f"offense level in {levels}"
    else:
        low, low_doc = None, None
    keys = {"month": "strftime(date, '%Y-%m')"}
    for name, expr, col in (
        ("race", "subject_race", "subject_race"),
        ("sex", "subject_sex", "subject_sex"),
        ("age_band", AGE_BAND.format(a="subject_age"), "subject_age"),
        ("offense_category", "coalesce(offense_category, 'not recorded')", "offense_category"),
    ):
        if col in cols:
            keys[name] = expr
    spec = Reduction(
        keys=keys,
        sums={"low_level": low} if low else {},
        exclusions=[("date missing or unparsable", "date IS NULL")],
    )
    red = reducer_for(data, reducer).reduce(data.table, spec)
    t = red.table
    flag = "low_level" if low else None
    est: dict = {"arrests": red.n_used}
    population = as_float(population)
    if population:
        lo, hi = poisson_exact(red.n_used, alpha)
        est["per_1000_population"] = {
            "rate": 1000 * red.n_used / population,
            "ci95": [1000 * lo / population, 1000 * hi / population],
            "population": population,
        }
    if low:
        k = float(t["low_level"].sum())
        est["low_level_share"] = {
            "count": int(k),
            "share": k / red.n_used,
            "ci95": list(wilson(k, red.n_used, alpha)),
            "definition": low_doc,
        }
    caveats = []
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, f"subject_{benchmark_group}")
    charts, tables = [], []
    for g in ("race", "sex", "age_band", "offense_category"):
        if g not in t:
            continue
        sh = shares(t, g, alpha, flag if g != "offense_category" else None)
        # the reference group: the named one for race, else the largest group
        ref = reference if g == "race" else next(iter(sh["values"]), "")
        if flag and g != "offense_category":
            flag_ratios(sh, flag, ref, alpha)
        if g == "offense_category" and population:
            for e in sh["values"].values():
                lo, hi = poisson_exact(e["count"], alpha)
                e["per_1000_population"] = {
                    "rate": 1000 * e["count"] / population,
                    "ci95": [1000 * lo / population, 1000 * hi / population],
                }
        if g == benchmark_group and benchmark:
            missing = population_rates(sh, benchmark, ref, 1000, alpha)
            if missing:
                caveats.append(f"No benchmark population for {missing}: no arrest rate for them.")
            caveats.append("Arrests per 1,000 residents assume residents are the population at risk.")
        est[f"by_{g}"] = sh
        charts.append(share_chart(f"share of arrests by {g.replace('_', ' ')}", sh))
        tables.append(share_table(f"arrests by {g.replace('_', ' ')}", g, sh))
    m = monthly(data, t, alpha, reducer=reducer)
    est.update(m)
    charts.append(month_chart("arrests per 30 days, by month", m))
    caveats.append("Trend: Poisson regression of monthly arrests on month, days observed as exposure.")
    if not low:
        caveats.append("No discretionary flag or offense level in the data: no low-level share.")
    return finish(
        data,
        "arrests",
        est,
        red.n_used,
        red.excluded,
        {
            "reference": reference,
            "benchmark_group": benchmark_group,
            "population": population,
            "low_level": levels,
            "alpha": alpha,
            "benchmark": benchmark or None,
        },
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"arrests_by_month": {k: v["count"] for k, v in m["by_month"].items()}},
    )
