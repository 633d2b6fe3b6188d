"""The plumbing every analysis ends and starts with (analyses/common.py): ``finish`` carries what the load found
(cells that could not be mapped, cells read as missing, source codes folded together) and the input's hash into
the result, and puts the caveats the result's own numbers call for among its warnings; ``require`` names the
file and the first missing column; ``reducer_for`` picks the reducer the data was loaded for. Every expected
value is counted by hand from the eight rows written here."""

from __future__ import annotations

import hashlib

import pytest

from continuum.analysis import render
from continuum.analysis.analyses.common import finish, reducer_for, require
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops
from continuum.analysis.mapping import Mapping
from continuum.analysis.reduce import DuckDBReducer, Reduced, Reduction

# Eight stops: two folded codes (Asian twice, Pacific Islander once, both mapped to "other"), one NA (a missing
# marker) and one code the mapping does not know (Klingon).
RACES = ["W", "W", "B", "Asian", "Asian", "Pacific Islander", "NA", "Klingon"]
RULE = {"from": "race", "values": {"W": "white", "B": "black", "Asian": "other", "Pacific Islander": "other"}}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("finish") / "stops.csv"
    path.write_text("race\n" + "\n".join(RACES) + "\n")
    with load_stops(path, Mapping.from_dict({"columns": {"subject_race": RULE}})) as loaded:
        yield loaded


def test_result_carries_what_the_load_found_and_the_input_hash(data):
    """A reader of a result must see what its counts silently depend on: values that could not be mapped, cells
    read as missing, categories merged; and the input's sha256 lets anyone check which file it came from."""
    r = finish(data, "outcome-test", {}, 7, {}, {"alpha": 0.05})
    assert r.analysis == "outcome-test" and r.n_input == len(RACES) and r.n_used == 7
    assert r.input_sha256 == hashlib.sha256(data.path.read_bytes()).hexdigest()
    assert r.validation == {
        "n_problem_cells": 1,  # Klingon
        "unmapped_values": {"subject_race": {"Klingon": 1}},
        "missing_markers": {"subject_race": 1},  # NA
        "folded": [
            {"column": "subject_race", "source_column": "race", "value": "other",
             "codes": {"Asian": 2, "Pacific Islander": 1}},
        ],
    }  # fmt: skip
    assert r.params == {"alpha": 0.05, "mapping": "mapping", "mapping_sha256": None}
    # the report reads these same keys: what was read as missing and what was folded are shown to the reader
    shown = render.loaded_html(r)
    assert "<li>subject_race: 1 cells read as missing (a missing marker such as NA)</li>" in shown
    assert (
        "<li>Folded: subject_race &#x27;Asian&#x27; (2), &#x27;Pacific Islander&#x27; (1) counted as" in shown
    )
    assert r.to_dict()["validation"]["unmapped_values"] == {"subject_race": {"Klingon": 1}}


def test_caveats_from_the_result_join_its_warnings_once(data):
    """2 of the 8 rows used (25%, under half): the result says so among the warnings a reader sees first, after
    the analysis's own, and a caveat the analysis already gave is not repeated."""
    only = "Only 2 of 8 rows (25.0%) were used; most were excluded as race missing: 6."
    r = finish(data, "outcome-test", {}, 2, {"race missing": 6}, {})
    assert r.warnings == [only]
    r = finish(data, "outcome-test", {}, 2, {"race missing": 6}, {}, warnings=["analysis's own"])
    assert r.warnings == ["analysis's own", only]
    r = finish(data, "outcome-test", {}, 2, {"race missing": 6}, {}, warnings=[only])
    assert r.warnings == [only]
    # 5 of 8 used: no caveat
    assert finish(data, "outcome-test", {}, 5, {"race missing": 3}, {}).warnings == []


def test_require_names_the_file_and_the_first_missing_column(data):
    """A mapping that lacks a column the analysis needs is refused before any work, naming the file the user
    loaded and the first column missing, so the user knows which mapping line to add."""
    require(data, "rates", "subject_race")  # present: no error
    with pytest.raises(InputError) as caught:
        require(data, "rates", "subject_race", "search_conducted", "contraband_found")
    err = caught.value
    assert err.reason == (
        "rates needs standard column(s) ['search_conducted', 'contraband_found'], which the mapping does not "
        "provide"
    )
    assert err.file == str(data.path) and err.column == "search_conducted"
    assert str(data.path) in str(err)


class CountingReducer:
    """A reducer of the data's own (as a Spark load sets one): runs DuckDB and counts its calls."""

    def __init__(self, inner: DuckDBReducer) -> None:
        self.inner, self.calls = inner, 0

    def reduce(self, table: str, spec: Reduction) -> Reduced:
        self.calls += 1
        return self.inner.reduce(table, spec)


def test_reducer_for_prefers_the_given_then_the_datas_own_then_duckdb(data):
    """Data loaded for Spark carries its reducer: analyses must run on it unless told otherwise, and fall back
    to DuckDB on the loaded table only when the data has none."""
    plain = reducer_for(data, None)
    assert isinstance(plain, DuckDBReducer) and plain.con is data.con
    own, given = CountingReducer(DuckDBReducer(data.con)), DuckDBReducer(data.con)
    data.reducer = own
    try:
        assert reducer_for(data, None) is own
        assert reducer_for(data, given) is given
        spec = Reduction(keys={"race": "subject_race"}, sums={})
        table = reducer_for(data, None).reduce(data.table, spec).table
        assert own.calls == 1
        # W, W / B / Asian, Asian, Pacific Islander / NA and Klingon (not recorded)
        got = {
            r if isinstance(r, str) else None: int(n) for r, n in zip(table["race"], table["n"], strict=True)
        }
        assert got == {"black": 1, "other": 3, "white": 2, None: 2}
    finally:
        data.reducer = None
