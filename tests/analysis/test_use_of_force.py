"""Use of force on the real New Jersey export: every figure recomputed from the raw CSV with pandas."""

from __future__ import annotations

import hashlib
import hmac
import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.use_of_force import use_of_force
from continuum.analysis.load import load_table

from .conftest import DATA

NJ = DATA / "nj_use_of_force_2020-10_2021-02.csv"
LEVEL = {
    "Used take down on": 1, "Used arms": 1, "Used arm bar on": 1, "Used pressure points on": 1,
    "Used fists/punch": 2, "Used legs/kicks": 2, "Used head": 2, "Struck": 3, "Discharged Chemical at": 3,
    "Used CED on": 3, "Canine bit (apprehension)": 3, "Discharged Firearm at": 4,
}  # fmt: skip


def _tokens(cell: str) -> list[str]:
    cell = cell.strip()
    if cell.endswith(","):
        cell = cell[:-1]
    return [t.strip() for t in cell.split(",")] if cell else []


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(NJ, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def nj():
    import os

    os.environ.setdefault("CONTINUUM_HASH_KEY", "test-key")
    data = load_table(NJ, "nj_use_of_force", table="use_of_force", hash_key="test-key")
    yield data
    data.close()


@pytest.fixture(scope="module")
def result(nj):
    return use_of_force(nj, arrests=20000, calls=1_000_000)


def test_counts_severity_and_injuries(raw, result):
    e = result.estimates
    n = len(raw)
    assert e["reports"] == n == 5513
    sev = raw["type_of_force"].map(lambda c: max([LEVEL.get(t, 0) for t in _tokens(c)] or [0]))
    assert e["severity"]["firearm"]["reports"] == int((sev == 4).sum())
    assert e["severity"]["less-lethal weapon"]["reports"] == int((sev == 3).sum())
    assert e["severity"]["strikes"]["reports"] == int((sev == 2).sum())
    assert e["severity"]["physical control"]["reports"] == int((sev == 1).sum())
    k = int((sev == 3).sum())
    assert e["severity"]["less-lethal weapon"]["ci95"] == pytest.approx(
        list(proportion_confint(k, n, method="wilson")), abs=1e-12
    )
    oi = int((raw["officer_injured"] == "Yes").sum())
    assert e["injuries"]["officer_injury_rate"]["injured"] == oi
    assert e["injuries"]["officer_injury_rate"]["rate"] == pytest.approx(oi / n)
    subjects = raw.apply(
        lambda r: max(
            1,
            *(
                len(_tokens(r[c]))
                for c in ("subject_race", "subject_gender", "subject_age", "subject_arrested")
            ),
        ),
        axis=1,
    )
    assert e["subjects"] == int(subjects.sum())
    injured = np.minimum(raw["number_subjects_injured_in_incident"].astype(int), subjects)
    assert e["injuries"]["subject_injury_rate"]["injured"] == int(injured.sum())
    assert e["rates"]["per_1000_arrests"]["rate"] == pytest.approx(1000 * n / 20000)
    ids = raw["incident_id"].str.strip()
    assert e["incidents"] == ids[ids != ""].nunique()


def test_weapon_share_by_subject_race(raw, result):
    race_map = {"White": "white", "Black": "black", "Hispanic": "hispanic"}
    rows = []
    for _, r in raw.iterrows():
        lvl = max([LEVEL.get(t, 0) for t in _tokens(r["type_of_force"])] or [0])
        for t in _tokens(r["subject_race"]):
            if t in race_map:
                rows.append((race_map[t], lvl >= 3))
    df = pd.DataFrame(rows, columns=["race", "weapon"])
    got = result.estimates["subjects_by_group"]["race"]
    for race in race_map.values():
        sub = df[df["race"] == race]
        assert got[race]["subjects"] == len(sub)
        assert got[race]["weapon_or_firearm_share"] == pytest.approx(sub["weapon"].mean())
    b, w = df[df.race == "black"], df[df.race == "white"]
    rr = b.weapon.mean() / w.weapon.mean()
    se = math.sqrt(1 / b.weapon.sum() - 1 / len(b) + 1 / w.weapon.sum() - 1 / len(w))
    ratio = got["black"]["weapon_ratio_to_reference"]
    assert ratio["ratio"] == pytest.approx(rr)
    assert ratio["ci95"][1] == pytest.approx(rr * math.exp(1.959963984540054 * se))


def test_concentration_across_officers(raw, result):
    counts = raw.loc[raw["officer_name"].str.strip() != "", "officer_name"].str.strip().value_counts()
    x = np.sort(counts.to_numpy().astype(float))
    n = len(x)
    gini = np.abs(np.subtract.outer(x, x)).sum() / (2 * n * n * x.mean())  # mean absolute difference form
    c = result.estimates["concentration"]
    assert c["n"] == n
    assert c["gini"] == pytest.approx(gini)
    assert c["top_10pct_share"] == pytest.approx(x[::-1][: math.ceil(0.1 * n)].sum() / x.sum())


def test_monthly_trend(raw, result):
    d = pd.to_datetime(raw["incident_date"], format="%m/%d/%Y")
    months = d.dt.strftime("%Y-%m").value_counts().sort_index()
    assert result.counts["reports_by_month"] == {m: int(k) for m, k in months.items()}
    first, last = d.min(), d.max()
    days = []
    for m in months.index:
        s = pd.Timestamp(m + "-01")
        e = s + pd.offsets.MonthEnd(0)
        days.append((min(e, last) - max(s, first)).days + 1)
    X = sm.add_constant(np.arange(len(months), dtype=float))
    fit = sm.GLM(months.to_numpy(), X, family=sm.families.Poisson(), offset=np.log(days)).fit()
    assert result.estimates["trend"]["rate_ratio_per_period"] == pytest.approx(
        math.exp(fit.params[1]), rel=1e-6
    )


def test_names_hashed_and_every_bad_cell_reported(raw, nj, result):
    names = raw["officer_name"].str.strip()
    name = names[names != ""].iloc[0]
    expect = hmac.new(b"test-key", name.encode(), hashlib.sha256).hexdigest()[:32]
    stored = {r[0] for r in nj.con.execute("SELECT DISTINCT officer_id_hash FROM use_of_force").fetchall()}
    assert expect in stored
    blob = json.dumps(result.to_dict()) + result.to_html()
    table_text = str(nj.con.execute("SELECT * FROM use_of_force").fetchall())
    for n in names[names != ""].unique()[:200]:
        assert n not in blob and n not in table_text
    # "Juvenile" is not an age in years: every such cell is reported, by row
    juvenile = raw.index[raw["subject_age"].str.contains("Juvenile")] + 1
    issues = [i for i in nj.validation.issues if i.column == "subject_age"]
    assert sum(i.count for i in issues) == len(juvenile)
    rows = {
        r
        for (row,) in nj.con.execute("SELECT _row FROM problems WHERE column_name='subject_age'").fetchall()
        for r in [row]
    }
    assert rows == set(juvenile.tolist())
    html = result.to_html()
    assert "<svg" in html and 'role="img"' in html
