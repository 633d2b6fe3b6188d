"""Arrests step by step: the low-level rule, the reduction, totals, the row grain and one grouping's shares,
on counts worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from continuum.analysis.analyses.arrests import (
    arrest_grain,
    group_shares,
    low_level_rule,
    reduce_arrests,
    totals,
)
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer


def test_low_level_rule_prefers_the_flag_then_the_level():
    assert low_level_rule(frozenset({"discretionary", "offense_level"}), ["misdemeanor"])[1] == (
        "the mapping's discretionary flag"
    )
    sql, doc = low_level_rule(frozenset({"offense_level"}), ["misdemeanor", "violation"])
    assert (
        "offense_level IN ('misdemeanor', 'violation')" in sql
        and doc == "offense level in ['misdemeanor', 'violation']"
    )
    assert low_level_rule(frozenset({"date"}), ["misdemeanor"]) == (None, None)


def test_reduce_arrests_and_totals(tmp_path):
    p = tmp_path / "arrests.csv"
    p.write_text(
        "date,subject_race,offense_level\n2021-01-05,black,misdemeanor\n2021-01-09,white,felony\n"
        "2021-02-01,black,violation\n,white,felony\n"
    )
    with load_table(p, table="arrests") as data:
        low, doc = low_level_rule(data.columns, ["misdemeanor", "violation"])
        r = reduce_arrests(DuckDBReducer(data.con), data.table, data.columns, low)
    assert r.n_used == 3 and r.excluded == {"date missing or unparsable": 1}
    est = totals(r.table, r.n_used, 1500.0, doc, False, 0.05)
    assert est["arrests"] == 3 and est["per_1000_population"]["rate"] == pytest.approx(2.0)
    assert est["low_level_share"]["count"] == 2 and est["low_level_share"]["share"] == pytest.approx(2 / 3)
    assert est["low_level_share"]["definition"] == doc  # by row: no "every charge" clause


def test_arrest_grain_by_id_and_by_row():
    grain, caveats = arrest_grain(10, 4, True, 1, 2)
    assert grain.startswith("10 rows hold 4 arrests") and "1 rows with no arrest id" in grain
    assert caveats[0].startswith("2 arrests have rows that disagree")
    grain, caveats = arrest_grain(10, 10, False, None, 0)
    assert "each of the 10 rows counted as one arrest" in grain and caveats == []


def test_group_shares_with_benchmark_and_low_level_ratio():
    t = pd.DataFrame({"race": ["black", "white", "asian"], "n": [30, 60, 10], "low_level": [15, 15, 1]})
    sh, caveats = group_shares(
        t, t, "race", "low_level", "white", None, "race", {"black": 1000.0, "white": 6000.0}, 0.05
    )
    black = sh["values"]["black"]
    assert black["count"] == 30 and black["share"] == pytest.approx(0.3)
    assert caveats[0] == "No benchmark population for ['asian']: no arrest rate for them."
    assert "population at risk" in caveats[1]
