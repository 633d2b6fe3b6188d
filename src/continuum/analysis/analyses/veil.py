"""Veil of darkness (Grogger & Ridgeway 2006, as the Stanford Open Policing Project applies it).

If darkness hides drivers' race, then among stops at the same clock time, a higher minority share when it
is dark than when it is light suggests discrimination. Only times that are light on some days and dark on
others (the inter-twilight window) inform the comparison; stops during twilight are dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..glm import fit_grouped_binomial
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..spline import NaturalSpline
from ..sql import ident, lit
from ..stats import wilson
from ..sun import near_dst, sun_times
from .common import finish, reducer_for, require

MINUTE = "(hour(time) * 60 + minute(time) + second(time) / 60.0)"


def _float(params: dict, key: str, value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"parameter {key}={value!r} is not a number", column=key) from exc


def veil_of_darkness(
    data: StopData,
    *,
    lat: float | None = None,
    lng: float | None = None,
    tz: str | None = None,
    minority: str = "black",
    majority: str = "white",
    geography: str | None = None,
    interact_time_geography: bool = False,
    dst: bool = False,
    dst_days: int = 30,
    spline_df: int = 6,
    round_minutes: int = 5,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    mp = data.mapping.params
    lat = _float(mp, "lat", lat if lat is not None else mp.get("lat"))
    lng = _float(mp, "lng", lng if lng is not None else mp.get("lng"))
    tz = str(tz or mp.get("tz") or "")
    if not tz:
        raise InputError(
            "veil-of-darkness needs a time zone: --param tz=Area/City (or [params] tz in the mapping)"
        )
    cols = ["date", "time", "subject_race"] + ([geography] if geography else [])
    require(data, "veil-of-darkness", *cols)

    red_ = reducer_for(data, reducer)
    date_spec = Reduction(keys={"date": "date"}, sums={}, exclusions=[("date missing", "date IS NULL")])
    dates = [pd.Timestamp(d).date() for d in red_.reduce(data.table, date_spec).table["date"]]
    sun = sun_times(dates, lat, lng, tz)
    if dst:
        flags = near_dst(dates, tz, dst_days)
        sun["in_dst_window"] = sun["date"].map(flags)
        window_dates = sun[sun["in_dst_window"]]
    else:
        window_dates = sun
    if window_dates["sunset_min"].notna().sum() == 0:
        raise InputError("no dates with a sunset at this place (or none near a DST change)")
    lo, hi = float(window_dates["sunset_min"].min()), float(window_dates["dusk_min"].max())

    exclusions = [
        ("date missing or invalid", "date IS NULL"),
        ("time missing or invalid", "time IS NULL"),
        (
            f"subject_race missing or not {minority}/{majority}",
            f"subject_race IS NULL OR subject_race NOT IN ({lit(minority)}, {lit(majority)})",
        ),
    ]
    if dst:
        exclusions.append((f"more than {dst_days} days from a DST change", "in_dst_window IS NOT TRUE"))
    exclusions += [
        ("no sunset/dusk at this place and date", "sunset_min IS NULL OR isnan(sunset_min)"),
        ("outside the inter-twilight window", f"m < {lo!r} OR m > {hi!r}"),
        ("between sunset and dusk (twilight)", "m > sunset_min AND m < dusk_min"),
    ]
    if geography:
        exclusions.append((f"{geography} missing", f"{ident(geography)} IS NULL"))
    keys = {
        "minute": (
            f"CAST(round(CAST(hour(time) * 60 + minute(time) AS DOUBLE) / {round_minutes}) "
            f"* {round_minutes} AS INTEGER)"
        ),
        "is_dark": "CAST(m > dusk_min AS INTEGER)",
    }
    if geography:
        keys["geo"] = ident(geography)
    spec = Reduction(
        keys=keys,
        sums={"minority": f"CAST(subject_race = {lit(minority)} AS INTEGER)"},
        exclusions=exclusions,
        lookups={"sun": (sun, "date")},
        derived={"m": MINUTE},
    )
    red = red_.reduce(data.table, spec)
    t = red.table
    if t.empty or t["is_dark"].nunique() < 2:
        raise InputError("no stops on both sides of dusk in the inter-twilight window: nothing to compare")
    X, names = design(t, spline_df, geography is not None, interact_time_geography)
    coefs, res = fit_grouped_binomial(X, t["minority"].to_numpy(), t["n"].to_numpy(), names, alpha)
    dark = coefs["is_dark"]

    counts = {}
    for label, flag in (("light", 0), ("dark", 1)):
        sub = t[t["is_dark"] == flag]
        m, n = float(sub["minority"].sum()), float(sub["n"].sum())
        counts[label] = {
            "n": int(n),
            minority: int(m),
            majority: int(n - m),
            "minority_share": m / n if n else None,
            "minority_share_ci95": list(wilson(m, n, alpha)),
        }
    estimates = {
        "is_dark": dark.to_dict(),
        # every term, so the fit can be checked against any other implementation
        "terms": {name: {"coef": c.coef, "se": c.se} for name, c in coefs.items()},
        "n_groups": len(t),
        "converged": bool(res.converged),
    }
    caveats = [
        f"Minority = {minority}, majority = {majority}; other groups and missing race are excluded.",
        f"Sunset and dusk (end of civil twilight) at ({lat}, {lng}) in {tz}; the inter-twilight window is "
        f"{_hhmm(lo)}-{_hhmm(hi)} local time.",
        f"Clock time rounded to {round_minutes} minutes for the natural spline (df={spline_df}); "
        "darkness uses "
        "the exact minute.",
        "A single point stands for the whole area: where the area is large, sunset varies across it.",
        "The test assumes travel patterns by race do not change with darkness at a given clock time.",
    ]
    if dst:
        caveats.append(f"DST variant: only dates within {dst_days} days of a daylight-saving change.")
    chart = Chart(
        f"{minority} share of {minority}+{majority} stops in the inter-twilight window",
        "share",
        [(k, v["minority_share"], *v["minority_share_ci95"]) for k, v in counts.items()],
    )
    or_chart = Chart(
        "odds ratio of a minority stop when dark (adjusted for clock time)",
        "odds ratio",
        [("is_dark", dark.to_dict()["odds_ratio"], *dark.to_dict()["odds_ratio_ci95"])],
        reference=1.0,
    )
    table = Table(
        "is_dark coefficient",
        ["term", "coef", "se", "low", "high", "odds ratio"],
        [["is_dark", dark.coef, dark.se, *dark.ci95, dark.to_dict()["odds_ratio"]]],
    )
    params = {
        "lat": lat,
        "lng": lng,
        "tz": tz,
        "minority": minority,
        "majority": majority,
        "geography": geography,
        "interact_time_geography": interact_time_geography,
        "dst": dst,
        "dst_days": dst_days,
        "spline_df": spline_df,
        "round_minutes": round_minutes,
        "alpha": alpha,
        "inter_twilight_window_minutes": [lo, hi],
    }
    return finish(
        data,
        "veil-of-darkness",
        estimates,
        red.n_used,
        red.excluded,
        params,
        caveats=caveats,
        counts=counts,
        charts=[or_chart, chart],
        tables=[table],
    )


def design(t: pd.DataFrame, spline_df: int, geography: bool, interact: bool) -> tuple[np.ndarray, list[str]]:
    """Intercept, is_dark, spline(minute) [, geography dummies [, spline x geography]] for grouped rows."""
    spline = NaturalSpline(t["minute"].unique(), spline_df)
    S = spline(t["minute"].to_numpy())
    cols = [np.ones(len(t)), t["is_dark"].to_numpy(dtype=float), *S.T]
    names = ["intercept", "is_dark", *spline.names]
    if geography:
        levels = sorted(t["geo"].astype(str).unique())
        for lev in levels[1:]:
            d = (t["geo"].astype(str) == lev).to_numpy(dtype=float)
            cols.append(d)
            names.append(f"geo[{lev}]")
            if interact:
                for j, s in enumerate(S.T):
                    cols.append(d * s)
                    names.append(f"geo[{lev}]:{spline.names[j]}")
    return np.column_stack(cols), names


def _hhmm(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"
