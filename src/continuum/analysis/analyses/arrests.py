"""Arrests: counts and rates by offense category, race, sex and age against a benchmark population, the share
of low-level/discretionary offenses by group, and the monthly trend.

RMS exports often hold one row per charge. With ``arrest_id`` mapped, an arrest is counted once: its month is
that of its first charge, it is low-level only if every charge is, and it counts once in each offense category
its charges fall in. Without an id each row is an arrest, and the result says so (``row_grain``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Result
from ..sql import in_list
from ..stats import poisson_exact, wilson
from .common import as_float, as_list, finish, most_frequent, reducer_for, require
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
    by_id = "arrest_id" in cols
    if by_id:
        keys["arrest"] = "arrest_id"
    spec = Reduction(
        keys=keys,
        sums={"low_level": low} if low else {},
        exclusions=[("date missing or unparsable", "date IS NULL")],
    )
    red = reducer_for(data, reducer).reduce(data.table, spec)
    t, by_category, grain, conflicts = (
        per_arrest(red.table, bool(low)) if by_id else (red.table, red.table, None, 0)
    )
    n_arrests = int(t["n"].sum())
    flag = "low_level" if low else None
    est: dict = {"arrests": n_arrests, "rows": red.n_used}
    population = as_float(population)
    if population:
        lo, hi = poisson_exact(n_arrests, alpha)
        est["per_1000_population"] = {
            "rate": 1000 * n_arrests / population,
            "ci95": [1000 * lo / population, 1000 * hi / population],
            "population": population,
        }
    if low:
        k = float(t["low_level"].sum())
        est["low_level_share"] = {
            "count": int(k),
            "share": k / n_arrests,
            "ci95": list(wilson(k, n_arrests, alpha)),
            "definition": low_doc + (" on every charge of the arrest" if by_id else ""),
        }
    caveats = []
    if by_id:
        row_grain = (
            f"{red.n_used:,} rows hold {n_arrests:,} arrests: counted once per distinct arrest_id"
            + (f" ({grain:,} rows with no arrest id each counted as one arrest)" if grain else "")
            + "; an arrest's month is its first charge's, and it counts once in each offense category it has."
        )
        if conflicts:
            caveats.append(
                f"{conflicts:,} arrests have rows that disagree on the subject's race, sex or age band; each is "
                "counted under its most frequent (then first) recorded value."
            )
    else:
        row_grain = (
            f"each of the {red.n_used:,} rows counted as one arrest (no arrest_id mapped: a file with one row "
            "per charge would count charges, not arrests)."
        )
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, f"subject_{benchmark_group}")
    charts, tables = [], []
    for g in ("race", "sex", "age_band", "offense_category"):
        if g not in t:
            continue
        sh = shares(
            by_category if g == "offense_category" else t, g, alpha, flag if g != "offense_category" else None
        )
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
        row_grain=row_grain,
    )


GROUPS = ("race", "sex", "age_band")


def per_arrest(t: pd.DataFrame, has_flag: bool) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """Collapse charge rows (grouped by arrest id) to one row per arrest, and one per arrest and offense
    category; rows with no id stay rows. Returns (arrests, arrests by category, rows with no id, arrests whose
    rows disagree on a subject field)."""
    ided, loose = t[t["arrest"].notna()], t[t["arrest"].isna()].drop(columns="arrest")
    groups = [g for g in GROUPS if g in t]
    by_arrest = ided.groupby("arrest", sort=False)
    one = pd.DataFrame({"month": by_arrest["month"].min(), "n": 1})
    conflicted = pd.Series(False, index=one.index)
    for g in groups:
        one[g] = most_frequent(ided, "arrest", g)
        conflicted |= by_arrest[g].nunique() > 1
    if has_flag:
        # low-level only if every charge row of the arrest is
        one["low_level"] = (by_arrest["low_level"].sum() == by_arrest["n"].sum()).astype("float64")
    arrests = pd.concat([one.reset_index(drop=True), loose], ignore_index=True)
    categories = loose
    if "offense_category" in t:
        per_cat = ided.groupby(["arrest", "offense_category"], sort=False).size().reset_index()
        per_cat = per_cat.assign(n=1)[["offense_category", "n"]]
        categories = pd.concat([per_cat, loose], ignore_index=True)
    return arrests, categories, int(loose["n"].sum()), int(conflicted.sum())
