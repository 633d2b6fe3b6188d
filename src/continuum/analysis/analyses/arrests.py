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
from ..reduce import Reduced, Reducer, Reduction
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
    """Prepare (the low-level rule), reduce (to arrests), fit (totals, shares and rates by group, trend),
    present."""
    require(data, "arrests", "date")
    cols = data.columns
    levels = as_list(low_level)
    low, low_doc = low_level_rule(cols, levels)
    by_id = "arrest_id" in cols
    red = reduce_arrests(reducer_for(data, reducer), data.table, cols, low)
    t, by_category, grain, conflicts = (
        per_arrest(red.table, bool(low)) if by_id else (red.table, red.table, None, 0)
    )
    population = as_float(population)
    est = totals(t, red.n_used, population, low_doc if low else None, by_id, alpha)
    row_grain, caveats = arrest_grain(red.n_used, est["arrests"], by_id, grain, conflicts)
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, f"subject_{benchmark_group}")
    charts, tables = [], []
    for g in ("race", "sex", "age_band", "offense_category"):
        if g not in t:
            continue
        sh, group_caveats = group_shares(
            t,
            by_category,
            g,
            "low_level" if low else None,
            reference,
            population,
            benchmark_group,
            benchmark,
            alpha,
        )
        caveats += group_caveats
        est[f"by_{g}"] = sh
        charts.append(share_chart(f"share of arrests by {g.replace('_', ' ')}", sh))
        tables.append(share_table(f"arrests by {g.replace('_', ' ')}", g, sh))
    m = monthly(data, t, alpha, reducer=reducer)
    est.update(m)
    charts.append(month_chart("arrests per 30 days, by month", m))
    caveats.append("Trend: Poisson regression of monthly arrests on month, days observed as exposure.")
    if not low:
        caveats.append("No discretionary flag or offense level in the data: no low-level share.")
    params = {"reference": reference, "benchmark_group": benchmark_group, "population": population}
    params |= {"low_level": levels, "alpha": alpha, "benchmark": benchmark or None}
    return finish(
        data,
        "arrests",
        est,
        red.n_used,
        red.excluded,
        params,
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"arrests_by_month": {k: v["count"] for k, v in m["by_month"].items()}},
        row_grain=row_grain,
    )


def low_level_rule(cols: frozenset[str], levels: list[str]) -> tuple[str | None, str | None]:
    """Prepare step: SQL for a low-level (discretionary) arrest and its definition in words: the mapping's
    discretionary flag, else an offense level in ``levels``, else none."""
    if "discretionary" in cols:
        return "CAST(discretionary AS INTEGER)", "the mapping's discretionary flag"
    if "offense_level" in cols:
        return f"CAST(offense_level IN {in_list(levels)} AS INTEGER)", f"offense level in {levels}"
    return None, None


def reduce_arrests(red: Reducer, table: str, cols: frozenset[str], low: str | None) -> Reduced:
    """Reduce step: rows by month, subject group, offense category (and arrest id when mapped)."""
    keys = {"month": "strftime(date, '%Y-%m')"}
    for name, expr, col in (
        ("race", "subject_race", "subject_race"),
        ("sex", "subject_sex", "subject_sex"),
        ("age_band", AGE_BAND.format(a="subject_age"), "subject_age"),
        ("offense_category", "coalesce(offense_category, 'not recorded')", "offense_category"),
    ):
        if col in cols:
            keys[name] = expr
    if "arrest_id" in cols:
        keys["arrest"] = "arrest_id"
    spec = Reduction(
        keys=keys,
        sums={"low_level": low} if low else {},
        exclusions=[("date missing or unparsable", "date IS NULL")],
    )
    return red.reduce(table, spec)


def totals(
    t: pd.DataFrame, rows: int, population: float | None, low_doc: str | None, by_id: bool, alpha: float
) -> dict:
    """Arrests, arrests per 1,000 residents (exact Poisson) and the low-level share (Wilson)."""
    n_arrests = int(t["n"].sum())
    est: dict = {"arrests": n_arrests, "rows": rows}
    if population:
        lo, hi = poisson_exact(n_arrests, alpha)
        est["per_1000_population"] = {
            "rate": 1000 * n_arrests / population,
            "ci95": [1000 * lo / population, 1000 * hi / population],
            "population": population,
        }
    if low_doc:
        k = float(t["low_level"].sum())
        est["low_level_share"] = {
            "count": int(k),
            "share": k / n_arrests,
            "ci95": list(wilson(k, n_arrests, alpha)),
            "definition": low_doc + (" on every charge of the arrest" if by_id else ""),
        }
    return est


def arrest_grain(
    rows: int, n_arrests: int, by_id: bool, grain: int | None, conflicts: int
) -> tuple[str, list]:
    """What one row is and how arrests were counted, and the caveat when an arrest's rows disagree."""
    caveats = []
    if not by_id:
        return (
            f"each of the {rows:,} rows counted as one arrest (no arrest_id mapped: a file with one row "
            "per charge would count charges, not arrests).",
            caveats,
        )
    row_grain = (
        f"{rows:,} rows hold {n_arrests:,} arrests: counted once per distinct arrest_id"
        + (f" ({grain:,} rows with no arrest id each counted as one arrest)" if grain else "")
        + "; an arrest's month is its first charge's, and it counts once in each offense category it has."
    )
    if conflicts:
        caveats.append(
            f"{conflicts:,} arrests have rows that disagree on the subject's race, sex or age band; each is "
            "counted under its most frequent (then first) recorded value."
        )
    return row_grain, caveats


def group_shares(
    t: pd.DataFrame,
    by_category: pd.DataFrame,
    g: str,
    flag: str | None,
    reference: str,
    population: float | None,
    benchmark_group: str,
    benchmark: dict[str, float] | None,
    alpha: float,
) -> tuple[dict, list[str]]:
    """One grouping's shares of arrests; by subject group the low-level share's ratio to the reference (the
    named one for race, else the largest group) and rates against the benchmark; by offense category rates
    per 1,000 residents. Returns (shares, caveats)."""
    caveats = []
    sh = shares(
        by_category if g == "offense_category" else t, g, alpha, flag if g != "offense_category" else None
    )
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
    return sh, caveats


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
