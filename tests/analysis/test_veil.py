"""Veil of darkness: OPP's definitions, held to OPP's own R code on the Rhode Island file; the grouped fit equals
a row-level fit built independently; a planted darkness effect is recovered; a separated fit is no finding.

The reference figures below were computed with R 4.2 (``stats::glm``, ``splines::ns``) running the logic of
OPP's ``prep_vod_data`` and ``train_vod_model`` (stanford-policylab/opp, ``lib/veil_of_darkness.R``) and of its
``filter_to_intertwilight_time_period`` and ``remove_sunset_to_dusk_time_period`` (``lib/eligibility.R``) on
``ri_state_police_stops_2005_2008.csv``: Black vs white drivers, minutes rounded to 5, ``ns(rounded_minute,
df = 6)``, sunset and dusk from astral at 41.70 N, 71.50 W, America/New_York.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
from typer.testing import CliRunner

from continuum.analysis.analyses.veil import veil_of_darkness
from continuum.analysis.glm import check_fit
from continuum.analysis.load import load_stops
from continuum.analysis.spline import NaturalSpline

from .conftest import LAT, LNG, TZ, make_veil_rows, sun_minutes

# OPP's R functions on the RI file, no geography term (R's glm defaults, OPP's control = list(maxit = 100))
R_IS_DARK, R_SE, R_N = -0.184965484, 0.156121330, 2763
# the same R fit's other terms (R's ns basis; Continuum builds the very same columns)
R_TERMS = {
    "intercept": -1.62338550157062,
    "time_spline_1": -0.63271279371892,
    "time_spline_2": -0.24748649782404,
    "time_spline_3": -0.71611319098525,
    "time_spline_4": 0.00655424376477,
    "time_spline_5": -0.48518065406948,
    "time_spline_6": -0.22040709615624,
}
# R on the same rows with district as the geography term (+ district), as the default model has it
R_DISTRICT_IS_DARK, R_DISTRICT_SE = -0.197851868988, 0.157404684622


def opp_rows(df: pd.DataFrame, geography: str | None = None) -> pd.DataFrame:
    """OPP's eligible rows, built without the engine: pandas and astral, whole minutes, window from the
    earliest to the latest dusk over the rows, sunset <= minute <= dusk dropped, dark when minute >= dusk."""
    df = df[df["subject_race"].isin(["black", "white"]) & df["time"].notna()].copy()
    if geography:
        df = df[df[geography].notna()]
    df["d"] = pd.to_datetime(df["date"]).dt.date
    sun = sun_minutes(sorted(df["d"].unique())).set_index("date")
    hh, mm = df["time"].str.split(":", expand=True).iloc[:, :2].astype(int).T.values
    df["minute"] = hh * 60 + mm
    df["sunset_minute"] = np.floor(df["d"].map(sun["sunset"]))  # time_to_minute: the seconds dropped
    df["dusk_minute"] = np.floor(df["d"].map(sun["dusk"]))
    lo, hi = df["dusk_minute"].min(), df["dusk_minute"].max()
    df = df[(df["minute"] >= lo) & (df["minute"] <= hi)]
    df = df[~((df["minute"] >= df["sunset_minute"]) & (df["minute"] <= df["dusk_minute"]))].copy()
    df["is_dark"] = (df["minute"] >= df["dusk_minute"]).astype(float)
    df["rounded"] = np.round(df["minute"] / 5) * 5  # numpy rounds half to even, as R
    return df


def row_level_fit(df: pd.DataFrame, geography: bool = False, interact: bool = False):
    """Independent implementation on rows: OPP's rows, then a GLM on each stop whose natural spline comes from
    patsy's ``cr`` (another construction of the same space) with ns's knots: quantiles of the grouped rows."""
    df = opp_rows(df, "district" if geography else None)
    groups = df.drop_duplicates(["is_dark", "rounded", *(["district"] if geography else [])])
    inner = np.quantile(groups["rounded"], np.linspace(0, 1, 7)[1:-1])
    lo, hi = groups["rounded"].min(), groups["rounded"].max()
    S = np.asarray(
        patsy.dmatrix(
            "cr(x, knots=inner, lower_bound=lo, upper_bound=hi, constraints='center') - 1",
            {"x": df["rounded"].to_numpy(float), "inner": inner, "lo": lo, "hi": hi},
        )
    )
    cols = [np.ones(len(df)), df["is_dark"].to_numpy(), *S.T]
    if geography:
        for lev in sorted(df["district"].unique())[1:]:
            dummy = (df["district"] == lev).to_numpy(float)
            cols.append(dummy)
            if interact:
                cols += [dummy * s for s in S.T]
    X = np.column_stack(cols)
    y = (df["subject_race"] == "black").to_numpy(float)
    res = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12)
    return res, len(df)


@pytest.fixture(scope="module")
def veil_csv(tmp_path_factory):
    df = make_veil_rows(6000, dark_effect=0.0, seed=3)
    path = tmp_path_factory.mktemp("veil") / "stops.csv"
    df.to_csv(path, index=False)
    return df, path


@pytest.mark.parametrize(("geography", "interact"), [(False, False), (True, False), (True, True)])
def test_grouped_fit_equals_row_level_fit(veil_csv, geography, interact):
    df, path = veil_csv
    with load_stops(path) as data:
        r = veil_of_darkness(
            data,
            lat=LAT,
            lng=LNG,
            tz=TZ,
            geography="district" if geography else None,
            interact_time_geography=interact,
        )
    res, n_rows = row_level_fit(df, geography, interact)
    assert r.estimates["finding"] and r.estimates["fit"]["converged"] and not r.estimates["fit"]["separation"]
    assert r.n_used == n_rows
    assert r.estimates["is_dark"]["coef"] == pytest.approx(res.params[1], abs=1e-6)
    assert r.estimates["is_dark"]["se"] == pytest.approx(res.bse[1], abs=1e-6)
    # the spline terms depend on the basis (R's ns here, patsy's cr there): the model is the same when it has
    # as many terms and attains the same likelihood; geography terms do not depend on it without interaction
    terms = r.estimates["terms"]
    assert len(terms) == len(res.params)
    if geography and not interact:
        geo = [t["coef"] for k, t in terms.items() if k.startswith("geo[")]
        assert geo == pytest.approx(list(res.params[8:]), abs=1e-6)
    assert r.n_used + sum(r.n_excluded.values()) == len(df)


def test_planted_darkness_effect_is_recovered(tmp_path):
    df = make_veil_rows(30000, dark_effect=0.6, seed=7)
    path = tmp_path / "planted.csv"
    df.to_csv(path, index=False)
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ)
    assert r.params["geography"] == "district"  # the default model has the data's geography
    lo, hi = r.estimates["is_dark"]["ci95"]
    assert lo < 0.6 < hi
    assert lo > 0
    assert r.estimates["is_dark"]["odds_ratio"] == pytest.approx(np.exp(r.estimates["is_dark"]["coef"]))


def test_exclusions_are_counted_with_reasons(veil_csv):
    df, path = veil_csv
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ)
    n_other = int((~df["subject_race"].isin(["black", "white"])).sum())
    assert r.n_excluded["subject_race missing or not black/white"] == n_other
    assert "between sunset and dusk (twilight)" in r.n_excluded
    assert r.n_excluded["between sunset and dusk (twilight)"] > 0
    assert r.n_excluded["outside the inter-twilight window (earliest dusk to latest dusk)"] > 0


def test_dst_variant_is_opps(veil_csv):
    """OPP's train_dst_model: the window set from all dates first, then only dates within 30 days of a clock
    change, with season x year in the model."""
    df, path = veil_csv
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, dst=True, geography=None)
    rows = opp_rows(df)
    starts = pd.to_datetime(["2019-03-10", "2020-03-08", "2021-03-14"])
    ends = pd.to_datetime(["2019-11-03", "2020-11-01"])
    d = pd.to_datetime(rows["date"])
    spring = d.apply(lambda x: bool((abs((starts - x).days) <= 30).any()))
    fall = d.apply(lambda x: bool((abs((ends - x).days) <= 30).any()))
    assert r.n_excluded["more than 30 days from a DST change"] == int((~(spring | fall)).sum())
    assert r.n_used == int((spring | fall).sum())
    terms = r.estimates["terms"]
    assert {"season[spring]", "year[2020]", "season[spring]:year[2020]"} <= set(terms)
    # the same model on rows, built here
    kept = rows[(spring | fall).to_numpy()].copy()
    kept["spring"] = spring[(spring | fall)].to_numpy().astype(float)
    kept["y2020"] = (pd.to_datetime(kept["date"]).dt.year == 2020).astype(float)
    groups = kept.drop_duplicates(["is_dark", "rounded", "spring", "y2020"])
    inner = np.quantile(groups["rounded"], np.linspace(0, 1, 7)[1:-1])
    S = NaturalSpline(groups["rounded"].to_numpy())
    assert S.knots == pytest.approx(inner)
    X = np.column_stack(
        [
            np.ones(len(kept)),
            kept["is_dark"],
            S(kept["rounded"].to_numpy()),
            kept["spring"],
            kept["y2020"],
            kept["spring"] * kept["y2020"],
        ]
    )
    y = (kept["subject_race"] == "black").to_numpy(float)
    res = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12)
    assert r.estimates["is_dark"]["coef"] == pytest.approx(res.params[1], abs=1e-6)
    assert r.estimates["is_dark"]["se"] == pytest.approx(res.bse[1], abs=1e-6)
    # the season and year terms too: spring (not fall) and 2020 (not 2019) are the columns, as R codes them
    dst_terms = [terms[k]["coef"] for k in ("season[spring]", "year[2020]", "season[spring]:year[2020]")]
    assert dst_terms == pytest.approx(list(res.params[-3:]), abs=1e-6)


def test_ri_file_matches_opps_r_code(ri_data):
    """OPP's defaults with the geography term off give what OPP's own R functions give on the same file.
    The SE is held to 1e-6: R's glm stops at its default epsilon (1e-8) and reports the SE from the weights of
    its last IRLS step; fitted to convergence, R gives 0.156121677729, Continuum's value, 3.5e-7 away."""
    r = veil_of_darkness(ri_data, geography=None)
    assert r.n_used == R_N
    assert r.estimates["is_dark"]["coef"] == pytest.approx(R_IS_DARK, abs=1e-6)
    assert r.estimates["is_dark"]["se"] == pytest.approx(R_SE, abs=1e-6)
    assert {k: v["coef"] for k, v in r.estimates["terms"].items() if k != "is_dark"} == pytest.approx(
        R_TERMS, abs=1e-6
    )
    # earliest and latest dusk, 16:47 and 20:59
    assert r.params["inter_twilight_window_minutes"] == [1007.0, 1259.0]
    assert r.params["sun_algorithm"].startswith("astral 3.2 (NOAA")
    assert r.n_used + sum(r.n_excluded.values()) == ri_data.n_rows


def test_ri_default_model_has_district(ri_data):
    r = veil_of_darkness(ri_data)
    assert r.params["tz"] == "America/New_York"
    assert r.params["geography"] == "district"  # county_name is mapped but empty in this release
    assert r.estimates["finding"]
    assert r.n_used == R_N  # no stop lacks a district
    assert r.estimates["is_dark"]["coef"] == pytest.approx(R_DISTRICT_IS_DARK, abs=1e-6)
    assert r.estimates["is_dark"]["se"] == pytest.approx(R_DISTRICT_SE, abs=1e-6)
    raw = pd.read_csv(ri_data.path, dtype=str)
    assert r.n_excluded["subject_race missing or not black/white"] == int(
        (~raw["driver_race"].isin(["Black", "White"])).sum()
    )


def test_ri_window_counted_without_the_engine(ri_path, ri_data):
    """The stops in OPP's window, counted with pandas and astral on the raw CSV, are the engine's n_used."""
    raw = pd.read_csv(ri_path, dtype=str)
    raw = raw[
        raw["stop_date"].notna() & raw["stop_time"].notna() & raw["driver_race"].isin(["Black", "White"])
    ]
    race = raw["driver_race"].str.lower()
    rows = opp_rows(pd.DataFrame({"date": raw["stop_date"], "time": raw["stop_time"], "subject_race": race}))
    assert len(rows) == R_N
    assert veil_of_darkness(ri_data, geography=None).n_used == len(rows)


def test_earlier_continuum_definitions_remain_as_named_choices(ri_data):
    """Continuum's window began at the earliest sunset, compared times to the second and put knots on the
    distinct rounded minutes: 3,220 stops against OPP's 2,763 on the RI file."""
    old = veil_of_darkness(
        ri_data, geography=None, window_start="sunset", whole_minutes=False, knots="distinct"
    )
    assert old.n_used == 3220
    assert old.estimates["is_dark"]["coef"] == pytest.approx(-0.182299451, abs=1e-6)
    lo, hi = old.params["inter_twilight_window_minutes"]
    assert lo == pytest.approx(975.1155, abs=1e-3) and hi == pytest.approx(1259.1841, abs=1e-3)


def separating_rows() -> pd.DataFrame:
    """Every stop after dusk is of a Black driver, every stop before sunset of a white one: is_dark predicts
    race perfectly."""
    sun = sun_minutes([dt.date(2019, 1, 1) + dt.timedelta(days=i) for i in range(365)]).set_index("date")
    rng = np.random.default_rng(5)
    rows = []
    for d, s in sun.iterrows():
        for m in rng.integers(16 * 60, 21 * 60 + 30, 3):
            if np.floor(s["sunset"]) <= m <= np.floor(s["dusk"]):
                continue
            rows.append(
                (d.isoformat(), f"{m // 60:02d}:{m % 60:02d}", "black" if m >= s["dusk"] else "white")
            )
    return pd.DataFrame(rows, columns=["date", "time", "subject_race"])


def test_a_separated_fit_is_flagged_and_not_a_finding(tmp_path):
    path = tmp_path / "separates.csv"
    separating_rows().to_csv(path, index=False)
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ)
    assert r.estimates["fit"]["separation"] and not r.estimates["finding"]
    assert r.estimates["is_dark"] is None and r.estimates["terms"] is None
    assert r.caveats[0].startswith("Not a finding: fitted probabilities reached 0 or 1 (separation")
    assert "not reported" in r.caveats[0]
    assert [c.xlabel for c in r.charts] == ["share"]  # no odds ratio chart
    assert [t.title for t in r.tables] == ["model fit (not a finding)"]
    assert "is_dark" in r.estimates["fit"]["terms_not_a_finding"]  # kept for diagnosis, under that name
    assert r.counts["dark"]["white"] == 0 and r.counts["light"]["black"] == 0
    html = r.to_html()
    assert "Not a finding" in html and "odds ratio" not in html
    r.to_json()  # JSON-safe even with infinite or huge values

    from continuum.cli import app

    point = [f"--param={k}={v}" for k, v in (("lat", LAT), ("lng", LNG), ("tz", TZ))]
    out = CliRunner().invoke(
        app, ["analyze", "veil-of-darkness", str(path), *point, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 0 and "Not a finding" in out.output


def test_a_fit_that_did_not_converge_is_flagged():
    X = np.column_stack([np.ones(4), [0.0, 1.0, 0.0, 1.0]])
    endog = np.array([[3, 7], [6, 4], [2, 8], [7, 3]], dtype=float)
    res = sm.GLM(endog, X, family=sm.families.Binomial()).fit(maxiter=1)
    check = check_fit(res)
    assert not check.converged and not check.ok
    assert check.problems() == ["the fit did not converge (stopped after 1 iterations)"]


def test_natural_spline_is_rs_ns():
    """``splines::ns(x, df = 6)`` in R 4.2 on these values: knots and three rows of the basis."""
    x = np.array([1000, 1005, 1005, 1010, 1030, 1045, 1050, 1050, 1085, 1100, 1125, 1160, 1200, 1255, 1260.0])
    s = NaturalSpline(x)
    assert s.knots == pytest.approx([1006.6666666666667, 1040, 1050, 1108.3333333333333, 1186.6666666666667])
    basis = s(x)
    r_rows = {
        1: [9.3749999999998938e-03, 0, 0, -7.8001944786347907e-02, 2.3932414877629501e-01, -1.6132220398994709e-01],
        4: [6.1926229508196706e-01, 8.6506935687263184e-02, 0, -7.1842145974122432e-02, 2.2042476605696679e-01,
            -1.4858262008284437e-01],
        14: [0, 0, 0, -1.4077772308557751e-01, 4.3193165037620423e-01, 7.0884607270937328e-01],
    }  # fmt: skip
    for i, row in r_rows.items():
        assert basis[i] == pytest.approx(row, abs=1e-12)
    # predict(ns, c(990, 1270)): linear beyond the boundary knots
    assert s(np.array([990.0, 1270.0])) == pytest.approx(
        np.array(
            [
                [0, 0, 0, 0.16603518180686019, -0.50942612599832171, 0.34339094419146149],
                [0, 0, 0, -0.28380563954714838, 0.46167639406511496, 0.82212924548203348],
            ]
        ),
        abs=1e-12,
    )


def test_parameters_are_checked(veil_csv):
    from continuum.analysis.errors import InputError

    _, path = veil_csv
    with load_stops(path) as data:
        with pytest.raises(InputError, match="window_start='noon': choose dusk or sunset"):
            veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, window_start="noon")
        with pytest.raises(InputError, match="knots='even': choose rows or distinct"):
            veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, knots="even")
        with pytest.raises(InputError, match="round_minutes"):
            veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, round_minutes=0)
        assert veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, geography="none").params["geography"] is None
