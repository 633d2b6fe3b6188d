"""Loading and validation: formats, mappings, unmapped values, hashing, and bad input."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops, write_problems
from continuum.analysis.mapping import Mapping

RACE_MAP = {
    "White": "white",
    "Black": "black",
    "Hispanic": "hispanic",
    "Asian": "asian/pacific islander",
    "Other": "other",
}


def test_ri_file_loads_through_shipped_mapping(ri_data, ri_path):
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    assert ri_data.n_rows == len(raw)
    got = dict(ri_data.con.execute("SELECT subject_race, count(*) FROM stops GROUP BY 1").fetchall())
    expected = raw["driver_race"].map(RACE_MAP).value_counts(dropna=False)
    assert got.pop(None) == int((raw["driver_race"] == "").sum())
    assert got == {k: int(v) for k, v in expected.items() if isinstance(k, str)}
    # multi-valued search_type: "Protective Frisk" anywhere in the list means a frisk
    frisks = ri_data.con.execute("SELECT count(*) FROM stops WHERE frisk_performed").fetchone()[0]
    assert frisks == int(raw["search_type"].str.contains("Protective Frisk").sum())
    pc = ri_data.con.execute("SELECT count(*) FROM stops WHERE search_basis = 'probable cause'").fetchone()[0]
    # as OPP's RI cleaning: reasonable suspicion is probable cause too
    assert pc == int(raw["search_type"].str.contains("Probable Cause|Reasonable Suspicion").sum())
    arrests = ri_data.con.execute("SELECT count(*) FROM stops WHERE outcome = 'arrest'").fetchone()[0]
    assert arrests == int(raw["stop_outcome"].str.startswith("Arrest").sum())
    assert ri_data.validation.n_problem_cells == 0
    assert "stop_duration" in ri_data.validation.unmapped_columns


def test_unmapped_values_are_counted_and_listed_by_row(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "race,when,searched\nW,2020-01-01,Y\nB,2020-13-01,N\nZ,2020-01-03,maybe\nZ,,Y\n  ,2020-01-04,N\n"
    )
    m = Mapping.from_dict(
        {
            "columns": {
                "subject_race": {"from": "race", "values": {"W": "white", "B": "black"}},
                "date": {"from": "when", "format": "%Y-%m-%d"},
                "search_conducted": {"from": "searched", "values": {"Y": True, "N": False}},
            }
        }
    )
    with load_stops(path, m) as data:
        v = data.validation
        assert v.unmapped_values() == {
            "subject_race": {"Z": 2},
            "date": {"2020-13-01": 1},
            "search_conducted": {"maybe": 1},
        }
        by_col = {i.column: i for i in v.issues}
        assert by_col["subject_race"].example_rows == (3, 4)
        assert by_col["date"].example_rows == (2,)
        assert "format %Y-%m-%d" in by_col["date"].reason
        n = write_problems(data, tmp_path / "p.csv")
        assert n == 4
        problems = pd.read_csv(tmp_path / "p.csv")
        assert list(problems.columns) == ["row", "column", "source_column", "value", "reason"]
        # the row with a blank race is not a problem: blank is missing, not unmapped
        assert 5 not in set(problems["row"])


def test_explicit_not_recorded_code_is_not_reported(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("outcome\nCitation\nN/D\n")
    m = Mapping.from_dict(
        {"columns": {"outcome": {"from": "outcome", "values": {"Citation": "citation", "N/D": ""}}}}
    )
    with load_stops(path, m) as data:
        assert data.validation.issues == []
        assert data.con.execute("SELECT count(outcome) FROM stops").fetchone()[0] == 1


def test_opp_file_loads_unchanged_and_officer_ids_pass_through(tmp_path):
    df = pd.DataFrame(
        {
            "date": ["2020-01-01", "2020-01-02"],
            "time": ["10:00:00", "23:10:00"],
            "subject_race": ["black", "asian/pacific islander"],
            "search_conducted": ["TRUE", "FALSE"],
            "officer_id_hash": ["ab12", "cd34"],
            "lat": ["41.1", "41.2"],
        }
    )
    df.to_csv(tmp_path / "opp.csv", index=False)
    with load_stops(tmp_path / "opp.csv") as data:
        rows = data.con.execute(
            "SELECT subject_race, search_conducted, officer_id_hash, lat FROM stops ORDER BY _row"
        ).fetchall()
    assert rows == [("black", True, "ab12", 41.1), ("asian/pacific islander", False, "cd34", 41.2)]


def test_officer_ids_hashed_with_keyed_hmac_and_raw_ids_not_kept(tmp_path, hash_key):
    path = tmp_path / "s.csv"
    path.write_text("badge,race\n1234,W\n9999,B\n")
    m = Mapping.from_dict(
        {
            "columns": {
                "officer_id_hash": "badge",
                "subject_race": {"from": "race", "values": {"W": "white", "B": "black"}},
            }
        }
    )
    with load_stops(path, m) as data:
        got = [r[0] for r in data.con.execute("SELECT officer_id_hash FROM stops ORDER BY _row").fetchall()]
        tables = [r[0] for r in data.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        found = data.con.execute(
            "SELECT count(*) FROM stops WHERE officer_id_hash IN ('1234', '9999')"
        ).fetchone()[0]
    expected = [hmac.new(hash_key.encode(), b, hashlib.sha256).hexdigest()[:32] for b in (b"1234", b"9999")]
    assert got == expected
    assert set(tables) == {"stops", "problems"}
    assert found == 0


def test_hashing_needs_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CONTINUUM_HASH_KEY")
    path = tmp_path / "s.csv"
    path.write_text("officer_id,subject_race\n1,white\n")
    with pytest.raises(InputError, match="CONTINUUM_HASH_KEY") as info:
        load_stops(path)
    assert (info.value.file, info.value.column) == (str(path), "officer_id")


def test_semicolon_latin1_multiline_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes('subject_race;location\nwhite;"Main St\nnear café"\nblack;Elm\n'.encode("latin-1"))
    with load_stops(path) as data:
        rows = data.con.execute("SELECT subject_race, location FROM stops ORDER BY _row").fetchall()
    assert rows == [("white", "Main St\nnear café"), ("black", "Elm")]


def test_excel_and_parquet(tmp_path):
    df = pd.DataFrame(
        {"subject_race": ["white", "black", "hispanic"], "date": ["2020-01-01", "2020-01-02", "x"]}
    )
    df.to_excel(tmp_path / "s.xlsx", index=False)
    df.to_parquet(tmp_path / "s.parquet")
    for name in ("s.xlsx", "s.parquet"):
        with load_stops(tmp_path / name) as data:
            assert data.n_rows == 3
            assert data.con.execute("SELECT list(subject_race ORDER BY _row) FROM stops").fetchone()[
                0
            ] == list(df["subject_race"])
            assert data.validation.unmapped_values() == {"date": {"x": 1}}
            assert data.validation.issues[0].example_rows == (3,)


@pytest.mark.parametrize(
    ("content", "mapping", "match", "row"),
    [
        (None, None, "file not found", None),
        ("", None, "file is empty", None),
        ("subject_race,date\n", None, "no data rows", None),
        ("a,b\n1,2\n", None, "no column matches", None),
        ("a,b\n1,2\n", {"columns": {"subject_race": "race"}}, "maps nothing", None),
        ('subject_race,b\nwhite,ok\nblack,"x\nwhite,y\n', None, "unterminated quote", 3),
        ("subject_race,b\nwhite,1\nblack,2,3\n", None, "Expected Number of Columns", 3),
    ],
)
def test_bad_input_raises_input_error(tmp_path, content, mapping, match, row):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=match) as info:
        load_stops(path, Mapping.from_dict(mapping) if mapping else None)
    assert info.value.file == str(path)
    assert info.value.row == row
    assert "\n" not in info.value.one_line()


def test_mapping_that_maps_nothing_or_names_unknown_columns():
    with pytest.raises(InputError, match="maps nothing"):
        Mapping.from_dict({"params": {}})
    with pytest.raises(InputError, match="not a standard stop column") as info:
        Mapping.from_dict({"columns": {"colour": "x"}})
    assert info.value.column == "colour"
