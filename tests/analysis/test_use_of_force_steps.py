"""Use of force step by step (prepare, reduce, fit, present), and severity from an agency's force level when
the file has no force type: the NJ export with its force types replaced by the level an agency would publish."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from continuum.analysis.analyses.use_of_force import (
    count_distinct,
    count_estimates,
    group_disparities,
    injury_estimates,
    monthly_trend,
    officer_estimates,
    prepare_force,
    rate_estimates,
    reduce_reports,
    severity_estimates,
    use_of_force,
    weapon_share_by,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table
from continuum.analysis.mapping import Mapping
from continuum.analysis.reduce import DuckDBReducer

from .conftest import REPO
from .test_use_of_force import LEVEL, NJ, _tokens

NJ_TOML = REPO / "src/continuum/analysis/mappings/nj_use_of_force.toml"


def _level(cell: str) -> str:
    levels = [LEVEL[t] for t in _tokens(cell) if t in LEVEL]
    return str(max(levels)) if levels else ""


@pytest.fixture(scope="module")
def levels_file(tmp_path_factory) -> tuple:
    """The NJ export as an agency publishing levels sends it: a force_level column, no type of force."""
    raw = pd.read_csv(NJ, dtype=str, keep_default_na=False)
    raw["force_level"] = raw["type_of_force"].map(_level)
    path = tmp_path_factory.mktemp("levels") / "nj_levels.csv"
    raw.drop(columns="type_of_force").to_csv(path, index=False)
    toml = NJ_TOML.read_text()
    toml = re.sub(r"\[columns\.force_type\][^\[]*", "", toml)
    toml = toml.replace(
        'report_id = "unique_report_id"', 'report_id = "unique_report_id"\nforce_level = "force_level"'
    )
    mapping = path.with_suffix(".toml")
    mapping.write_text(toml)
    return path, mapping, raw


def test_severity_from_force_level_when_no_force_type(levels_file):
    path, mapping, raw = levels_file
    with load_table(path, Mapping.from_toml(mapping), table="use_of_force") as data:
        assert "force_type" not in data.columns
        r = use_of_force(data)
    dated = raw[raw["incident_date"].str.strip() != ""]
    want = dated["force_level"].replace("", "0").astype(int).value_counts()
    got = {k: v["reports"] for k, v in r.estimates["severity"].items()}
    assert got == {(f"level {k}" if k else "level missing or outside 1-4"): int(n) for k, n in want.items()}
    assert r.estimates["force_types"] is None
    # the force-level warning leads; the result's own caveats (a short trend here) follow it
    assert "force level" in r.warnings[0] and "not comparable" in r.warnings[0]
    assert not any("force level" in w for w in r.warnings[1:])
    assert "level 3 or 4" in r.caveats[1]
    assert r.params["levels_descending"] is False


def test_descending_levels_are_turned_round(levels_file, tmp_path):
    """An agency whose level 1 is its most severe: level 1 reads as 4, so firearm reports stay at the top."""
    path, mapping, raw = levels_file
    flipped = raw.drop(columns="type_of_force")
    flipped["force_level"] = flipped["force_level"].map(lambda v: str(5 - int(v)) if v else "")
    p = tmp_path / "desc.csv"
    flipped.to_csv(p, index=False)
    with load_table(path, Mapping.from_toml(mapping), table="use_of_force") as a:
        asc = use_of_force(a)
    with load_table(p, Mapping.from_toml(mapping), table="use_of_force") as b:
        desc = use_of_force(b, levels_descending=True)
    assert desc.estimates["severity"] == asc.estimates["severity"]
    assert "level 1 the most severe" in desc.warnings[0]


def test_prepare_force_prefers_type_and_refuses_neither():
    assert not prepare_force(frozenset({"date", "force_type", "force_level"})).by_level
    fc = prepare_force(frozenset({"date", "force_level", "subject_race", "subject_age"}))
    assert fc.by_level and fc.label(2) == "level 2" and fc.label(0).startswith("level missing")
    assert "subject_race" in fc.n_subj and "subject_age" in fc.n_subj
    with pytest.raises(InputError, match="force_level"):
        prepare_force(frozenset({"date"}))


def test_use_of_force_without_type_or_level_names_force_type(tmp_path):
    p = tmp_path / "uof.csv"
    p.write_text("date,incident_type\n2021-01-02,x\n")
    with load_table(p, table="use_of_force") as data, pytest.raises(InputError, match="force_type"):
        use_of_force(data)


def test_reduce_reports_and_count_distinct(tmp_path):
    """Four reports (one undated), three incidents: severity by level and distinct incidents among dated rows."""
    p = tmp_path / "uof.csv"
    p.write_text(
        "report_id,incident_id,date,force_level\nr1,i1,2021-01-02,1\nr2,i1,2021-01-03,4\n"
        "r3,i2,2021-02-01,4\nr4,i3,,2\n"
    )
    with load_table(p, table="use_of_force") as data:
        fc = prepare_force(data.columns)
        red = DuckDBReducer(data.con)
        rep = reduce_reports(red, data.table, fc)
        assert rep.n_used == 3
        assert rep.table.groupby("severity")["n"].sum().to_dict() == {1: 1, 4: 2}
        assert count_distinct(red, data.table, fc, "incident_id", "incident id missing") == 2
        assert count_distinct(red, data.table, fc, "officer_id_hash", "none") is None


def test_rate_estimates_per_arrest_and_per_officer_in_data():
    tab = pd.DataFrame({"officer": ["a", "a", "b", "c"], "n": [1, 1, 1, 1]})
    rates, caveats = rate_estimates(30, 6000.0, None, None, tab, 0.05)
    assert rates["per_1000_arrests"]["rate"] == pytest.approx(5.0)
    assert "per_1000_calls" not in rates
    assert rates["per_officer"]["rate"] == pytest.approx(10.0) and rates["per_officer"]["officers"] == 3
    assert caveats and "no roster" in caveats[0]
    rates, caveats = rate_estimates(30, None, None, 10.0, tab, 0.05)
    assert rates["per_officer"]["rate"] == pytest.approx(3.0) and caveats == []


def test_severity_and_injury_estimates():
    t = pd.DataFrame(
        {
            "severity": [1, 1, 4],
            "n": [6, 2, 2],
            "officer_injured": [1, 0, 1],
            "officer_injured_n": [5, 2, 1],
            "subjects_injured": [3, 0, 1],
            "any_subject_injured": [2, 0, 1],
        }
    )
    fc = prepare_force(frozenset({"force_type"}))
    sev = severity_estimates(t, 10, fc, 0.05)
    assert sev["physical control"]["reports"] == 8 and sev["firearm"]["share"] == pytest.approx(0.2)
    inj = injury_estimates(t, 10, 12.0, 0.05)
    assert inj["officer_injury_rate"]["rate"] == pytest.approx(2 / 8)
    assert inj["subject_injury_rate"]["rate"] == pytest.approx(4 / 12)
    assert inj["reports_with_subject_injury"]["share"] == pytest.approx(0.3)


def test_group_disparities_weapon_ratio_and_population_rate():
    subjects = pd.DataFrame(
        {
            "race": ["black", "black", "white", "white", None],
            "severity": [3, 1, 4, 1, 1],
            "n": [4, 4, 2, 8, 1],
        }
    )
    d = group_disparities(subjects, "white", {"black": 1000.0, "white": 4000.0}, 0.05)["race"]
    assert d["_recorded"] == 18 and d["_missing"] == 1
    assert d["black"]["weapon_or_firearm_share"] == pytest.approx(0.5)
    assert d["black"]["weapon_ratio_to_reference"]["ratio"] == pytest.approx(0.5 / 0.2)
    assert d["black"]["per_1000_population"]["rate"] == pytest.approx(8.0)
    assert d["black"]["per_1000_population"]["ratio_to_reference"]["ratio"] == pytest.approx(8.0 / 2.5)


def test_weapon_share_by_and_monthly_trend():
    t = pd.DataFrame(
        {"month": ["2021-01", "2021-01", "2021-02"], "resistance": [1, 4, 4], "severity": [1, 3, 4]}
    )
    t["n"] = [3, 1, 4]
    by = weapon_share_by(t, "resistance", 0.05)
    assert by[1]["weapon_or_firearm_share"] == 0 and by[4]["weapon_or_firearm_share"] == 1
    sorted_by = weapon_share_by(t.assign(kind=["a", "b", "b"]), "kind", 0.05, sort=True)
    assert list(sorted_by) == ["b", "a"]
    months, trend = monthly_trend(t, "2021-01-16", "2021-02-28", 0.05)
    assert months["2021-01"] == {"reports": 4, "days": 16, "per_day": 0.25}
    assert months["2021-02"]["days"] == 28
    assert trend["periods"] == 2 and trend["rate_ratio_per_period"] is None  # too few months to fit


def test_count_estimates_grain(tmp_path):
    """Three dated rows in two incidents, one report id used twice: reports count rows, the grain says so."""
    p = tmp_path / "uof.csv"
    p.write_text(
        "report_id,incident_id,date,force_level\nr1,i1,2021-01-02,1\nr1,i1,2021-01-03,4\nr3,i2,2021-02-01,4\n"
    )
    with load_table(p, table="use_of_force") as data:
        fc = prepare_force(data.columns)
        subjects = pd.DataFrame({"severity": [1, 4], "n": [1, 2]})
        est, grain = count_estimates(DuckDBReducer(data.con), data.table, fc, 3, subjects, 3, 0)
    assert est == {"reports": 3, "subjects": 3, "incidents": 2}
    assert "3 rows, each counted as one officer's report (they hold 2 distinct report_id" in grain


def test_officer_estimates_flags_the_officer_far_above_peers():
    """Six officers in one assignment, five with 2 reports and one with 20: only that one is flagged."""
    rows = [("a", "unit")] * 20 + [(o, "unit") for o in "bcdef" for _ in range(2)]
    tab = pd.DataFrame(rows, columns=["officer", "assignment"]).assign(n=1)
    est, caveat = officer_estimates(tab, min_peers=5, fdr=0.05)
    flagged = est["officers_far_above_peers"]
    assert [f["officer_id_hash"] for f in flagged] == ["a"] and flagged[0]["peer_mean"] == pytest.approx(2.0)
    # Gini = sum |x_i - x_j| / (2 n^2 mean) = (2 x 5 x 18) / (2 x 36 x 5)
    assert est["concentration"]["gini"] == pytest.approx(0.5) and "at least 5 officers" in caveat
    assert officer_estimates(tab, min_peers=7, fdr=0.05)[0]["officers_far_above_peers"] == []
