"""Personnel (supports staffing and HR reviews): headcount and attrition by year and by group, time to hire,
and the workforce's make-up against the community's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

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
    require(data, "personnel", "hire_date")
    cols = data.columns
    sep = "separation_date" if "separation_date" in cols else "CAST(NULL AS DATE)"
    red = reducer_for(data, reducer)
    maxes = [red.extent(data.table, c)[1] for c in ("hire_date", "separation_date") if c in cols]
    last = max((d for d in maxes if d is not None), default=None)
    try:
        when = dt.date.fromisoformat(as_of) if as_of else last
    except ValueError as exc:
        raise InputError(f"as_of {as_of!r} is not YYYY-MM-DD") from exc
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
    r = red.reduce(data.table, Reduction(keys=keys, sums={}, exclusions=excl))
    t = r.table
    est: dict = {"people": r.n_used, "as_of": when.isoformat()}
    # attrition by calendar year: separations / mean of headcount at the year's start and end
    years = range(int(t["hire_year"].min()) + 1, when.year + 1)
    sep_y = t["sep_year"].astype("float")

    def headcount(y: int, sub=t) -> float:  # on 1 January of y
        sy = sub["sep_year"].astype("float")
        return float(sub.loc[(sub["hire_year"] < y) & (sy.isna() | (sy >= y)), "n"].sum())

    by_year = {}
    for y in years:
        s = float(t.loc[sep_y == y, "n"].sum())
        h0, h1 = headcount(y), headcount(y + 1)
        avg = (h0 + h1) / 2
        by_year[str(y)] = {
            "separations": int(s),
            "hires": int(t.loc[t["hire_year"] == y, "n"].sum()),
            "headcount_start": int(h0),
            "headcount_end": int(h1),
            "attrition_rate": s / avg if avg else None,
        }
    est["by_year"] = by_year
    groups: dict = {}
    for g in ("race", "sex", "rank"):
        if g not in t:
            continue
        out = {}
        for v, sub in t[t[g].notna()].groupby(g):
            s = float(sub.loc[sub["sep_year"].astype("float").isin(list(years)), "n"].sum())
            py = sum((headcount(y, sub) + headcount(y + 1, sub)) / 2 for y in years)
            out[str(v)] = {
                "separations": int(s),
                "person_years": py,
                "attrition_rate": s / py if py else None,
            }
        groups[g] = out
    est["attrition_by_group"] = groups
    if "separation_reason" in t:
        s = t[sep_y.notna() & t["separation_reason"].notna()]
        est["separation_reasons"] = {
            str(k): int(v) for k, v in s.groupby("separation_reason")["n"].sum().items()
        }
    # time to hire
    if "application_date" in cols:
        dr = red.reduce(
            data.table,
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
        if len(d):
            days = np.repeat(d["days"].to_numpy(dtype=float), d["n"].to_numpy())
            est["time_to_hire_days"] = {
                "n": len(days),
                "mean": float(days.mean()),
                "median": float(np.median(days)),
                "p25": float(np.percentile(days, 25)),
                "p75": float(np.percentile(days, 75)),
                "excluded": dr.excluded,
            }
    # workforce against community
    active = t[t["active"].astype(bool)]
    n_active = float(active["n"].sum())
    est["active_headcount"] = int(n_active)
    charts: list[Chart] = []
    if isinstance(benchmark, str | Path):
        benchmark = read_benchmark(benchmark, "race")
    if "race" in t:
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
        est["workforce_vs_community"] = comp
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
    tables = [
        Table(
            "headcount and attrition by year",
            ["year", "hires", "separations", "start", "end", "attrition"],
            [
                [
                    y,
                    v["hires"],
                    v["separations"],
                    v["headcount_start"],
                    v["headcount_end"],
                    v["attrition_rate"],
                ]
                for y, v in by_year.items()
            ],
        )
    ]
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
        charts=charts,
        tables=tables,
    )
