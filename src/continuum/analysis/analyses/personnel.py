"""Personnel (supports staffing and HR reviews): headcount and attrition by year and by group, time to hire,
and the workforce's make-up against the community's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import lit
from ..stats import wilson
from .common import finish, reducer_for, require
from .rates import read_benchmark


def personnel(
    data: StopData,
    *,
    as_of: str | None = None,
    benchmark: dict[str, float] | str | Path | None = None,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Prepare (the as-of date), reduce (people by hire and separation year, group, active), fit (attrition
    by year and group, time to hire, workforce against community), present."""
    require(data, "personnel", "hire_date")
    cols = data.columns
    red = reducer_for(data, reducer)
    when = as_of_date(red, data.table, cols, as_of)
    r, excl = reduce_people(red, data.table, cols, when)
    t = r.table
    est: dict = {"people": r.n_used, "as_of": when.isoformat()}
    years = range(int(t["hire_year"].min()) + 1, when.year + 1)
    est["by_year"] = by_year = attrition_by_year(t, years)
    est["attrition_by_group"] = attrition_by_group(t, years)
    if "separation_reason" in t:
        s = t[t["sep_year"].astype("float").notna() & t["separation_reason"].notna()]
        est["separation_reasons"] = {
            str(k): int(v) for k, v in s.groupby("separation_reason")["n"].sum().items()
        }
    if "application_date" in cols:
        hire = time_to_hire(red, data.table, excl)
        if hire is not None:
            est["time_to_hire_days"] = hire
    active = t[t["active"].astype(bool)]
    est["active_headcount"] = int(float(active["n"].sum()))
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, "race")
    comp = None
    if "race" in t:
        est["workforce_vs_community"] = comp = workforce_vs_community(active, benchmark, alpha)
    caveats = [
        "Attrition = separations in a calendar year / mean of headcount on 1 January and 31 December; by group, "
        "separations over summed mean headcounts (person-years).",
        f"Workforce make-up is the people active on {when}; the community comparison treats the benchmark "
        "population's shares as known (the interval is the workforce share's Wilson interval scaled).",
    ]
    return finish(
        data,
        "personnel",
        est,
        r.n_used,
        r.excluded,
        {"as_of": when.isoformat(), "alpha": alpha, "benchmark": benchmark or None},
        caveats=caveats,
        charts=_charts(comp, by_year),
        tables=[_year_table(by_year)],
    )


def as_of_date(red: Reducer, table: str, cols: frozenset[str], as_of: str | None) -> dt.date:
    """Prepare step: the date the workforce is described on, ``as_of`` or the latest hire or separation."""
    maxes = [red.extent(table, c)[1] for c in ("hire_date", "separation_date") if c in cols]
    last = max((d for d in maxes if d is not None), default=None)
    try:
        return dt.date.fromisoformat(as_of) if as_of else last
    except ValueError as exc:
        raise InputError(f"as_of {as_of!r} is not YYYY-MM-DD") from exc


def reduce_people(red: Reducer, table: str, cols: frozenset[str], when: dt.date) -> tuple[Any, list]:
    """Reduce step: people by hire year, separation year, active on ``when`` and group; returns the reduction
    and its exclusions (no hire date, separated before hired)."""
    sep = "separation_date" if "separation_date" in cols else "CAST(NULL AS DATE)"
    day = f"DATE {lit(when.isoformat())}"
    keys = {
        "hire_year": "year(hire_date)",
        "sep_year": f"year({sep})",
        "active": f"hire_date <= {day} AND ({sep} IS NULL OR {sep} > {day})",
    }
    for g in ("race", "sex", "rank", "separation_reason"):
        if g in cols:
            keys[g] = g
    excl = [
        ("hire date missing or unparsable", "hire_date IS NULL"),
        ("separation before hire", f"{sep} IS NOT NULL AND {sep} < hire_date"),
    ]
    return red.reduce(table, Reduction(keys=keys, sums={}, exclusions=excl)), excl


def headcount(t: pd.DataFrame, y: int) -> float:
    """People on 1 January of ``y``: hired in an earlier year and not separated before that year."""
    sy = t["sep_year"].astype("float")
    return float(t.loc[(t["hire_year"] < y) & (sy.isna() | (sy >= y)), "n"].sum())


def attrition_by_year(t: pd.DataFrame, years: range) -> dict:
    """Per calendar year: hires, separations, headcount at start and end, separations / mean headcount."""
    sep_y = t["sep_year"].astype("float")
    by_year = {}
    for y in years:
        s = float(t.loc[sep_y == y, "n"].sum())
        h0, h1 = headcount(t, y), headcount(t, y + 1)
        avg = (h0 + h1) / 2
        by_year[str(y)] = {
            "separations": int(s),
            "hires": int(t.loc[t["hire_year"] == y, "n"].sum()),
            "headcount_start": int(h0),
            "headcount_end": int(h1),
            "attrition_rate": s / avg if avg else None,
        }
    return by_year


def attrition_by_group(t: pd.DataFrame, years: range) -> dict:
    """By race, sex and rank: separations over the years, over person-years (summed mean headcounts)."""
    groups: dict = {}
    for g in ("race", "sex", "rank"):
        if g not in t:
            continue
        out = {}
        for v, sub in t[t[g].notna()].groupby(g):
            s = float(sub.loc[sub["sep_year"].astype("float").isin(list(years)), "n"].sum())
            py = sum((headcount(sub, y) + headcount(sub, y + 1)) / 2 for y in years)
            out[str(v)] = {
                "separations": int(s),
                "person_years": py,
                "attrition_rate": s / py if py else None,
            }
        groups[g] = out
    return groups


def time_to_hire(red: Reducer, table: str, excl: list) -> dict | None:
    """Days from application to hire: mean, median and quartiles, with what was excluded; None if no one."""
    dr = red.reduce(
        table,
        Reduction(
            keys={"days": "datediff('day', application_date, hire_date)"},
            sums={},
            exclusions=[
                *excl,
                ("no application date", "application_date IS NULL"),
                ("hired before applying", "application_date > hire_date"),
            ],
        ),
    )
    d = dr.table
    if not len(d):
        return None
    days = np.repeat(d["days"].to_numpy(dtype=float), d["n"].to_numpy())
    return {
        "n": len(days),
        "mean": float(days.mean()),
        "median": float(np.median(days)),
        "p25": float(np.percentile(days, 25)),
        "p75": float(np.percentile(days, 75)),
        "excluded": dr.excluded,
    }


def workforce_vs_community(active: pd.DataFrame, benchmark: dict[str, float] | None, alpha: float) -> dict:
    """The active workforce's shares by race (Wilson intervals) and, with a benchmark, the ratio to the
    community's share (treated as known, so the interval is the workforce share's scaled)."""
    a = active[active["race"].notna()]
    tot = float(a["n"].sum())
    comp = {}
    pop_total = sum(benchmark.values()) if benchmark else 0
    for v, k in a.groupby("race")["n"].sum().items():
        lo, hi = wilson(k, tot, alpha)
        e = {"count": int(k), "share": k / tot, "ci95": [lo, hi]}
        if benchmark and benchmark.get(str(v)):
            c = benchmark[str(v)] / pop_total
            e["community_share"] = c
            e["representation_ratio"] = {"ratio": (k / tot) / c, "ci95": [lo / c, hi / c]}
        comp[str(v)] = e
    return comp


def _charts(comp: dict | None, by_year: dict) -> list[Chart]:
    charts: list[Chart] = []
    if comp is not None:
        pts = [
            (v, e["representation_ratio"]["ratio"], *e["representation_ratio"]["ci95"])
            for v, e in comp.items()
            if "representation_ratio" in e
        ]
        if pts:
            charts.append(
                Chart("workforce share / community share, by race", "representation ratio", pts, 1.0)
            )
        charts.append(
            Chart(
                "share of the active workforce by race",
                "share",
                [(v, e["share"], *e["ci95"]) for v, e in comp.items()],
            )
        )
    charts.append(
        Chart(
            "attrition rate by year",
            "separations / mean headcount",
            [
                (y, v["attrition_rate"], v["attrition_rate"], v["attrition_rate"])
                for y, v in by_year.items()
                if v["attrition_rate"] is not None
            ],
        )
    )
    return charts


def _year_table(by_year: dict) -> Table:
    return Table(
        "headcount and attrition by year",
        ["year", "hires", "separations", "start", "end", "attrition"],
        [
            [y, v["hires"], v["separations"], v["headcount_start"], v["headcount_end"], v["attrition_rate"]]
            for y, v in by_year.items()
        ],
    )
