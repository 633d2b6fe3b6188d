"""Loaded right (issue 18, item 3): offsets converted to the data's time zone before the date and time are
taken; OPP files (NA for missing, other/unknown, RDS-derived CSVs) load with no mapping and no problem cells;
missing markers are never categories. Expected values come from Python's zoneinfo and pandas, not the engine."""

from __future__ import annotations

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops, load_table
from continuum.analysis.mapping import Mapping

TZ = "America/New_York"
# The issue's shape: late-evening events with their local offset, one written in UTC (Z), across month ends.
STAMPS = [
    "2024-05-31T22:10:00-04:00",
    "2024-06-30T23:59:00-04:00",
    "2024-01-31T20:30:00-05:00",
    "2024-03-31T02:30:00Z",
]


def local(text: str, tz: str = TZ) -> tuple[dt.date, dt.time]:
    """Independent of the engine: Python's own parser and time-zone database."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
    return moment.date(), moment.time().replace(tzinfo=None)


def stops_mapping(fmt: str | None, tz: str | None = TZ) -> Mapping:
    rule = {"from": "occurred", **({"format": fmt} if fmt else {})}
    doc = {"columns": {"date": rule, "time": rule}, **({"params": {"tz": tz}} if tz else {})}
    return Mapping.from_dict(doc)


def rows(data, sql: str) -> list[tuple]:
    return data.con.execute(sql).fetchall()


@pytest.mark.parametrize("fmt", ["%Y-%m-%dT%H:%M:%S%z", None])
def test_offsets_are_converted_to_local_time_before_the_date_is_taken(tmp_path, fmt):
    stamps = STAMPS[:3] if fmt else STAMPS  # strptime's %z does not read a bare Z
    pd.DataFrame({"occurred": stamps}).to_csv(tmp_path / "s.csv", index=False)
    with load_stops(tmp_path / "s.csv", stops_mapping(fmt)) as data:
        got = rows(data, "SELECT date, time FROM stops ORDER BY _row")
        assert data.validation.issues == []
    assert got == [local(s) for s in stamps]
    # the late-evening events keep their own day and month (in UTC they are the next day, next month)
    assert got[0][0] == dt.date(2024, 5, 31) and got[1][0] == dt.date(2024, 6, 30)


def test_a_timestamp_with_time_zone_from_parquet_is_taken_in_local_time(tmp_path):
    moments = [dt.datetime.fromisoformat(s.replace("Z", "+00:00")) for s in STAMPS]
    table = pa.table({"occurred": pa.array(moments, pa.timestamp("us", tz="UTC"))})
    pq.write_table(table, tmp_path / "s.parquet")
    with load_stops(tmp_path / "s.parquet", stops_mapping(None)) as data:
        assert rows(data, "SELECT date, time FROM stops ORDER BY _row") == [local(s) for s in STAMPS]


def test_timestamp_columns_hold_local_wall_clock_time(tmp_path):
    pd.DataFrame({"CallNumber": ["1", "2"], "TimeReceived": STAMPS[:2]}).to_csv(
        tmp_path / "c.csv", index=False
    )
    m = Mapping.from_dict(
        {
            "table": "calls",
            "params": {"tz": "America/Chicago"},
            "columns": {"call_id": "CallNumber", "received": "TimeReceived"},
        }
    )
    with load_table(tmp_path / "c.csv", m, table="calls") as data:
        got = rows(data, "SELECT received FROM calls ORDER BY _row")
    expected = [
        dt.datetime.fromisoformat(s).astimezone(ZoneInfo("America/Chicago")).replace(tzinfo=None)
        for s in STAMPS[:2]
    ]
    assert [g[0] for g in got] == expected


def test_the_load_can_name_the_time_zone_when_the_file_has_no_mapping(tmp_path):
    pd.DataFrame({"date": STAMPS[:1], "time": STAMPS[:1]}).to_csv(tmp_path / "o.csv", index=False)
    with pytest.raises(InputError, match="UTC offset"):
        load_stops(tmp_path / "o.csv")
    with load_stops(tmp_path / "o.csv", tz="America/Los_Angeles") as data:
        assert rows(data, "SELECT date, time FROM stops") == [local(STAMPS[0], "America/Los_Angeles")]


@pytest.mark.parametrize("fmt", ["%Y-%m-%dT%H:%M:%S%z", None])
def test_an_offset_without_a_declared_time_zone_is_a_clear_error(tmp_path, fmt):
    pd.DataFrame({"occurred": ["", "2024-05-31T22:10:00", STAMPS[0]]}).to_csv(tmp_path / "s.csv", index=False)
    with pytest.raises(InputError) as info:
        load_stops(tmp_path / "s.csv", stops_mapping(fmt, tz=None))
    err = info.value
    assert (err.file, err.column) == (str(tmp_path / "s.csv"), "occurred")
    assert err.row == (2 if fmt else 3)  # with %z every value is zoned; else the first one carrying an offset
    assert "UTC offset" in err.reason and "[params] tz" in err.reason


def test_no_traceback_from_the_cli_on_offsets(tmp_path):
    from continuum.cli import app

    pd.DataFrame({"occurred": STAMPS[:1]}).to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "m.toml").write_text(
        '[columns]\ntime = { from = "occurred", format = "%Y-%m-%dT%H:%M:%S%z" }\n'
    )
    res = CliRunner().invoke(
        app, ["data", "validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.toml")]
    )
    assert res.exit_code == 2
    assert "UTC offset" in res.output and "Traceback" not in res.output
    (tmp_path / "m.toml").write_text(
        '[params]\ntz = "America/New_York"\n[columns]\ntime = { from = "occurred", format = "%Y-%m-%dT%H:%M:%S%z" }\n'
    )
    res = CliRunner().invoke(
        app, ["data", "validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.toml")]
    )
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("tz", ["America/Nowhere", "", 5, "../../etc/passwd"])
def test_a_bad_time_zone_is_refused_when_the_mapping_is_read(tz):
    with pytest.raises(InputError, match="tz"):
        Mapping.from_dict({"params": {"tz": tz}, "columns": {"date": "d"}})


# --- OPP files: NA, other/unknown, RDS-derived CSVs ------------------------------------------------------------

OPP_ROWS = pd.DataFrame(
    {
        "raw_row_number": ["1", "2", "3", "4", "5"],
        "date": ["2017-01-01", "2017-01-02", "NA", "2017-01-04", "2017-01-05"],
        "time": ["10:00:00", "NA", "23:10:00", "01:00:00", "12:00:00"],
        "district": ["A", "NA", "B", "NA", "A"],
        "subject_age": ["30", "NA", "41", "19", "NA"],
        "subject_race": ["white", "other/unknown", "NA", "black", "other/unknown"],
        "subject_sex": ["male", "NA", "female", "male", "male"],
        "officer_id_hash": ["ab", "NA", "cd", "ab", "NA"],
        "search_conducted": ["TRUE", "FALSE", "NA", "FALSE", "TRUE"],
        "search_basis": ["probable cause", "NA", "NA", "NA", "consent"],
        "outcome": ["citation", "warning", "NA", "arrest", "NA"],
    }
)


def expected_counts(frame: pd.DataFrame, column: str) -> dict:
    """pandas' own reading of NA as missing, counted per value."""
    return frame[column].replace("NA", np.nan).dropna().value_counts().to_dict()


def write_rds_csv(frame: pd.DataFrame, path) -> None:
    """What R's write.csv(readRDS(...)) writes: a blank-named row-names column, quoted text, NA unquoted."""
    with open(path, "w", newline="") as f:
        f.write(",".join(['""', *(f'"{c}"' for c in frame.columns)]) + "\n")
        for i, r in enumerate(frame.itertuples(index=False), start=1):
            cells = ["NA" if v == "NA" else f'"{v}"' for v in r]
            f.write(",".join([f'"{i}"', *cells]) + "\n")


@pytest.mark.parametrize("shape", ["csv", "rds_csv"])
def test_opp_files_load_with_no_mapping_and_no_problem_cells(tmp_path, shape):
    path = tmp_path / f"opp_{shape}.csv"
    if shape == "csv":
        OPP_ROWS.to_csv(path, index=False)
    else:
        write_rds_csv(OPP_ROWS, path)
    with load_stops(path) as data:
        assert data.validation.n_problem_cells == 0
        for col in ("district", "subject_race", "outcome", "search_basis"):
            assert dict(
                rows(data, f"SELECT {col}, count(*) FROM stops WHERE {col} IS NOT NULL GROUP BY 1")
            ) == (expected_counts(OPP_ROWS, col)), col
        assert rows(data, "SELECT count(*) FROM stops WHERE district = 'NA' OR officer_id_hash = 'NA'") == [
            (0,)
        ]
        assert rows(data, "SELECT count(DISTINCT district), count(DISTINCT officer_id_hash) FROM stops") == [
            (2, 2)
        ]
        assert rows(data, "SELECT count(subject_age), count(date), count(time) FROM stops") == [(3, 4, 4)]
        expected_markers = {c: int((OPP_ROWS[c] == "NA").sum()) for c in OPP_ROWS if c != "raw_row_number"}
        assert data.validation.missing_markers == {c: n for c, n in expected_markers.items() if n}
        if shape == "rds_csv":
            assert "row_names" in data.validation.unmapped_columns


def test_a_mapped_na_code_keeps_its_meaning_and_the_markers_can_be_declared(tmp_path):
    # some agencies code Native American as NA: a rule that maps the code wins over the marker
    pd.DataFrame({"race": ["NA", "W", "-", "N/A"]}).to_csv(tmp_path / "r.csv", index=False, na_rep="")
    m = Mapping.from_dict(
        {"columns": {"subject_race": {"from": "race", "values": {"NA": "other", "W": "white"}}}}
    )
    with load_stops(tmp_path / "r.csv", m) as data:
        assert rows(data, "SELECT subject_race FROM stops ORDER BY _row") == [
            ("other",),
            ("white",),
            (None,),
            (None,),
        ]
        assert [(i.value, i.count) for i in data.validation.issues] == [("-", 1)]
        assert data.validation.missing_markers == {"subject_race": 1}
    m = Mapping.from_dict(
        {
            "source": {"missing": ["-"]},
            "columns": {"subject_race": {"from": "race", "values": {"W": "white"}}},
        }
    )
    with load_stops(tmp_path / "r.csv", m) as data:
        assert sorted(i.value for i in data.validation.issues) == ["N/A", "NA"]
        assert data.validation.missing_markers == {"subject_race": 1}
    with pytest.raises(InputError, match="missing must be a list"):
        Mapping.from_dict({"source": {"missing": "NA"}, "columns": {"date": "d"}})


def test_na_entries_of_a_subject_list_stay_in_position(tmp_path):
    pd.DataFrame(
        {"date": ["2021-01-01"], "race": ["White, NA, Black"], "age": ["NA, 30, 41"], "force": ["Other"]}
    ).to_csv(tmp_path / "u.csv", index=False)
    m = Mapping.from_dict(
        {
            "table": "use_of_force",
            "columns": {
                "date": "date",
                "subject_race": {"from": "race", "values": {"White": "white", "Black": "black"}},
                "subject_age": "age",
                "force_type": {"from": "force", "values": {"Other": "other"}},
            },
        }
    )
    with load_table(tmp_path / "u.csv", m, table="use_of_force") as data:
        assert data.validation.issues == []
        assert rows(data, "SELECT subject_race, subject_age FROM use_of_force") == [
            (["white", None, "black"], [None, 30.0, 41.0])
        ]
        assert data.validation.missing_markers == {"subject_race": 1, "subject_age": 1}


def opp_from_ri(ri: pd.DataFrame) -> pd.DataFrame:
    """The RI file in OPP's published shape (OPP's names and vocabularies, NA for missing), built with pandas."""
    race = {
        "White": "white",
        "Black": "black",
        "Hispanic": "hispanic",
        "Asian": "asian/pacific islander",
        "Other": "other/unknown",
    }
    outcome = {
        "Citation": "citation",
        "Warning": "warning",
        "Arrest Driver": "arrest",
        "Arrest Passenger": "arrest",
    }

    def na(s: pd.Series) -> pd.Series:
        return s.where(s != "", "NA")

    return pd.DataFrame(
        {
            "raw_row_number": [str(i) for i in range(1, len(ri) + 1)],
            "date": na(ri.stop_date),
            "time": na(ri.stop_time),
            "district": na(ri.district),
            "subject_race": ri.driver_race.map(race).fillna("NA"),
            "subject_sex": ri.driver_gender.map({"M": "male", "F": "female"}).fillna("NA"),
            "type": "vehicular",
            "arrest_made": na(ri.is_arrested),
            "outcome": ri.stop_outcome.map(outcome).fillna("NA"),
            "search_conducted": na(ri.search_conducted),
            "contraband_found": ri.drugs_related_stop.where(ri.search_conducted == "TRUE", "NA"),
        }
    )


@pytest.mark.parametrize("shape", ["csv", "rds_csv"])
def test_the_real_ri_file_in_opp_shape_loads_with_no_problem_cells(ri_path, tmp_path, shape):
    ri = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    opp = opp_from_ri(ri)
    path = tmp_path / "opp.csv"
    if shape == "csv":
        opp.to_csv(path, index=False)
    else:
        opp.to_csv(path, index=True, quoting=csv.QUOTE_NONNUMERIC)  # pandas' index: a blank first header too
    with load_stops(path) as data:
        assert data.validation.n_problem_cells == 0
        got = dict(
            rows(data, "SELECT subject_race, count(*) FROM stops WHERE subject_race IS NOT NULL GROUP BY 1")
        )
        assert got == expected_counts(opp, "subject_race")
        assert got["other/unknown"] == int((ri.driver_race == "Other").sum()) > 0
        (n_outcome,) = rows(data, "SELECT count(outcome) FROM stops")[0]
        assert n_outcome == int(
            ri.stop_outcome.isin(["Citation", "Warning", "Arrest Driver", "Arrest Passenger"]).sum()
        )
        assert data.validation.missing_markers["subject_race"] == int((ri.driver_race == "").sum())


def test_the_profile_draft_proposes_no_mapping_for_na(tmp_path):
    from continuum.analysis.profile import profile

    OPP_ROWS.to_csv(tmp_path / "opp.csv", index=False)
    draft, _ = profile(tmp_path / "opp.csv")
    assert "'NA'" not in draft and '"NA"' not in draft


def test_na_in_a_parquet_file_is_missing_too(tmp_path):
    # Parquet is read in place (no loaded copy to clear): the rules themselves read NA as missing
    pq.write_table(pa.Table.from_pandas(OPP_ROWS, preserve_index=False), tmp_path / "opp.parquet")
    with load_stops(tmp_path / "opp.parquet") as data:
        assert data.validation.n_problem_cells == 0
        got = dict(rows(data, "SELECT district, count(*) FROM stops WHERE district IS NOT NULL GROUP BY 1"))
        assert got == expected_counts(OPP_ROWS, "district")
        assert data.validation.missing_markers["subject_race"] == int(
            (OPP_ROWS["subject_race"] == "NA").sum()
        )
