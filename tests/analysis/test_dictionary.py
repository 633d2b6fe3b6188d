"""The data dictionary (issue 18, item 2): columns with type, vocabulary and the analyses that need them, and
parameters with defaults, from the engine, `continuum data columns` and each analysis's --help."""

from __future__ import annotations

import csv
import inspect
import json

import pytest
from typer.testing import CliRunner

from continuum.analysis import dictionary
from continuum.analysis.analyses import ANALYSES, TABLE_OF
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table
from continuum.analysis.tables import TABLES, columns_of
from continuum.cli import app

runner = CliRunner()
SAMPLE = {"date": "2020-01-01", "time": "12:00", "timestamp": "2020-01-01 12:00:00", "bool": "true",
          "float": "1", "text": "a", "id": "officer 1"}  # fmt: skip
VEIL = {"tz": "America/New_York", "lat": 41.7, "lng": -71.5}


def _table_with(tmp_path, table: str, names: list[str]):
    """A two-row file of the table holding only `names` and a text column no analysis needs, loaded with no
    mapping (multi-valued columns cannot be, so they are left out)."""
    std = columns_of(table)
    filler = next(c.name for c in TABLES[table] if c.kind == "text" and not c.multi and c.name not in names)
    names = [n for n in names if not std[n].multi] + [filler]
    path = tmp_path / f"{table}.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for _ in range(2):
            w.writerow([std[n].values[0] if std[n].values else SAMPLE[std[n].kind] for n in names])
    return path


NEEDED = [(a, c) for a, cols in dictionary.NEEDS.items() for c in cols]


@pytest.mark.parametrize(("analysis", "missing"), NEEDED)
def test_each_needed_column_is_one_the_analysis_refuses_to_run_without(tmp_path, analysis, missing):
    table = TABLE_OF.get(analysis, "stops")
    path = _table_with(tmp_path, table, [c for c in dictionary.NEEDS[analysis] if c != missing])
    with load_table(path, table=table) as data, pytest.raises(InputError) as caught:
        ANALYSES[analysis](data, **(VEIL if analysis == "veil-of-darkness" else {}))
    assert "the mapping does not provide" in caught.value.reason
    assert missing in caught.value.reason


@pytest.mark.parametrize("analysis", [a for a in dictionary.NEEDS if not any(
    columns_of(TABLE_OF.get(a, "stops"))[c].multi for c in dictionary.NEEDS[a])])  # fmt: skip
def test_the_needed_columns_are_all_an_analysis_asks_for(tmp_path, analysis):
    table = TABLE_OF.get(analysis, "stops")
    path = _table_with(tmp_path, table, list(dictionary.NEEDS[analysis]))
    with load_table(path, table=table) as data:
        try:
            ANALYSES[analysis](data, **(VEIL if analysis == "veil-of-darkness" else {}))
        except InputError as exc:  # two rows are too few for most analyses; that is another refusal
            assert "the mapping does not provide" not in exc.reason


def test_every_analysis_has_needs_and_every_parameter_a_meaning():
    assert set(dictionary.NEEDS) == set(ANALYSES)
    for name, fn in ANALYSES.items():
        params = dictionary.parameters(name)
        expected = [p for p in inspect.signature(fn).parameters if p not in ("data", "reducer")]
        assert [p.name for p in params] == expected
        assert all(p.doc for p in params), [p.name for p in params if not p.doc]


def test_columns_say_type_vocabulary_and_who_needs_them():
    stops = {c.name: c for c in dictionary.table_columns("stops")}
    assert stops["subject_race"].values == tuple(columns_of("stops")["subject_race"].values)
    assert set(stops["subject_race"].needed_by) >= {"rates", "veil-of-darkness", "outcome-test"}
    assert stops["search_conducted"].needed_by == ("outcome-test", "threshold-test")
    assert stops["beat"].needed_by == ()
    force = {c.name: c for c in dictionary.table_columns("use_of_force")}
    assert force["force_type"].list_per_row and force["force_type"].needed_by == ("use-of-force",)


def test_an_unknown_table_or_analysis_names_the_valid_ones():
    with pytest.raises(InputError, match="choose from") as caught:
        dictionary.table_columns("stop")
    assert "'stops'" in str(caught.value) and "'use_of_force'" in str(caught.value)
    with pytest.raises(InputError, match="veil-of-darkness"):
        dictionary.parameters("veil")


def test_cli_data_columns_lists_a_table_and_its_analyses_parameters(monkeypatch):
    from continuum import cli

    monkeypatch.setattr(cli.out, "width", 200)  # the console is made at import, its width fixed then
    res = runner.invoke(app, ["data", "columns", "stops"])
    assert res.exit_code == 0, res.output
    assert "subject_race" in res.output and "asian/pacific islander" in res.output
    assert "outcome-test: parameters" in res.output and "min_searches" in res.output
    every = runner.invoke(app, ["data", "columns"])
    assert all(f"{t}: standard columns" in every.output for t in TABLES)


def test_cli_data_columns_json_is_the_whole_dictionary():
    res = runner.invoke(app, ["data", "columns", "--json"])
    doc = json.loads(res.output)
    assert set(doc["tables"]) == set(TABLES) and set(doc["analyses"]) == set(ANALYSES)
    outcome = {p["name"]: p for p in doc["analyses"]["outcome-test"]["parameters"]}
    assert outcome["min_searches"]["default"] == inspect.signature(ANALYSES["outcome-test"]).parameters[
        "min_searches"].default  # fmt: skip


def test_cli_unknown_table_is_one_line_naming_the_valid_ones():
    res = runner.invoke(app, ["data", "columns", "stop"])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "'use_of_force'" in lines[0]


def test_each_analysis_help_lists_its_parameters_with_defaults_and_needed_columns():
    res = runner.invoke(app, ["analyze", "outcome-test", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "min_searches = 50 (whole number)" in res.output
    assert "contraband_found" in res.output and "[params]" in res.output
    staffing = runner.invoke(app, ["analyze", "staffing", "--help"], env={"COLUMNS": "200"})
    assert "target = 0.4" in staffing.output and "calls data" in staffing.output


def test_validate_strict_exits_non_zero_on_problem_cells(tmp_path):
    bad, clean = tmp_path / "bad.csv", tmp_path / "clean.csv"
    bad.write_text("subject_race,date\nwhite,2020-01-01\npurple,2020-02-30\n")
    clean.write_text("subject_race,date\nwhite,2020-01-01\n")
    assert runner.invoke(app, ["data", "validate", str(bad)]).exit_code == 0  # reported, not fatal
    strict = runner.invoke(app, ["data", "validate", str(bad), "--strict"])
    assert strict.exit_code == 1 and "2 cells could not be converted" in strict.output
    assert runner.invoke(app, ["data", "validate", str(clean), "--strict"]).exit_code == 0
    as_json = runner.invoke(app, ["data", "validate", str(bad), "--strict", "--json"])
    assert as_json.exit_code == 1


def test_cli_names_how_to_set_the_parameters_an_error_names(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,time,subject_race\n2020-01-01,12:00,white\n")
    out = str(tmp_path / "o")
    res = runner.invoke(app, ["analyze", "veil-of-darkness", str(path), "--out", out])
    assert res.exit_code == 2
    assert "needs the area's latitude" in res.output and "(set with --param lat=...)" in res.output
    res = runner.invoke(app, ["analyze", "veil-of-darkness", str(path), "--param", "lat=41", "--param", "lng=-71",
                              "--out", out])  # fmt: skip
    assert "needs the data's time zone" in res.output and "(set with --param tz=...)" in res.output
