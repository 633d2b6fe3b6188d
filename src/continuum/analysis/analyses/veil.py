"""Veil of darkness (Grogger & Ridgeway 2006), as the Stanford Open Policing Project (OPP) applies it.

If darkness hides drivers' race, then among stops at the same clock time, a higher minority share when it
is dark than when it is light suggests discrimination. Only clock times that are light on some days and dark
on others (the inter-twilight window) inform the comparison; stops during twilight are dropped.

The defaults are OPP's (``lib/eligibility.R`` and ``lib/veil_of_darkness.R`` in stanford-policylab/opp):

- stops of the two groups compared, with a time (and a geography when the model has one), are the rows;
- the inter-twilight window runs from the earliest dusk to the latest dusk over those rows' dates
  (``filter_to_intertwilight_time_period``);
- times are whole minutes: a stop's ``hour * 60 + minute`` against sunset's and dusk's, seconds dropped
  (``time_to_minute``); stops with sunset <= minute <= dusk are dropped (``remove_sunset_to_dusk_time_period``)
  and a stop is dark when minute >= dusk (``prep_vod_data``);
- the model is ``train_vod_model``'s logistic regression on the grouped table: minority ~ is_dark +
  ns(rounded minute, df = 6) [+ geography], the minute rounded to 5 (``plyr::round_any``, R's round half to
  even), the spline knots at quantiles of the grouped rows, as ``ns`` inside ``glm`` places them;
- the DST variant is ``train_dst_model``: only dates within 30 days of a daylight-saving change
  (``filter_to_dst_windows``; the window itself is still set from all dates, as OPP sets it first), with
  season (spring/fall) x year in the model.

Each departure from that is a named parameter (``window_start``, ``whole_minutes``, ``knots``, ``geography``)
whose other value is what Continuum did before. Sunset and dusk come from astral (``sun.SUN_ALGORITHM``), not
R's suncalc. OPP's further sample rules (months with low time coverage, partial years, location-years with
fewer than 100 stops per race, the top 20 geographies) decide which agencies and places enter its national
study; they are not applied here.

The work is in four steps, as OPP's lib/ splits it: ``prepare`` (place, columns, geography, sun times, the
window), ``reduce`` (the one pass over the rows, to grouped counts), ``fit`` (the grouped binomial GLM and its
convergence and separation checks) and ``present`` (the Result). A fit that did not converge or separated is
not a finding: its first caveat says so and no coefficient is reported as an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..glm import Coef, FitCheck, check_fit, fit_grouped_binomial
from ..load import StopData
from ..reduce import Reduced, Reducer, Reduction
from ..results import Chart, Result, Table
from ..spline import NaturalSpline
from ..sql import ident, lit
from ..stats import wilson
from ..sun import SUN_ALGORITHM, dst_seasons, sun_times
from .common import finish, reducer_for, require

# the stop's clock time in whole minutes (OPP's time_to_minute), and to the second (whole_minutes=False)
WHOLE_MINUTE = "(hour(time) * 60 + minute(time))"
EXACT_MINUTE = "(hour(time) * 60 + minute(time) + second(time) / 60.0)"
# geography="auto" takes the first of these standard columns that has two or more values. OPP uses the county
# for state patrols and the city for city police (add_geography_for_vod); an agency's own data has no city
# term, so its districts or beats stand in.
GEOGRAPHY_COLUMNS = ("county_name", "district", "precinct", "zone", "beat")
WINDOW_STARTS = ("dusk", "sunset")
KNOTS = ("rows", "distinct")
# R drops a column that is (numerically) a combination of earlier ones and reports NA for it (qr tol 1e-7)
ALIAS_TOL = 1e-7


@dataclass(frozen=True)
class Settings:
    """The resolved parameters of one run."""

    lat: float
    lng: float
    tz: str
    minority: str
    majority: str
    geography: str | None
    geography_rule: str
    interact_time_geography: bool
    dst: bool
    dst_days: int
    spline_df: int
    round_minutes: int
    window_start: str
    whole_minutes: bool
    knots: str
    alpha: float


@dataclass(frozen=True)
class Prepared:
    settings: Settings
    sun: pd.DataFrame  # per date of the rows: sunset and dusk (exact and whole minutes) [, DST season]
    window: tuple[float, float]  # inter-twilight window, local clock minutes


@dataclass(frozen=True)
class Fitted:
    names: list[str]
    coefs: dict[str, Coef]
    check: FitCheck
    dropped: list[str]  # aliased columns, left out as R leaves them out (NA)


def veil_of_darkness(
    data: StopData,
    *,
    lat: float | None = None,
    lng: float | None = None,
    tz: str | None = None,
    minority: str = "black",
    majority: str = "white",
    geography: str | None = "auto",
    interact_time_geography: bool = False,
    dst: bool = False,
    dst_days: int = 30,
    spline_df: int = 6,
    round_minutes: int = 5,
    window_start: str = "dusk",
    whole_minutes: bool = True,
    knots: str = "rows",
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """The veil of darkness with OPP's definitions by default.

    - ``lat``, ``lng``, ``tz``: the point whose sunset and dusk stand for the area, and its time zone
      (default: the mapping's ``[params]``).
    - ``minority``/``majority``: the two groups compared (OPP: black and white).
    - ``geography``: "auto" (default) puts a geography term in the model when the data has one, the first of
      ``GEOGRAPHY_COLUMNS`` with two or more values (OPP's fits control for county or city); a column name
      uses that column; "none" (or None) leaves geography out. Stops without it are excluded, as OPP does.
    - ``interact_time_geography``: the spline by geography interaction (OPP fits both; default off).
    - ``dst``/``dst_days``: OPP's DST variant, dates within ``dst_days`` (30) of a clock change, season x year.
    - ``spline_df`` (6), ``round_minutes`` (5): ``ns(round_any(minute, 5), df = 6)``.
    - ``window_start``: "dusk" (OPP: earliest dusk to latest dusk) or "sunset" (earliest sunset; Continuum
      before, a wider window whose early part is never dark).
    - ``whole_minutes``: True (OPP: whole minutes, twilight sunset <= minute <= dusk, dark minute >= dusk) or
      False (times to the second, twilight strictly between, dark after dusk; Continuum before).
    - ``knots``: "rows" (OPP: quantiles of the grouped rows, as R's ``ns`` in ``glm``) or "distinct"
      (quantiles of the distinct rounded minutes; Continuum before).
    """
    kw = {k: v for k, v in locals().items() if k not in ("data", "reducer")}
    red = reducer_for(data, reducer)
    prep = prepare(data, red, **kw)
    reduced = reduce(data, red, prep)
    return present(data, prep, reduced, fit(reduced.table, prep.settings))


# ---------------------------------------------------------------------------------------------- prepare


def prepare(data: StopData, red: Reducer, **kw: Any) -> Prepared:
    """Resolve the parameters, check the columns, and compute sun times and the inter-twilight window."""
    s = _settings(data, red, **kw)
    require(data, "veil-of-darkness", "date", "time", "subject_race", *([s.geography] if s.geography else []))
    dates_spec = Reduction(keys={"date": "date"}, sums={}, exclusions=_row_exclusions(s))
    dates = [pd.Timestamp(d).date() for d in red.reduce(data.table, dates_spec).table["date"]]
    sun = sun_times(dates, s.lat, s.lng, s.tz)
    if s.dst:
        seasons = dst_seasons(dates, s.tz, s.dst_days)
        sun["season"] = sun["date"].map(seasons)
    start, end = _sun_columns(s)
    usable = sun[sun[end].notna()]
    if usable.empty:
        raise InputError(
            f"no {s.minority}/{s.majority} stops with a time on a date with a sunset at this place"
        )
    # OPP: min and max of dusk over the rows (the same as over the rows' dates)
    lo, hi = float(usable[start if s.window_start == "sunset" else end].min()), float(usable[end].max())
    return Prepared(settings=s, sun=sun, window=(lo, hi))


def _settings(data: StopData, red: Reducer, **kw: Any) -> Settings:
    mp = data.mapping.params
    lat = _float("lat", kw["lat"] if kw["lat"] is not None else mp.get("lat"))
    lng = _float("lng", kw["lng"] if kw["lng"] is not None else mp.get("lng"))
    tz = str(kw["tz"] or mp.get("tz") or "")
    if not tz:
        raise InputError(
            "veil-of-darkness needs the data's time zone (an IANA name such as America/New_York), as a "
            "parameter or in the mapping's [params]",
            params=("tz",),
        )
    for key, allowed in (("window_start", WINDOW_STARTS), ("knots", KNOTS)):
        if kw[key] not in allowed:
            raise InputError(f"parameter {key}={kw[key]!r}: choose {' or '.join(allowed)}", params=(key,))
    for key in ("round_minutes", "spline_df", "dst_days"):
        if int(kw[key]) < (0 if key == "dst_days" else 1):
            raise InputError(f"parameter {key}={kw[key]!r} must be a positive whole number", params=(key,))
    geography, rule = _geography(data, red, kw["geography"])
    return Settings(
        lat=lat,
        lng=lng,
        tz=tz,
        minority=kw["minority"],
        majority=kw["majority"],
        geography=geography,
        geography_rule=rule,
        interact_time_geography=bool(kw["interact_time_geography"]) and geography is not None,
        dst=bool(kw["dst"]),
        dst_days=int(kw["dst_days"]),
        spline_df=int(kw["spline_df"]),
        round_minutes=int(kw["round_minutes"]),
        window_start=kw["window_start"],
        whole_minutes=bool(kw["whole_minutes"]),
        knots=kw["knots"],
        alpha=float(kw["alpha"]),
    )


def _geography(data: StopData, red: Reducer, value: str | None) -> tuple[str | None, str]:
    if value is None or str(value).strip().lower() in ("", "none", "off", "false"):
        return None, "none (turned off)"
    if str(value).strip().lower() != "auto":
        return str(value), "given"
    for col in GEOGRAPHY_COLUMNS:
        if col not in data.columns:
            continue
        spec = Reduction(keys={"g": ident(col)}, sums={}, exclusions=[("missing", f"{ident(col)} IS NULL")])
        if len(red.reduce(data.table, spec).table) >= 2:
            return col, f"auto: the first of {', '.join(GEOGRAPHY_COLUMNS)} with two or more values"
    return None, f"auto: none of {list(GEOGRAPHY_COLUMNS)} has two or more values"


def _float(key: str, value: object) -> float:
    if value is None:
        where = {"lat": "latitude", "lng": "longitude"}.get(key, key)
        raise InputError(
            f"veil-of-darkness needs the area's {where}, for its sunset and dusk times, as a parameter or in "
            "the mapping's [params]",
            params=(key,),
        )
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"parameter {key}={value!r} is not a number", params=(key,)) from exc


def _sun_columns(s: Settings) -> tuple[str, str]:
    return ("sunset_minute", "dusk_minute") if s.whole_minutes else ("sunset_min", "dusk_min")


def _row_exclusions(s: Settings) -> list[tuple[str, str]]:
    """The rows OPP keeps before it looks at the sun: a date, a time, one of the two groups, the geography."""
    out = [
        ("date missing or invalid", "date IS NULL"),
        ("time missing or invalid", "time IS NULL"),
        (
            f"subject_race missing or not {s.minority}/{s.majority}",
            f"subject_race IS NULL OR subject_race NOT IN ({lit(s.minority)}, {lit(s.majority)})",
        ),
    ]
    if s.geography:
        out.append((f"{s.geography} missing", f"{ident(s.geography)} IS NULL"))
    return out


# ----------------------------------------------------------------------------------------------- reduce


def reduce(data: StopData, red: Reducer, prep: Prepared) -> Reduced:
    """One pass over the rows: OPP's exclusions in OPP's order, then counts per darkness x rounded minute
    [x geography] [x season x year]."""
    s = prep.settings
    sunset_col, dusk_col = _sun_columns(s)
    lo, hi = prep.window
    if s.whole_minutes:
        twilight, dark = f"m >= {sunset_col} AND m <= {dusk_col}", f"m >= {dusk_col}"
    else:
        twilight, dark = f"m > {sunset_col} AND m < {dusk_col}", f"m > {dusk_col}"
    window = f"outside the inter-twilight window (earliest {s.window_start} to latest dusk)"
    exclusions = [
        *_row_exclusions(s),
        ("no sunset/dusk at this place and date", f"{dusk_col} IS NULL OR isnan({dusk_col})"),
        (window, f"m < {lo!r} OR m > {hi!r}"),
        ("between sunset and dusk (twilight)", twilight),
    ]
    if s.dst:
        exclusions.append((f"more than {s.dst_days} days from a DST change", "season IS NULL"))
    keys = {"minute": _round_half_even("mi", s.round_minutes), "is_dark": f"CAST({dark} AS INTEGER)"}
    if s.geography:
        keys["geo"] = ident(s.geography)
    if s.dst:
        keys["season"] = "season"
        keys["year"] = "year(date)"
    spec = Reduction(
        keys=keys,
        sums={"minority": f"CAST(subject_race = {lit(s.minority)} AS INTEGER)"},
        exclusions=exclusions,
        lookups={"sun": (prep.sun, "date")},
        derived={"m": WHOLE_MINUTE if s.whole_minutes else EXACT_MINUTE, "mi": WHOLE_MINUTE},
    )
    out = red.reduce(data.table, spec)
    if out.table.empty or out.table["is_dark"].nunique() < 2:
        raise InputError("no stops on both sides of dusk in the inter-twilight window: nothing to compare")
    return out


def _round_half_even(m: str, r: int) -> str:
    """``plyr::round_any(m, r)`` on a whole minute: R's round() goes half to even. Integer arithmetic only,
    so DuckDB and Spark give the same keys."""
    rem = f"({m} % {r})"
    up = f"2 * {rem} > {r} OR (2 * {rem} = {r} AND ({m} - {rem}) % {2 * r} = {r})"  # past half, or half and odd
    return f"({m} - {rem} + CASE WHEN {up} THEN {r} ELSE 0 END)"


# -------------------------------------------------------------------------------------------------- fit


def fit(t: pd.DataFrame, s: Settings) -> Fitted:
    """OPP's model on the grouped rows; aliased columns dropped as R drops them; convergence and separation
    checked."""
    X, names = design(t, s)
    X, names, dropped = _drop_aliased(X, names)
    coefs, res = fit_grouped_binomial(X, t["minority"].to_numpy(), t["n"].to_numpy(), names, s.alpha)
    return Fitted(names=names, coefs=coefs, check=check_fit(res), dropped=dropped)


def design(t: pd.DataFrame, s: Settings) -> tuple[np.ndarray, list[str]]:
    """The model matrix of ``is_dark + ns(minute, df)[*geography | + geography][ + season*year]`` in R's
    treatment coding (first level of each factor is the reference), one row per grouped row."""
    minutes = t["minute"].to_numpy(dtype=float)
    spline = NaturalSpline(minutes if s.knots == "rows" else np.unique(minutes), s.spline_df)
    S = spline(minutes)
    cols = [np.ones(len(t)), t["is_dark"].to_numpy(dtype=float), *S.T]
    names = ["intercept", "is_dark", *spline.names]
    if s.geography:
        geo = t["geo"].astype(str)
        for lev in sorted(geo.unique())[1:]:
            d = (geo == lev).to_numpy(dtype=float)
            cols.append(d)
            names.append(f"geo[{lev}]")
            if s.interact_time_geography:
                for j, col in enumerate(S.T):
                    cols.append(d * col)
                    names.append(f"geo[{lev}]:{spline.names[j]}")
    if s.dst:
        spring = (t["season"] == "spring").to_numpy(dtype=float)
        cols.append(spring)
        names.append("season[spring]")
        years = t["year"].astype(int)
        for y in sorted(years.unique())[1:]:
            cols.append((years == y).to_numpy(dtype=float))
            names.append(f"year[{y}]")
        for y in sorted(years.unique())[1:]:
            cols.append(spring * (years == y).to_numpy(dtype=float))
            names.append(f"season[spring]:year[{y}]")
    return np.column_stack(cols), names


def _drop_aliased(X: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str], list[str]]:
    """Keep a column only if it adds a direction the earlier ones do not span (R's glm reports NA for it): as
    R's dqrdc2, a column is aliased when the norm of what the earlier ones leave of it has fallen below
    ``ALIAS_TOL`` times its own norm."""
    keep: list[int] = []
    basis = np.zeros((X.shape[0], 0))
    for j in range(X.shape[1]):
        x = X[:, j]
        norm = np.linalg.norm(x)
        resid = x - basis @ (basis.T @ x) if basis.shape[1] else x
        if norm > 0 and np.linalg.norm(resid) >= ALIAS_TOL * norm:
            keep.append(j)
            basis = np.column_stack([basis, resid / np.linalg.norm(resid)])
    dropped = [n for j, n in enumerate(names) if j not in keep]
    return X[:, keep], [names[j] for j in keep], dropped


# ---------------------------------------------------------------------------------------------- present


def present(data: StopData, prep: Prepared, red: Reduced, fitted: Fitted) -> Result:
    """The Result: the darkness coefficient when the fit is sound, the counts either way, and the caveats."""
    s = prep.settings
    counts = light_dark_counts(red.table, s)
    estimates = fit_estimates(fitted, len(red.table))
    charts, tables = exhibits(counts, fitted, s)
    return finish(
        data, "veil-of-darkness", estimates, red.n_used, red.excluded, run_params(s, prep.window),
        caveats=caveats(s, prep.window, fitted), counts=counts, charts=charts, tables=tables,
    )  # fmt: skip


def light_dark_counts(t: pd.DataFrame, s: Settings) -> dict[str, dict]:
    """Stops in the window in daylight and in darkness: the minority's share of each, with Wilson intervals."""
    counts = {}
    for label, flag in (("light", 0), ("dark", 1)):
        sub = t[t["is_dark"] == flag]
        m, n = float(sub["minority"].sum()), float(sub["n"].sum())
        counts[label] = {
            "n": int(n),
            s.minority: int(m),
            s.majority: int(n - m),
            "minority_share": m / n if n else None,
            "minority_share_ci95": list(wilson(m, n, s.alpha)),
        }
    return counts


def is_finding(fitted: Fitted) -> bool:
    """A coefficient is a finding only from a sound fit in which is_dark was not aliased away."""
    return fitted.check.ok and fitted.coefs.get("is_dark") is not None


def fit_estimates(fitted: Fitted, n_groups: int) -> dict[str, Any]:
    """The coefficient and every term when the fit is a finding; the fit's diagnostics either way."""
    check, finding = fitted.check, is_finding(fitted)
    dark = fitted.coefs.get("is_dark")
    terms = {name: {"coef": c.coef, "se": c.se} for name, c in fitted.coefs.items()}
    estimates: dict[str, Any] = {
        "is_dark": dark.to_dict() if finding else None,  # type: ignore[union-attr]
        # every term, so the fit can be checked against any other implementation (R's ns basis: same columns)
        "terms": terms if finding else None,
        "n_groups": n_groups,
        "finding": finding,
        "converged": check.converged,
        "fit": {**check.to_dict(), "aliased_terms_dropped": fitted.dropped},
    }
    if not finding:
        estimates["fit"]["terms_not_a_finding"] = terms
    return estimates


def caveats(s: Settings, window: tuple[float, float], fitted: Fitted) -> list[str]:
    """What the reader must know of this run: a failed fit first, then the definitions it used."""
    lo, hi = window
    out = []
    if not is_finding(fitted):
        problems = fitted.check.problems() or ["is_dark is aliased with other terms"]
        out.append(
            f"Not a finding: {'; '.join(problems)}. The darkness coefficient cannot be trusted and is not "
            "reported; the counts of light and dark stops below are descriptive only. Fewer terms (no geography, "
            "a smaller spline_df) or more data may give a model that can be fitted."
        )
    knots = "grouped rows, as R's ns() inside OPP's glm" if s.knots == "rows" else "distinct rounded minutes"
    out += [
        f"Minority = {s.minority}, majority = {s.majority}; other groups and missing race are excluded.",
        f"Sunset and dusk (end of civil twilight) at ({s.lat}, {s.lng}) in {s.tz}, from {SUN_ALGORITHM}. "
        f"The inter-twilight window is {_hhmm(lo)}-{_hhmm(hi)} local time (earliest {s.window_start} to latest "
        "dusk over the dates of the stops).",
        (
            "Whole minutes, as OPP: stops from sunset to dusk (inclusive) are dropped and a stop is dark from the "
            "minute of dusk."
            if s.whole_minutes
            else "Times to the second: stops strictly between sunset and dusk are dropped; dark after dusk."
        )
        + f" Clock time rounded to {s.round_minutes} minutes (half to even) for the natural spline "
        f"(df={s.spline_df}, knots at quantiles of the {knots}).",
        (
            f"Geography: {s.geography} ({s.geography_rule})"
            + (", interacted with the time spline." if s.interact_time_geography else ".")
            if s.geography
            else f"No geography term ({s.geography_rule})."
        ),
        "A single point stands for the whole area: where the area is large, sunset varies across it.",
        "The test assumes travel patterns by race do not change with darkness at a given clock time.",
    ]
    if s.dst:
        out.append(
            f"DST variant (OPP's train_dst_model): only dates within {s.dst_days} days of a daylight-saving "
            "change, with season (spring/fall) x year in the model."
        )
    if fitted.dropped:
        out.append(f"Terms aliased with others and left out (as R reports NA): {', '.join(fitted.dropped)}.")
    return out


def exhibits(counts: dict[str, dict], fitted: Fitted, s: Settings) -> tuple[list[Chart], list[Table]]:
    """The odds ratio (a finding only) and the minority share in light and dark; the coefficient's table, or
    the fit's diagnostics when it is not a finding."""
    share = Chart(
        f"{s.minority} share of {s.minority}+{s.majority} stops in the inter-twilight window",
        "share",
        [(k, v["minority_share"], *v["minority_share_ci95"]) for k, v in counts.items()],
    )
    if not is_finding(fitted):
        check = fitted.check
        diagnostics = Table(
            "model fit (not a finding)",
            ["converged", "iterations", "separation", "lowest fitted probability", "highest"],
            [[check.converged, check.iterations, check.separation, check.min_fitted, check.max_fitted]],
        )
        return [share], [diagnostics]
    d = fitted.coefs["is_dark"].to_dict()
    odds = Chart(
        "odds ratio of a minority stop when dark (adjusted for clock time)",
        "odds ratio",
        [("is_dark", d["odds_ratio"], *d["odds_ratio_ci95"])],
        reference=1.0,
    )
    coefficient = Table(
        "is_dark coefficient",
        ["term", "coef", "se", "low", "high", "odds ratio"],
        [["is_dark", d["coef"], d["se"], *d["ci95"], d["odds_ratio"]]],
    )
    return [odds, share], [coefficient]


def run_params(s: Settings, window: tuple[float, float]) -> dict[str, Any]:
    """Every setting the run used, so a reader (or R) can repeat it."""
    return {
        "lat": s.lat, "lng": s.lng, "tz": s.tz, "minority": s.minority, "majority": s.majority,
        "geography": s.geography, "geography_rule": s.geography_rule,
        "interact_time_geography": s.interact_time_geography, "dst": s.dst, "dst_days": s.dst_days,
        "spline_df": s.spline_df, "round_minutes": s.round_minutes, "window_start": s.window_start,
        "whole_minutes": s.whole_minutes, "knots": s.knots, "alpha": s.alpha,
        "inter_twilight_window_minutes": list(window), "sun_algorithm": SUN_ALGORITHM,
    }  # fmt: skip


def _hhmm(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"
