"""Distinct units when an id is mapped (arrests by arrest id, subjects by subject id, incidents by incident id),
the row grain stated in the output, and every fold of source categories listed. Expected figures are computed
with pandas from the files the tests write, never taken from the engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from continuum.analysis.analyses import arrests, use_of_force
from continuum.analysis.load import load_stops, load_table
from continuum.analysis.mapping import Mapping

ARREST_RULES = {
    "date": {"from": "ArrestDate", "format": "%Y-%m-%d"},
    "offense_category": "ChargeCategory",
    "offense_level": {"from": "ChargeClass", "values": {"F": "felony", "M": "misdemeanor", "V": "violation"}},
    "subject_race": {"from": "Race", "values": {"W": "white", "B": "black", "H": "hispanic"}},
}


def charge_rows(seed: int = 3, arrests_n: int = 120) -> pd.DataFrame:
    """An RMS export with one row per charge: an arrest's rows share its id, date and subject."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(arrests_n):
        race, month = rng.choice(["W", "B", "H"]), rng.integers(1, 13)
        for _ in range(int(rng.integers(1, 5))):
            rows.append(
                {
                    "ArrestNo": f"A{i}",
                    "ArrestDate": f"2023-{month:02d}-{rng.integers(1, 28):02d}",
                    "ChargeCategory": rng.choice(["drugs", "theft", "assault"]),
                    "ChargeClass": rng.choice(["F", "M", "V"]),
                    "Race": race,
                }
            )
    frame = pd.DataFrame(rows)
    # an arrest's charges may span two days (booked after midnight): its month is its first charge's
    first = frame.groupby("ArrestNo")["ArrestDate"].transform("min")
    frame["ArrestDate"] = np.where(rng.random(len(frame)) < 0.2, first, frame["ArrestDate"])
    return frame


def load_arrests(tmp_path, frame: pd.DataFrame, with_id: bool = True):
    frame.to_csv(tmp_path / "a.csv", index=False)
    rules = {**ARREST_RULES, **({"arrest_id": "ArrestNo"} if with_id else {})}
    return load_table(
        tmp_path / "a.csv", Mapping.from_dict({"table": "arrests", "columns": rules}), table="arrests"
    )


def test_arrests_are_counted_once_per_arrest_id(tmp_path):
    frame = charge_rows()
    assert frame["ArrestNo"].nunique() < len(frame)  # the shape: several charge rows per arrest
    with load_arrests(tmp_path, frame) as data:
        r = arrests(data)
    per = frame.groupby("ArrestNo").agg(
        race=("Race", "first"),
        month=("ArrestDate", lambda d: min(d)[:7]),
        low=("ChargeClass", lambda c: c.isin(["M", "V"]).all()),
    )
    assert r.estimates["arrests"] == len(per) and r.estimates["rows"] == len(frame)
    names = {"W": "white", "B": "black", "H": "hispanic"}
    by_race = {names[k]: v for k, v in per["race"].value_counts().items()}
    assert {k: v["count"] for k, v in r.estimates["by_race"]["values"].items()} == by_race
    assert r.estimates["low_level_share"]["count"] == int(per["low"].sum())
    assert r.counts["arrests_by_month"] == per["month"].value_counts().sort_index().to_dict()
    by_category = (
        frame.drop_duplicates(["ArrestNo", "ChargeCategory"])["ChargeCategory"].value_counts().to_dict()
    )
    assert {k: v["count"] for k, v in r.estimates["by_offense_category"]["values"].items()} == by_category
    assert f"{len(frame):,} rows hold {len(per):,} arrests" in r.row_grain
    assert r.to_dict()["row_grain"] == r.row_grain
    assert r.row_grain.split(":")[0] in r.to_html()


def test_rows_without_an_arrest_id_count_one_each_and_without_the_column_the_grain_says_so(tmp_path):
    frame = charge_rows(seed=5, arrests_n=30)
    frame.loc[frame.index[:4], "ArrestNo"] = ""
    with load_arrests(tmp_path, frame) as data:
        r = arrests(data)
    ided = frame[frame["ArrestNo"] != ""]
    assert r.estimates["arrests"] == ided["ArrestNo"].nunique() + 4
    assert "4 rows with no arrest id each counted as one arrest" in r.row_grain
    with load_arrests(tmp_path, frame, with_id=False) as data:
        r = arrests(data)
    assert r.estimates["arrests"] == len(frame)
    assert "no arrest_id mapped" in r.row_grain


def officer_subject_rows(seed: int = 11) -> pd.DataFrame:
    """A use-of-force file of officer x subject rows: each subject appears once per officer involved."""
    rng = np.random.default_rng(seed)
    rows = []
    for inc in range(80):
        for officer in range(int(rng.integers(1, 4))):
            for s in range(int(rng.integers(1, 3))):
                rows.append(
                    {
                        "case": f"I{inc}",
                        "report": f"I{inc}-O{officer}",
                        "subject": f"I{inc}-S{s}",
                        "date": f"2023-05-{1 + inc % 28:02d}",
                        "officer": f"off{(inc + officer) % 20}",
                        "force": rng.choice(["Hands", "Taser", "Firearm"]),
                        "race": ["W", "B"][(inc + s) % 2],
                    }
                )
    return pd.DataFrame(rows)


def load_force(tmp_path, frame: pd.DataFrame, with_id: bool):
    frame.to_csv(tmp_path / "u.csv", index=False)
    columns = {
        "incident_id": "case",
        "report_id": "report",
        "date": "date",
        "officer_id_hash": "officer",
        "force_type": {
            "from": "force",
            "values": {"Hands": "physical control", "Taser": "ced", "Firearm": "firearm"},
        },
        "subject_race": {"from": "race", "values": {"W": "white", "B": "black"}},
        **({"subject_id": "subject"} if with_id else {}),
    }
    m = Mapping.from_dict({"table": "use_of_force", "columns": columns})
    return load_table(tmp_path / "u.csv", m, table="use_of_force")


def test_use_of_force_subjects_counted_once_per_subject_id(tmp_path):
    frame = officer_subject_rows()
    with load_force(tmp_path, frame, with_id=True) as data:
        r = use_of_force(data)
    subjects = frame.groupby("subject").agg(race=("race", "first"), force=("force", set))
    assert r.estimates["subjects"] == len(subjects) < len(frame)
    assert r.estimates["subject_entries"] == len(frame)
    assert r.estimates["incidents"] == frame["case"].nunique()
    race = r.estimates["subjects_by_group"]["race"]
    names = {"W": "white", "B": "black"}
    assert {k: v["subjects"] for k, v in race.items() if not k.startswith("_")} == {
        names[k]: v for k, v in subjects["race"].value_counts().items()
    }
    # a subject met a weapon or firearm when any officer's row says so
    weapon = subjects["force"].map(lambda f: bool(f & {"Taser", "Firearm"}))
    for code, name in names.items():
        mine = subjects["race"] == code
        assert race[name]["weapon_or_firearm_share"] == pytest.approx(weapon[mine].mean())
    assert f"{len(frame):,} subject entries hold {len(subjects):,} subjects" in r.row_grain
    assert f"{frame['case'].nunique():,} incidents" in r.row_grain
    assert f"{frame['report'].nunique():,} distinct report_id" in r.row_grain


def test_without_a_subject_id_the_grain_says_rows_are_counted(tmp_path):
    frame = officer_subject_rows()
    with load_force(tmp_path, frame, with_id=False) as data:
        r = use_of_force(data)
    assert r.estimates["subjects"] == len(frame)
    assert "no subject_id mapped" in r.row_grain


# --- folds -----------------------------------------------------------------------------------------------------


def test_every_folded_source_category_is_listed_with_its_count(tmp_path):
    race = ["White", "Black", "Native American", "Two or More", "Native American", "Other", "Asian", "W"]
    pd.DataFrame({"d": ["2020-01-01"] * len(race), "r": race}).to_csv(tmp_path / "s.csv", index=False)
    values = {
        "White": "white",
        "W": "white",  # a second spelling of white: a recoding, not a fold
        "Black": "black",
        "Asian": "asian/pacific islander",
        "Native American": "other",
        "Two or More": "other",
        "Other": "other",
    }
    m = Mapping.from_dict({"columns": {"date": "d", "subject_race": {"from": "r", "values": values}}})
    with load_stops(tmp_path / "s.csv", m) as data:
        folds = data.validation.folds
        from continuum.analysis.analyses import rates

        r = rates(data)
    counts = pd.Series(race).value_counts()
    assert [(f.column, f.value) for f in folds] == [("subject_race", "other")]
    assert folds[0].codes == {c: int(counts[c]) for c in ("Native American", "Two or More", "Other")}
    assert r.to_dict()["validation"]["folded"] == [folds[0].to_dict()]
    html = r.to_html()
    assert "Folded: subject_race" in html and "&#x27;Native American&#x27; (2)" in html


def test_a_code_folded_into_a_catch_all_alone_is_listed_and_a_one_to_one_recoding_is_not(tmp_path):
    m = Mapping.from_dict(
        {
            "columns": {
                "subject_race": {
                    "from": "r",
                    "values": {"American Indian": "other", "B": "black", "W": "white"},
                }
            }
        }
    )
    assert m.folds() == {"subject_race": {"other": ("American Indian",)}}
    assert (
        Mapping.from_dict({"columns": {"subject_race": {"from": "r", "values": {"B": "black"}}}}).folds()
        == {}
    )


def test_the_nj_mapping_lists_its_folds_on_the_real_file():
    from .conftest import DATA

    path = DATA / "nj_use_of_force_2020-10_2021-02.csv"
    with load_table(path, "nj_use_of_force", table=None) as data:
        folds = {(f.column, f.value): f.codes for f in data.validation.folds}
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    entries = raw["subject_race"].str.split(",").explode().str.strip().value_counts()
    assert folds[("subject_race", "other")] == {
        "Two or More": int(entries["Two or More"]),
        "Other": int(entries["Other"]),
    }
    assert folds[("officer_race", "other")]["American Indian"] == int(
        (raw["officer_race"] == "American Indian").sum()
    )


def test_cli_validate_prints_markers_and_folds(tmp_path):
    from continuum.cli import app

    pd.DataFrame({"r": ["Native American", "Two or More", "NA"]}).to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "m.toml").write_text(
        '[columns]\nsubject_race = { from = "r", values = { "Native American" = "other", "Two or More" = "other" } }\n'
    )
    res = CliRunner().invoke(
        app, ["data", "validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.toml")]
    )
    assert res.exit_code == 0, res.output
    assert "subject_race: 1 cells read as missing" in res.output
    assert "'Native American' (1), 'Two or More' (1) folded into 'other'" in " ".join(res.output.split())
