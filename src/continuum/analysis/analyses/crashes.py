"""Police vehicle crashes (the Philadelphia review): by unit, assignment, month and time of day; pursuit and
emergency-response shares; injuries; the preventability finding; rates per 100,000 miles or per vehicle where
exposure is supplied."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reduced, Reducer, Reduction
from ..results import Chart, Result
from ..stats import poisson_exact, wilson
from .common import as_float, finish, reducer_for, require
from .counts import month_chart, monthly, share_chart, share_table, shares

FLAGS = ("pursuit", "emergency_response", "officer_injured", "preventable")


def read_exposure(path: str | Path) -> pd.DataFrame:
    """CSV with a group column (unit or assignment) and miles and/or vehicles."""
    p = Path(path)
    if not p.is_file():
        raise InputError("exposure file not found", file=str(p))
    df = pd.read_csv(p, dtype=str)
    group = next((c for c in ("unit", "assignment") if c in df.columns), None)
    if group is None or not {"miles", "vehicles"} & set(df.columns):
        raise InputError("exposure needs a unit or assignment column and miles and/or vehicles", file=str(p))
    for c in ("miles", "vehicles"):
        if c in df.columns:
            v = pd.to_numeric(df[c], errors="coerce")
            if v.isna().any():
                raise InputError(
                    "not a number", file=str(p), row=int(v.isna().to_numpy().argmax()) + 2, column=c
                )
            df[c] = v
    return df.rename(columns={group: "group"}).assign(by=group)


def crashes(
    data: StopData,
    *,
    miles: float | None = None,
    vehicles: float | None = None,
    exposure: str | Path | None = None,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Reduce (crashes by month, unit, assignment, time of day), fit (flag shares, injuries, rates against
    exposure, shares by group, trend), present."""
    require(data, "crashes", "date")
    miles, vehicles = as_float(miles), as_float(vehicles)
    red = reduce_crashes(reducer_for(data, reducer), data.table, data.columns)
    t = red.table
    n = red.n_used
    est: dict = {"crashes": n, **flag_shares(t, n, alpha)}
    charts, tables = [], []
    flag_pts = [(f, e["share"], *e["ci95"]) for f in FLAGS if f in est and (e := est[f])["recorded"]]
    if flag_pts:
        charts.append(
            Chart(
                "share of crashes: pursuit, emergency response, officer injured, preventable",
                "share of crashes",
                flag_pts,
            )
        )
    est["rates"] = fleet_rates(n, miles, vehicles, alpha)
    for g in ("unit", "assignment", "time_of_day"):
        if g in t:
            sh = shares(t, g, alpha, "preventable" if "preventable" in t else None)
            est[f"by_{g}"] = sh
            charts.append(share_chart(f"share of crashes by {g.replace('_', ' ')}", sh))
            tables.append(share_table(f"crashes by {g.replace('_', ' ')}", g, sh))
    caveats = [
        "Shares of pursuit, emergency response, injury and preventability use crashes where each was recorded."
    ]
    if exposure is not None:
        ex = read_exposure(exposure)
        by = str(ex["by"].iloc[0])
        if by in t:
            est[f"rates_by_{by}"] = out = rates_by_group(t, ex, by, alpha)
            pts = [
                (g, e["per_100k_miles"]["rate"], *e["per_100k_miles"]["ci95"])
                for g, e in out.items()
                if "per_100k_miles" in e
            ]
            if pts:
                charts.insert(
                    0, Chart(f"crashes per 100,000 miles by {by}", "crashes per 100,000 miles", pts)
                )
        else:
            caveats.append(f"Exposure is by {by}, which the crash data does not have: no rates by {by}.")
    m = monthly(data, t, alpha, reducer=reducer)
    est.update(m)
    charts.append(month_chart("crashes per 30 days, by month", m))
    params = {
        "miles": miles,
        "vehicles": vehicles,
        "exposure": str(exposure) if exposure else None,
        "alpha": alpha,
    }
    return finish(
        data,
        "crashes",
        est,
        n,
        red.excluded,
        params,
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts={"crashes_by_month": {k: v["count"] for k, v in m["by_month"].items()}},
    )


def reduce_crashes(red: Reducer, table: str, cols: frozenset[str]) -> Reduced:
    """Reduce step: crashes by month, unit, assignment and six-hour time of day, with each flag's yes and
    recorded counts and injuries."""
    keys = {"month": "strftime(date, '%Y-%m')"}
    for g in ("unit", "assignment"):
        if g in cols:
            keys[g] = f"coalesce({g}, 'not recorded')"
    if "time" in cols:
        keys["time_of_day"] = (
            "CASE WHEN time IS NULL THEN NULL WHEN hour(time) < 6 THEN '00-06' WHEN hour(time) < 12 "
            "THEN '06-12' WHEN hour(time) < 18 THEN '12-18' ELSE '18-24' END"
        )
    sums = {}
    for f in FLAGS:
        if f in cols:
            sums[f] = f"CAST(coalesce({f}, FALSE) AS INTEGER)"
            sums[f"{f}_known"] = f"CAST({f} IS NOT NULL AS INTEGER)"
    if "injuries" in cols:
        sums["injuries"] = "coalesce(injuries, 0)"
        sums["injury_crash"] = "CAST(coalesce(injuries, 0) > 0 AS INTEGER)"
    return red.reduce(
        table, Reduction(keys=keys, sums=sums, exclusions=[("date missing or unparsable", "date IS NULL")])
    )


def flag_shares(t: pd.DataFrame, n: int, alpha: float) -> dict:
    """Each flag's share among crashes where it was recorded; people injured and crashes with an injury."""
    est: dict = {}
    for f in FLAGS:
        if f in t:
            k, m = float(t[f].sum()), float(t[f"{f}_known"].sum())
            est[f] = {
                "count": int(k),
                "recorded": int(m),
                "share": k / m if m else None,
                "ci95": list(wilson(k, m, alpha)),
            }
    if "injuries" in t:
        est["people_injured"] = float(t["injuries"].sum())
        k = float(t["injury_crash"].sum())
        est["crashes_with_injury"] = {"count": int(k), "share": k / n, "ci95": list(wilson(k, n, alpha))}
    return est


def fleet_rates(n: int, miles: float | None, vehicles: float | None, alpha: float) -> dict:
    """Crashes per 100,000 miles and per vehicle over the fleet, exact Poisson intervals."""
    lo, hi = poisson_exact(n, alpha)
    rates = {}
    if miles:
        rates["per_100k_miles"] = {"rate": 1e5 * n / miles, "ci95": [1e5 * lo / miles, 1e5 * hi / miles]}
    if vehicles:
        rates["per_vehicle"] = {"rate": n / vehicles, "ci95": [lo / vehicles, hi / vehicles]}
    return rates


def rates_by_group(t: pd.DataFrame, ex: pd.DataFrame, by: str, alpha: float) -> dict:
    """Per unit or assignment of the exposure file: crashes per 100,000 miles and per vehicle."""
    cnt = t.groupby(by)["n"].sum()
    out = {}
    for r in ex.itertuples():
        k = float(cnt.get(r.group, 0))
        a, b = poisson_exact(k, alpha)
        e: dict = {"crashes": int(k)}
        if "miles" in ex and r.miles:
            e["per_100k_miles"] = {"rate": 1e5 * k / r.miles, "ci95": [1e5 * a / r.miles, 1e5 * b / r.miles]}
        if "vehicles" in ex and r.vehicles:
            e["per_vehicle"] = {"rate": k / r.vehicles, "ci95": [a / r.vehicles, b / r.vehicles]}
        out[str(r.group)] = e
    return out
