"""Veil of darkness: the grouped fit equals a row-level fit, and a planted darkness effect is recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm

from continuum.analysis.analyses.veil import veil_of_darkness
from continuum.analysis.load import load_stops

from .conftest import LAT, LNG, TZ, make_veil_rows, sun_minutes


def row_level_fit(df: pd.DataFrame, geography: bool = False, interact: bool = False):
    """Independent implementation on rows: astral sun times, OPP's filters, GLM on each stop."""
    df = df[df["subject_race"].isin(["black", "white"])].copy()
    df["d"] = pd.to_datetime(df["date"]).dt.date
    sun = sun_minutes(sorted(df["d"].unique())).set_index("date")
    hh, mm = df["time"].str.split(":", expand=True).astype(int).T.values
    df["minute"] = hh * 60 + mm
    df["sunset"] = df["d"].map(sun["sunset"])
    df["dusk"] = df["d"].map(sun["dusk"])
    lo, hi = sun["sunset"].min(), sun["dusk"].max()
    df = df[(df["minute"] >= lo) & (df["minute"] <= hi)]
    df = df[~((df["minute"] > df["sunset"]) & (df["minute"] < df["dusk"]))]
    df["is_dark"] = (df["minute"] > df["dusk"]).astype(float)
    df["rounded"] = np.floor(df["minute"] / 5 + 0.5) * 5
    info = patsy.dmatrix("cr(x, df=6, constraints='center') - 1", {"x": np.unique(df["rounded"])}).design_info
    (S,) = patsy.build_design_matrices([info], {"x": df["rounded"].to_numpy(float)})
    cols = [np.ones(len(df)), df["is_dark"].to_numpy(), *np.asarray(S).T]
    if geography:
        for lev in sorted(df["district"].unique())[1:]:
            dummy = (df["district"] == lev).to_numpy(float)
            cols.append(dummy)
            if interact:
                cols += [dummy * s for s in np.asarray(S).T]
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
    assert r.n_used == n_rows
    assert r.estimates["is_dark"]["coef"] == pytest.approx(res.params[1], abs=1e-6)
    assert r.estimates["is_dark"]["se"] == pytest.approx(res.bse[1], abs=1e-6)
    terms = r.estimates["terms"]
    assert len(terms) == len(res.params)
    assert [t["coef"] for t in terms.values()] == pytest.approx(list(res.params), abs=1e-6)
    assert [t["se"] for t in terms.values()] == pytest.approx(list(res.bse), abs=1e-6)
    assert r.n_used + sum(r.n_excluded.values()) == len(df)


def test_planted_darkness_effect_is_recovered(tmp_path):
    df = make_veil_rows(30000, dark_effect=0.6, seed=7)
    path = tmp_path / "planted.csv"
    df.to_csv(path, index=False)
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ)
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


def test_dst_variant_keeps_only_dates_near_a_change(veil_csv):
    df, path = veil_csv
    with load_stops(path) as data:
        r = veil_of_darkness(data, lat=LAT, lng=LNG, tz=TZ, dst=True)
    d = pd.to_datetime(df.loc[df["subject_race"].isin(["black", "white"]), "date"])
    changes = pd.to_datetime(["2019-03-10", "2019-11-03", "2020-03-08", "2020-11-01", "2021-03-14"])
    near = d.apply(lambda x: bool((abs((changes - x).days) <= 30).any()))
    assert r.n_excluded["more than 30 days from a DST change"] == int((~near).sum())


def test_ri_file_through_shipped_mapping(ri_data):
    r = veil_of_darkness(ri_data)
    assert r.params["tz"] == "America/New_York"
    assert r.n_used > 1000
    assert r.n_used + sum(r.n_excluded.values()) == ri_data.n_rows
    raw = pd.read_csv(ri_data.path, dtype=str)
    assert r.n_excluded["subject_race missing or not black/white"] == int(
        (~raw["driver_race"].isin(["Black", "White"])).sum()
    )
