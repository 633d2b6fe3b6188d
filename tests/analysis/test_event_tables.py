"""Arrests, officer-involved shootings, vehicle crashes and personnel on planted agency-style files loaded
through the shipped mappings; every expected figure is computed here with pandas/numpy/scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses import ANALYSES
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table

Z = 1.959963984540054


def _load(tmp_path, name, df, mapping, table):
    p = tmp_path / f"{name}.csv"
    df.to_csv(p, index=False)
    return load_table(p, mapping, table=table)


def _dates(rng, n, start, days, rising=0.0):
    """Dates with intensity rising linearly by ``rising`` (0 = flat) over the period."""
    u = rng.random(n)
    x = u if rising == 0 else (np.sqrt(1 + rising * (2 + rising) * u) - 1) / rising  # inverse CDF of 1 + r x
    return pd.Timestamp(start) + pd.to_timedelta(np.floor(x * days), unit="D")


def test_arrests_rates_low_level_and_trend(tmp_path):
    rng = np.random.default_rng(3)
    n = 4000
    race = rng.choice(["W", "B", "H", "Q"], n, p=[0.5, 0.3, 0.19, 0.01])  # Q: an unmapped code
    black = race == "B"
    cls = np.where(rng.random(n) < np.where(black, 0.6, 0.4), "M", rng.choice(["F", "W"], n))
    d = _dates(rng, n, "2022-01-01", 730, rising=1.0)
    df = pd.DataFrame(
        {
            "ArrestNo": range(n),
            "ArrestDate": d.strftime("%m/%d/%Y"),
            "ArrestTime": "12:00",
            "District": "D1",
            "ChargeDesc": "x",
            "ChargeCategory": rng.choice(["drugs", "theft", "assault"], n),
            "ChargeClass": cls,
            "Race": race,
            "Sex": rng.choice(["M", "F"], n),
            "Age": rng.integers(15, 70, n),
            "OfficerID": rng.integers(1, 40, n),
        }
    )
    pop = tmp_path / "pop.csv"
    pop.write_text("subject_race,population\nwhite,500000\nblack,100000\nhispanic,150000\n")
    with _load(tmp_path, "arrests", df, "arrests_rms", "arrests") as data:
        assert data.validation.unmapped_values()["subject_race"] == {"Q": int((race == "Q").sum())}
        r = ANALYSES["arrests"](data, benchmark=pop)
        sexpop = tmp_path / "sex.csv"
        sexpop.write_text("subject_sex,population\nmale,370000\nfemale,380000\n")
        r2 = ANALYSES["arrests"](data, benchmark=sexpop, benchmark_group="sex", population="750000")
    by_sex = r2.estimates["by_sex"]["values"]
    m, f = int((df.Sex == "M").sum()), int((df.Sex == "F").sum())
    assert by_sex["female"]["per_population"]["rate"] == pytest.approx(1000 * f / 380000)
    ref = "male" if m >= f else "female"
    other = "female" if ref == "male" else "male"
    pops = {"male": 370000, "female": 380000}
    counts = {"male": m, "female": f}
    want = (counts[other] / pops[other]) / (counts[ref] / pops[ref])
    assert by_sex[other]["per_population"]["ratio_to_reference"]["ratio"] == pytest.approx(want)
    assert r2.estimates["per_1000_population"]["rate"] == pytest.approx(1000 * n / 750000)
    drugs = int((df.ChargeCategory == "drugs").sum())
    assert r2.estimates["by_offense_category"]["values"]["drugs"]["per_1000_population"][
        "rate"
    ] == pytest.approx(1000 * drugs / 750000)
    e = r.estimates
    assert e["arrests"] == n
    by = e["by_race"]["values"]
    ok = df[df.Race.isin(["W", "B", "H"])]
    for code, name, p in (("W", "white", 500000), ("B", "black", 100000)):
        sub = ok[ok.Race == code]
        assert by[name]["count"] == len(sub)
        assert by[name]["share"] == pytest.approx(len(sub) / len(ok))
        assert by[name]["per_population"]["rate"] == pytest.approx(1000 * len(sub) / p)
        assert by[name]["low_level_share"] == pytest.approx((sub.ChargeClass == "M").mean())
    b, w = ok[ok.Race == "B"], ok[ok.Race == "W"]
    kb, kw = (b.ChargeClass == "M").sum(), (w.ChargeClass == "M").sum()
    rr = (kb / len(b)) / (kw / len(w))
    se = math.sqrt(1 / kb - 1 / len(b) + 1 / kw - 1 / len(w))
    got = by["black"]["low_level_ratio_to_white"]
    assert got["ratio"] == pytest.approx(rr)
    assert got["ci95"] == pytest.approx([rr * math.exp(-Z * se), rr * math.exp(Z * se)])
    prr = (len(b) / 100000) / (len(w) / 500000)
    assert by["black"]["per_population"]["ratio_to_reference"]["ratio"] == pytest.approx(prr)
    k = int((df.ChargeClass.isin(["M", "V"])).sum())
    assert e["low_level_share"]["ci95"] == pytest.approx(list(proportion_confint(k, n, method="wilson")))
    months = pd.to_datetime(df.ArrestDate, format="%m/%d/%Y").dt.strftime("%Y-%m").value_counts().sort_index()
    assert {m: v["count"] for m, v in e["by_month"].items()} == months.to_dict()
    assert e["trend"]["rate_ratio_per_period"] > 1 and e["trend"]["p_increase"] < 0.001  # planted doubling


def test_ois_increase_test_and_period_differences(tmp_path):
    rng = np.random.default_rng(5)
    early = _dates(rng, 40, "2018-01-01", 1096)  # 2018-2020
    late = _dates(rng, 80, "2021-01-01", 1095)  # 2021-2023: twice the rate
    d = early.append(late)
    n = len(d)
    mh = np.r_[rng.random(40) < 0.1, rng.random(80) < 0.5]  # mental-health share rises
    df = pd.DataFrame(
        {
            "Case": range(n),
            "Date": d.strftime("%Y-%m-%d"),
            "Time": [f"{h:02d}:15" for h in rng.integers(0, 24, n)],
            "District": rng.choice(["N", "S"], n),
            "Circumstance": rng.choice(["armed robbery", "domestic", "traffic stop"], n),
            "Weapon": rng.choice(["Gun", "Knife", "None"], n),
            "Fleeing": rng.choice(["true", "false"], n),
            "MentalHealth": np.where(mh, "true", "false"),
            "BodyCamera": rng.choice(["true", "false"], n),
            "Outcome": rng.choice(["Fatal", "Injured", "Missed"], n),
            "Race": rng.choice(["W", "B", "H"], n),
            "Sex": "M",
            "Age": rng.integers(16, 60, n),
        }
    )
    with _load(tmp_path, "ois", df, "ois_example", "ois") as data:
        r = ANALYSES["ois"](data, split_date="2021-01-01")
    it = r.estimates["increase_test"]
    first, last = d.min(), d.max()
    t0, t1 = (pd.Timestamp("2021-01-01") - first).days, (last - pd.Timestamp("2021-01-01")).days + 1
    k1, k0 = int((d >= "2021-01-01").sum()), int((d < "2021-01-01").sum())
    assert (it["later"]["events"], it["earlier"]["events"]) == (k1, k0) == (80, 40)
    assert it["rate_ratio"] == pytest.approx((k1 / t1) / (k0 / t0))
    assert it["p_increase"] == pytest.approx(stats.binomtest(k1, k1 + k0, t1 / (t1 + t0), "greater").pvalue)
    diffs = {x["factor"]: x for x in r.estimates["period_differences"]}
    ct = pd.crosstab(df.MentalHealth, d >= "2021-01-01").to_numpy()
    assert diffs["mental_health"]["p_value"] == pytest.approx(stats.fisher_exact(ct)[1])
    assert diffs["mental_health"]["q_value"] < 0.05
    arm = r.estimates["by_subject_armed"]["values"]
    assert arm["unarmed"]["count"] == int((df.Weapon == "None").sum())


def test_crashes_rates_and_preventability(tmp_path):
    rng = np.random.default_rng(9)
    n = 600
    finding = rng.choice(["Preventable", "Non-preventable", "Pending"], n, p=[0.5, 0.4, 0.1])
    df = pd.DataFrame(
        {
            "CrashNo": range(n),
            "Date": _dates(rng, n, "2023-01-01", 365).strftime("%Y-%m-%d"),
            "Time": "08:30",
            "Unit": rng.choice(["P1", "P2", "P3"], n, p=[0.5, 0.3, 0.2]),
            "Assignment": rng.choice(["patrol", "traffic"], n),
            "Vehicle": rng.integers(1, 80, n),
            "Pursuit": rng.choice(["true", "false"], n, p=[0.1, 0.9]),
            "Response": rng.choice(["Emergency", "Routine"], n),
            "Injured": rng.poisson(0.3, n),
            "OfficerInjured": rng.choice(["true", "false"], n),
            "Finding": finding,
        }
    )
    exp = tmp_path / "miles.csv"
    exp.write_text("unit,miles,vehicles\nP1,2000000,40\nP2,1000000,25\nP3,500000,15\n")
    with _load(tmp_path, "crashes", df, "crashes_fleet", "crashes") as data:
        r = ANALYSES["crashes"](data, miles=3_500_000, vehicles=80, exposure=exp)
    e = r.estimates
    known = finding != "Pending"
    k = int((finding == "Preventable").sum())
    assert e["preventable"]["recorded"] == int(known.sum())
    assert e["preventable"]["share"] == pytest.approx(k / known.sum())
    assert e["rates"]["per_100k_miles"]["rate"] == pytest.approx(1e5 * n / 3_500_000)
    lo = stats.chi2.ppf(0.025, 2 * n) / 2
    assert e["rates"]["per_100k_miles"]["ci95"][0] == pytest.approx(1e5 * lo / 3_500_000)
    p1 = int((df.Unit == "P1").sum())
    assert e["rates_by_unit"]["P1"]["per_100k_miles"]["rate"] == pytest.approx(1e5 * p1 / 2_000_000)
    assert e["rates_by_unit"]["P3"]["per_vehicle"]["rate"] == pytest.approx((df.Unit == "P3").sum() / 15)
    assert e["people_injured"] == df.Injured.sum()
    assert e["pursuit"]["count"] == int((df.Pursuit == "true").sum())


def test_personnel_attrition_time_to_hire_and_workforce(tmp_path):
    rng = np.random.default_rng(11)
    n = 800
    hired = pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 13 * 365, n), unit="D")
    applied = hired - pd.to_timedelta(rng.integers(30, 400, n), unit="D")
    leaves = rng.random(n) < 0.4
    sep = hired + pd.to_timedelta(rng.integers(100, 3000, n), unit="D")
    sep = pd.Series(sep).where(leaves & (sep < pd.Timestamp("2023-12-31")))
    race = rng.choice(["W", "B", "H"], n, p=[0.7, 0.15, 0.15])
    df = pd.DataFrame(
        {
            "EmployeeID": [f"E{i}" for i in range(n)],
            "Rank": rng.choice(["Officer", "Sergeant"], n, p=[0.85, 0.15]),
            "Assignment": "Patrol",
            "Applied": applied.strftime("%Y-%m-%d"),
            "Hired": hired.strftime("%Y-%m-%d"),
            "Separated": sep.dt.strftime("%Y-%m-%d"),
            "Reason": np.where(sep.notna(), rng.choice(["Resigned", "Retired"], n), ""),
            "Race": race,
            "Sex": rng.choice(["M", "F"], n),
            "BirthYear": rng.integers(1960, 2000, n),
        }
    )
    pop = tmp_path / "pop.csv"
    pop.write_text("race,population\nwhite,600000\nblack,250000\nhispanic,150000\n")
    with _load(tmp_path, "roster", df, "personnel_hr", "personnel") as data:
        stored = str(data.con.execute("SELECT * FROM personnel").fetchall())
        assert "E17" not in stored  # employee ids are hashed on load
        r = ANALYSES["personnel"](data, as_of="2023-12-31", benchmark=pop)
        with pytest.raises(InputError):
            ANALYSES["personnel"](data, as_of="not a date")
    e = r.estimates
    for y in (2015, 2020):
        start, end = pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y + 1}-01-01")
        h0 = ((hired < start) & (sep.isna() | (sep >= start))).sum()
        h1 = ((hired < end) & (sep.isna() | (sep >= end))).sum()
        s = ((sep >= start) & (sep < end)).sum()
        assert e["by_year"][str(y)]["separations"] == s
        assert e["by_year"][str(y)]["attrition_rate"] == pytest.approx(s / ((h0 + h1) / 2))
    days = (hired - applied).days
    assert e["time_to_hire_days"]["median"] == pytest.approx(np.median(days))
    assert e["time_to_hire_days"]["mean"] == pytest.approx(np.mean(days))
    asof = pd.Timestamp("2023-12-31")
    active = (hired <= asof) & (sep.isna() | (sep > asof))
    b = int((active & (race == "B")).sum())
    comp = e["workforce_vs_community"]["black"]
    assert comp["count"] == b
    assert comp["representation_ratio"]["ratio"] == pytest.approx((b / active.sum()) / 0.25)
