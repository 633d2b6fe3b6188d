"""Officer-involved shootings: incidents over time with an exact rate test for an increase (later period
against earlier, days as exposure) and a monthly Poisson trend; circumstances (threat, armed status, fleeing,
mental health, body camera), subject demographics, time and place; and which of these differ between periods
(chi-square or Fisher tests, Benjamini-Hochberg adjusted)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from ..load import StopData
from ..reduce import Reduced, Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import lit
from ..stats import benjamini_hochberg
from ..trend import rate_ratio_test
from .common import finish, reducer_for, require
from .counts import AGE_BAND, month_chart, monthly, share_chart, share_table, shares

FACTORS = {
    "circumstance": ("coalesce(circumstance, 'not recorded')", "circumstance"),
    "subject_armed": ("subject_armed", "subject_armed"),
    "subject_fleeing": ("CAST(subject_fleeing AS VARCHAR)", "subject_fleeing"),
    "mental_health": ("CAST(mental_health AS VARCHAR)", "mental_health"),
    "body_camera": ("CAST(body_camera AS VARCHAR)", "body_camera"),
    "outcome": ("outcome", "outcome"),
    "subject_race": ("subject_race", "subject_race"),
    "subject_sex": ("subject_sex", "subject_sex"),
    "age_band": (AGE_BAND.format(a="subject_age"), "subject_age"),
    "district": ("district", "district"),
    "time_of_day": (
        "CASE WHEN time IS NULL THEN NULL WHEN hour(time) < 6 THEN '00-06' WHEN hour(time) < 12 THEN '06-12' "
        "WHEN hour(time) < 18 THEN '12-18' ELSE '18-24' END",
        "time",
    ),
    "weekday": ("dayname(date)", "date"),
}


def ois(
    data: StopData,
    *,
    split_date: str | None = None,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Prepare (the split date), reduce (incidents by month and period, each factor by period), fit (the
    increase test, trend, shares, period differences), present."""
    require(data, "ois", "date")
    red = reducer_for(data, reducer)
    first, last = red.extent(data.table, "date")
    if first is None:
        raise InputError("no incident has a readable date", file=str(data.path), column="date")
    split = split_point(first, last, split_date)
    used = [f for f, (_, col) in FACTORS.items() if col in data.columns]
    r, by_factor = reduce_incidents(red, data.table, split, used)
    t = r.table
    est: dict = {"incidents": r.n_used, "split_date": split.isoformat()}
    est["increase_test"] = increase_test(t, first, last, split, alpha)
    m = monthly(data, t, alpha, reducer=reducer)
    est.update(m)
    est["by_year"] = {
        str(y): int(v) for y, v in t.assign(y=t["month"].str[:4]).groupby("y")["n"].sum().items()
    }
    charts = [month_chart("shootings per 30 days, by month", m)]
    tables = []
    for f in used:
        sh = shares(by_factor[f], f, alpha)
        est[f"by_{f}"] = sh
        charts.append(share_chart(f"share of shootings by {f.replace('_', ' ')}", sh))
        tables.append(share_table(f"shootings by {f.replace('_', ' ')}", f, sh))
    est["period_differences"] = diffs = period_differences(by_factor, used)
    it = est["increase_test"]
    if it.get("rate_ratio") is not None:
        charts.insert(
            0,
            Chart(
                "shootings per year: later period against earlier",
                "rate ratio (later / earlier)",
                [("later / earlier", it["rate_ratio"], *it["ci95"])],
                reference=1.0,
            ),
        )
    tables.append(
        Table(
            "factors that differ between periods",
            ["factor", "test", "p", "q"],
            [[d["factor"], d["test"], d["p_value"], d["q_value"]] for d in diffs],
        )
    )
    caveats = [
        f"Increase test: incidents on or after {split} against before, days observed as exposure; exact "
        "conditional binomial test (one-sided for an increase) with Clopper-Pearson limits for the rate ratio.",
        *CAVEATS,
    ]
    return finish(
        data,
        "ois",
        est,
        r.n_used,
        r.excluded,
        {"split_date": split.isoformat(), "alpha": alpha},
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"incidents_by_month": {k: v["count"] for k, v in m["by_month"].items()}},
    )


CAVEATS = (
    "Counts are small: a non-significant test is weak evidence of no change. Shares compare incidents, not "
    "rates per encounter.",
    "Period differences: Fisher exact (two values) or chi-square tests of each factor's distribution, "
    "Benjamini-Hochberg adjusted; chi-square is approximate when cells are small.",
)


def split_point(first: dt.date, last: dt.date, split_date: str | None) -> dt.date:
    """Prepare step: where the later period starts, ``split_date`` or the middle of the data's dates."""
    try:
        split = dt.date.fromisoformat(split_date) if split_date else first + (last - first) / 2
    except ValueError as exc:
        raise InputError(f"split_date {split_date!r} is not YYYY-MM-DD") from exc
    if not first < split <= last:
        raise InputError(f"split_date {split} must fall after {first} and on or before {last}")
    return split


def reduce_incidents(red: Reducer, table: str, split: dt.date, used: list[str]) -> tuple[Reduced, dict]:
    """Reduce step: incidents by month and period, and one small reduction per factor (factor x period): a
    joint GROUP BY over every factor would be as many groups as incidents."""
    later = f"date >= DATE {lit(split.isoformat())}"
    excl = [("date missing or unparsable", "date IS NULL")]
    r = red.reduce(
        table, Reduction(keys={"month": "strftime(date, '%Y-%m')", "later": later}, sums={}, exclusions=excl)
    )
    by_factor = {
        f: red.reduce(
            table, Reduction(keys={f: FACTORS[f][0], "later": later}, sums={}, exclusions=excl)
        ).table
        for f in used
    }
    return r, by_factor


def increase_test(t: pd.DataFrame, first: dt.date, last: dt.date, split: dt.date, alpha: float) -> dict:
    """Later period's incidents per year against the earlier's, days observed as exposure (exact test)."""
    k1, k0 = float(t.loc[t["later"], "n"].sum()), float(t.loc[~t["later"], "n"].sum())
    t1, t0 = (last - split).days + 1, (split - first).days
    return rate_ratio_test(k1, t1 / 365.25, k0, t0 / 365.25, alpha)


def period_difference(tab: pd.DataFrame, f: str) -> dict | None:
    """Does factor ``f``'s distribution differ between periods: Fisher's exact test for two values, else
    chi-square; None when there are not two values and two periods."""
    s = tab[tab[f].notna()]
    ct = s.pivot_table(index=f, columns="later", values="n", aggfunc="sum", fill_value=0)
    if not (ct.shape == (2, 2) or (ct.shape[0] >= 2 and ct.shape[1] == 2)):
        return None
    ct = ct.reindex(columns=[False, True], fill_value=0)
    if ct.shape[0] == 2:
        p, test = float(stats.fisher_exact(ct.to_numpy())[1]), "Fisher exact"
    else:
        p, test = float(stats.chi2_contingency(ct.to_numpy())[1]), "chi-square"
    shares_by = (ct / ct.sum(axis=0)).round(6)
    return {
        "factor": f,
        "test": test,
        "p_value": p,
        "earlier": {str(k): float(v) for k, v in shares_by[False].items()},
        "later": {str(k): float(v) for k, v in shares_by[True].items()},
    }


def period_differences(by_factor: dict[str, pd.DataFrame], used: list[str]) -> list[dict]:
    """Each factor's period difference, Benjamini-Hochberg q-values across factors, smallest p first."""
    diffs = [d for f in used if (d := period_difference(by_factor[f], f)) is not None]
    if diffs:
        q = benjamini_hochberg(np.array([d["p_value"] for d in diffs]))
        for d, qv in zip(diffs, q, strict=True):
            d["q_value"] = float(qv)
        diffs.sort(key=lambda d: d["p_value"])
    return diffs
