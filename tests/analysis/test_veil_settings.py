"""The veil of darkness's settings and preparation, each against an independent computation: the parameter
checks and the parameter each error names, the geography rule, the columns required, the inter-twilight
window and the DST seasons from astral and hard-coded US change dates, R's half-to-even rounding, whole
minutes against times to the second, and a fit with a smaller spline and another alpha against statsmodels."""

from __future__ import annotations

import datetime as dt
import inspect

import duckdb
import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
from scipy.stats import norm

from continuum.analysis.analyses import veil
from continuum.analysis.analyses.common import reducer_for
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops
from continuum.analysis.reduce import DuckDBReducer

from .conftest import LAT, LNG, TZ, sun_minutes

DEFAULTS = {
    name: param.default
    for name, param in inspect.signature(veil.veil_of_darkness).parameters.items()
    if name not in ("data", "reducer")
}


def _load(tmp_path, df: pd.DataFrame, name: str = "stops.csv"):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return load_stops(path)


def _evening_rows(n: int = 600, seed: int = 11, seconds: bool = False) -> pd.DataFrame:
    """Evening stops over 2019, races mixed; times to the second when asked."""
    rng = np.random.default_rng(seed)
    dates = [dt.date(2019, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 365, n)]
    minute = rng.integers(16 * 60, 22 * 60, n)
    sec = rng.integers(0, 60, n) if seconds else np.zeros(n, dtype=int)
    race = rng.choice(["black", "white", "white", "hispanic"], n)
    return pd.DataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "time": [f"{m // 60:02d}:{m % 60:02d}:{s:02d}" for m, s in zip(minute, sec, strict=True)],
            "subject_race": race,
        }
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("veil-settings") / "stops.csv"
    df = _evening_rows(200)
    df["district"] = np.where(np.arange(len(df)) % 2, "D1", "D2")  # exactly two values
    df["county_name"] = np.where(np.arange(len(df)) % 3, "Kent", "")  # one value and blanks
    df.to_csv(path, index=False)
    with load_stops(path) as data:
        yield data


def _settings(data, **over):
    return veil._settings(
        data, reducer_for(data, None), **{**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ, **over}
    )


# ------------------------------------------------------------------------------------------- settings


def test_a_missing_or_bad_point_or_zone_names_the_parameter(small):
    tail = ", for its sunset and dusk times, as a parameter or in the mapping's [params]"
    for key, word in (("lat", "latitude"), ("lng", "longitude")):
        with pytest.raises(InputError) as e:
            _settings(small, **{key: None})
        assert e.value.reason == f"veil-of-darkness needs the area's {word}{tail}"
        assert e.value.params == (key,)
        with pytest.raises(InputError) as e:
            _settings(small, **{key: "north"})
        assert e.value.reason == f"parameter {key}='north' is not a number"
        assert e.value.params == (key,)
    with pytest.raises(InputError) as e:
        _settings(small, tz=None)
    assert e.value.reason.startswith("veil-of-darkness needs the data's time zone (an IANA name")
    assert e.value.params == ("tz",)


def test_whole_number_parameters_have_their_lower_bounds(small):
    # the smallest allowed values: 1 for the rounding and the spline, 0 days for the DST window
    s = _settings(small, round_minutes=1, spline_df=1, dst_days=0, geography=None)
    assert (s.round_minutes, s.spline_df, s.dst_days) == (1, 1, 0)
    for key, bad in (("round_minutes", 0), ("spline_df", 0), ("dst_days", -1)):
        with pytest.raises(InputError, match=f"parameter {key}={bad!r} must be a positive whole number") as e:
            _settings(small, **{key: bad})
        assert e.value.params == (key,)
    with pytest.raises(InputError) as e:
        _settings(small, window_start="noon")
    assert e.value.params == ("window_start",)


def test_geography_turned_off_given_or_found(small):
    red = reducer_for(small, None)
    for word in (None, "", "none", "off", "false", " Off ", "FALSE"):
        assert veil._geography(small, red, word) == (None, "none (turned off)")
    assert veil._geography(small, red, "district") == ("district", "given")
    assert _settings(small, geography="district").geography_rule == "given"
    # county_name has one value (and blanks, which are not a value); district has exactly two
    assert veil._geography(small, red, "auto") == (
        "district",
        "auto: the first of county_name, district, precinct, zone, beat with two or more values",
    )
    assert _settings(small).geography_rule.startswith("auto: the first of county_name, district,")


def test_the_columns_the_test_needs(tmp_path, small):
    full = _evening_rows(50)
    for col in ("date", "time", "subject_race"):
        with (
            _load(tmp_path, full.drop(columns=[col]), f"no-{col}.csv") as data,
            pytest.raises(InputError) as e,
        ):
            veil.prepare(data, reducer_for(data, None), **{**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ})
        assert e.value.reason == (
            f"veil-of-darkness needs standard column(s) ['{col}'], which the mapping does not provide"
        )
        assert e.value.column == col
    with pytest.raises(InputError) as e:
        veil.prepare(small, reducer_for(small, None), **{**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ,
                                                          "geography": "beat"})  # fmt: skip
    assert e.value.column == "beat"


# -------------------------------------------------------------------------------------- sun and window


def _window_rows() -> pd.DataFrame:
    """Black and white stops in January and March; a Hispanic stop and a stop without a time in June, whose
    later sunset and dusk must not widen the window."""
    rows = [(f"2019-01-{d:02d}", f"{h}:{m:02d}", r) for d in (5, 20) for h, m, r in
            ((16, 40, "black"), (17, 30, "white"), (18, 30, "black"), (19, 0, "white"))]  # fmt: skip
    rows += [(f"2019-03-{d:02d}", f"{h}:{m:02d}", r) for d in (1, 6) for h, m, r in
             ((17, 0, "white"), (17, 50, "black"), (18, 40, "white"), (19, 30, "black"))]  # fmt: skip
    rows += [("2019-06-21", "18:00", "hispanic"), ("2019-06-22", "", "black")]
    return pd.DataFrame(rows, columns=["date", "time", "subject_race"])


def test_the_window_is_set_by_the_compared_stops_dates(tmp_path):
    df = _window_rows()
    kept = df[df["subject_race"].isin(["black", "white"]) & (df["time"] != "")]
    sun = sun_minutes(sorted({dt.date.fromisoformat(d) for d in kept["date"]}))
    with _load(tmp_path, df) as data:
        red = reducer_for(data, None)
        base = {**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ, "geography": None}
        dusk = veil.prepare(data, red, **base)
        sunset = veil.prepare(data, red, **{**base, "window_start": "sunset"})
        exact = veil.prepare(data, red, **{**base, "window_start": "sunset", "whole_minutes": False})
    assert dusk.window == (np.floor(sun["dusk"]).min(), np.floor(sun["dusk"]).max())
    assert sunset.window == (np.floor(sun["sunset"]).min(), np.floor(sun["dusk"]).max())
    assert exact.window == pytest.approx((sun["sunset"].min(), sun["dusk"].max()), abs=1e-9)


def test_dst_seasons_use_the_days_asked_for(tmp_path):
    dates = [dt.date(2019, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    df = pd.DataFrame({"date": [d.isoformat() for d in dates], "time": "18:00", "subject_race": "black"})
    spring, fall = dt.date(2019, 3, 10), dt.date(2019, 11, 3)  # US clock changes in 2019
    expected = {d: "spring" if abs((d - spring).days) <= 10 else "fall" if abs((d - fall).days) <= 10 else None
                for d in dates}  # fmt: skip
    params = {**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ, "geography": None, "dst": True, "dst_days": 10}
    with _load(tmp_path, df) as data:
        prep = veil.prepare(data, reducer_for(data, None), **params)
    got = {
        d: v if isinstance(v, str) else None
        for d, v in zip(prep.sun["date"], prep.sun["season"], strict=True)
    }
    assert got == expected


def test_no_sunset_at_the_place_is_an_input_error(tmp_path):
    df = pd.DataFrame(
        {"date": ["2019-06-21", "2019-06-22"], "time": "18:00", "subject_race": ["black", "white"]}
    )
    with _load(tmp_path, df) as data, pytest.raises(InputError) as e:
        veil.prepare(data, reducer_for(data, None), **{**DEFAULTS, "lat": 78.2, "lng": 15.6,
                                                       "tz": "Arctic/Longyearbyen", "geography": None})  # fmt: skip
    assert e.value.reason == "no black/white stops with a time on a date with a sunset at this place"


def test_stops_on_one_side_of_dusk_only_are_an_input_error(tmp_path):
    # June's late dusk widens the window; in it, only January's stops remain, all after dusk
    df = pd.DataFrame(
        [("2019-01-05", "18:30", "black"), ("2019-01-06", "19:00", "white"), ("2019-01-07", "19:30", "white"),
         ("2019-06-21", "23:30", "black")],
        columns=["date", "time", "subject_race"],
    )  # fmt: skip
    with _load(tmp_path, df) as data, pytest.raises(InputError) as e:
        veil.veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, geography=None)
    assert e.value.reason == "no stops on both sides of dusk in the inter-twilight window: nothing to compare"


# ----------------------------------------------------------------------------------------- reduce


@pytest.mark.parametrize("r", [2, 5, 10, 15])
def test_rounding_is_rs_half_to_even(r):
    m = np.arange(0, 1500)
    got = duckdb.sql(f"SELECT {veil._round_half_even('m', r)} AS k FROM range(0, 1500) t(m) ORDER BY m").df()
    assert got["k"].to_numpy() == pytest.approx(np.round(m / r) * r)  # numpy rounds half to even, as R


def _by_hand(df: pd.DataFrame, whole: bool) -> pd.DataFrame:
    """OPP's rows (whole minutes) or Continuum's earlier ones (to the second), pandas and astral only."""
    df = df[df["subject_race"].isin(["black", "white"])].copy()
    df["d"] = pd.to_datetime(df["date"]).dt.date
    sun = sun_minutes(sorted(df["d"].unique())).set_index("date")
    hh, mm, ss = df["time"].str.split(":", expand=True).astype(int).T.values
    df["mi"] = hh * 60 + mm
    m = df["mi"] + (0 if whole else ss / 60)
    sunset, dusk = df["d"].map(sun["sunset"]), df["d"].map(sun["dusk"])
    if whole:
        sunset, dusk = np.floor(sunset), np.floor(dusk)
        keep = (m >= dusk.min()) & (m <= dusk.max()) & ~((m >= sunset) & (m <= dusk))
        dark = m >= dusk
    else:
        keep = (m >= sunset.min()) & (m <= dusk.max()) & ~((m > sunset) & (m < dusk))
        dark = m > dusk
    df["is_dark"] = dark.astype(int)
    df["minute"] = np.round(df["mi"] / 5) * 5
    return df[keep]


@pytest.mark.parametrize("whole", [True, False])
def test_times_with_seconds_whole_minutes_or_to_the_second(tmp_path, whole):
    df = _evening_rows(1500, seed=4, seconds=True)
    rows = _by_hand(df, whole)
    extra = {} if whole else {"window_start": "sunset", "knots": "distinct"}
    with _load(tmp_path, df) as data:
        r = veil.veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, geography=None, whole_minutes=whole, **extra)
    assert r.analysis == "veil-of-darkness"
    assert r.n_used == len(rows)
    for label, flag in (("light", 0), ("dark", 1)):
        side = rows[rows["is_dark"] == flag]
        assert (r.counts[label]["n"], r.counts[label]["black"]) == (
            len(side),
            int((side["subject_race"] == "black").sum()),
        )
    assert r.estimates["n_groups"] == len(rows.drop_duplicates(["is_dark", "minute"]))


def test_the_reducer_given_is_the_one_used(tmp_path):
    calls = []

    class Counting(DuckDBReducer):
        def reduce(self, table, spec):
            calls.append(spec)
            return super().reduce(table, spec)

    with _load(tmp_path, _evening_rows(800, seed=2)) as data:
        veil.veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, geography=None, reducer=Counting(data.con))
    assert len(calls) == 2  # the dates, then the one pass over the rows


# -------------------------------------------------------------------------------------------- fit


def test_a_smaller_spline_and_another_alpha_against_statsmodels(tmp_path):
    df = _evening_rows(1500, seed=8)
    with _load(tmp_path, df) as data:
        red = reducer_for(data, None)
        prep = veil.prepare(data, red, **{**DEFAULTS, "lat": LAT, "lng": LNG, "tz": TZ, "geography": None,
                                          "spline_df": 4, "alpha": 0.1})  # fmt: skip
        t = veil.reduce(data, red, prep).table
    fitted = veil.fit(t, prep.settings)
    assert fitted.names == ["intercept", "is_dark", *[f"time_spline_{i}" for i in (1, 2, 3, 4)]]
    assert list(fitted.coefs) == fitted.names and fitted.dropped == []
    # the same model from patsy's natural cubic spline (another basis of the same space), ns's knots
    x = t["minute"].to_numpy(float)
    inner = np.quantile(x, np.linspace(0, 1, 5)[1:-1])
    S = np.asarray(patsy.dmatrix("cr(x, knots=inner, lower_bound=lo, upper_bound=hi, constraints='center') - 1",
                                 {"x": x, "inner": inner, "lo": x.min(), "hi": x.max()}))  # fmt: skip
    X = np.column_stack([np.ones(len(t)), t["is_dark"].to_numpy(float), S])
    endog = np.column_stack([t["minority"], t["n"] - t["minority"]]).astype(float)
    res = sm.GLM(endog, X, family=sm.families.Binomial()).fit(tol=1e-12)
    dark = fitted.coefs["is_dark"]
    assert (dark.coef, dark.se) == pytest.approx((res.params[1], res.bse[1]), abs=1e-8)
    q = norm.ppf(0.95)
    assert dark.ci95 == pytest.approx(
        (res.params[1] - q * res.bse[1], res.params[1] + q * res.bse[1]), abs=1e-8
    )
    est = veil.fit_estimates(fitted, len(t))
    assert est["fit"]["aliased_terms_dropped"] == []


def _kept_by_least_squares(X: np.ndarray) -> list[int]:
    """R's rule, by least squares instead of veil's Gram-Schmidt: a column is aliased when the norm of its
    residual on the columns kept before it has fallen below ALIAS_TOL times its own norm."""
    keep: list[int] = []
    for j in range(X.shape[1]):
        x = X[:, j]
        if keep:
            coef = np.linalg.lstsq(X[:, keep], x, rcond=None)[0]
            resid = x - X[:, keep] @ coef
        else:
            resid = x
        if np.linalg.norm(x) > 0 and not np.linalg.norm(resid) < veil.ALIAS_TOL * np.linalg.norm(x):
            keep.append(j)
    return keep


def test_aliased_columns_are_dropped_as_r_drops_them():
    x = np.arange(5.0)
    e0, e4 = np.eye(5)[0], np.eye(5)[4]
    X = np.column_stack(
        [
            np.ones(5),
            x,
            2 * x + 3,  # a combination of the two before
            np.zeros(5),  # no direction at all
            0.5 * e4,  # a new direction, of norm under 1
            500 * np.ones(5) + 1e-6 * e0,  # within 1e-7 of its norm (1118) of the intercept's direction
            x**2,
        ]
    )
    names = [f"c{j}" for j in range(X.shape[1])]
    kept, kept_names, dropped = veil._drop_aliased(X, names)
    keep = _kept_by_least_squares(X)
    assert keep == [0, 1, 4, 6]
    assert kept_names == [names[j] for j in keep] and dropped == ["c2", "c3", "c5"]
    assert np.array_equal(kept, X[:, keep])


def test_a_column_left_exactly_at_the_tolerance_is_kept_as_r_keeps_it():
    """R's dqrdc2 moves a column aside only when its norm "has fallen below tol times its original norm":
    here what the first column leaves of the second is exactly ALIAS_TOL times its norm."""
    a, b, c = 0.7274878540789083, 5.204867619680973e-08, 5.082638177642645e-08
    X = np.array([[1.0, a], [0.0, b], [0.0, c]])
    assert np.linalg.norm([0.0, b, c]) == veil.ALIAS_TOL * np.linalg.norm([a, b, c])
    assert veil._drop_aliased(X, ["one", "two"])[1:] == (["one", "two"], [])
