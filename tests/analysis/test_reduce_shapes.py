"""Each shape of Reduction on a table small enough to count by hand: no exclusions, derived columns alone,
lookups alone, exploded lists, groups whose sums are all missing, the sorting threshold; and the spline
basis's size and its minimum of distinct times."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from continuum.analysis.reduce import DuckDBReducer, Reduction
from continuum.analysis.spline import NaturalSpline


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES "
        "('a', 1, 2, [1, 2]), ('a', 0, NULL, [3]), ('b', 1, 5, [4, 5, 6]), ('c', NULL, NULL, [7])"
        ") AS v(g, flag, amount, items)"
    )
    yield con
    con.close()


def _rows(reduced) -> dict:
    return {row["g"]: row for row in reduced.table.to_dict("records")}


def test_a_reduction_without_exclusions_keeps_every_row(con):
    red = DuckDBReducer(con).reduce("t", Reduction(keys={"g": "g"}, sums={"flags": "flag"}))
    assert red.excluded == {} and red.n_used == 4
    assert {g: (r["n"], r["flags"]) for g, r in _rows(red).items()} == {
        "a": (2, 1.0),
        "b": (1, 1.0),
        "c": (1, 0.0),
    }
    assert red.table["n"].dtype == np.int64 and red.table["flags"].dtype == np.float64


def test_an_exclusion_reason_with_an_apostrophe_is_kept_word_for_word(con):
    """Reasons are SQL string literals: a quote in one is doubled in the SQL and comes back single."""
    spec = Reduction(keys={"g": "g"}, sums={}, exclusions=[("the officer's flag missing", "flag IS NULL")])
    red = DuckDBReducer(con).reduce("t", spec)
    assert red.excluded == {"the officer's flag missing": 1} and red.n_used == 3


def test_a_group_whose_values_are_all_missing_sums_to_zero(con):
    red = DuckDBReducer(con).reduce("t", Reduction(keys={"g": "g"}, sums={"amount": "amount"}))
    assert _rows(red)["c"]["amount"] == 0.0 and _rows(red)["a"]["amount"] == 2.0


def test_derived_columns_alone_are_computed_per_row(con):
    spec = Reduction(
        keys={"big": "big"}, sums={"amount": "amount"}, derived={"big": "coalesce(amount, 0) > 3"}
    )
    table = DuckDBReducer(con).reduce("t", spec).table.set_index("big")
    assert (int(table.loc[True, "n"]), int(table.loc[False, "n"])) == (1, 3)


def test_lookups_alone_are_joined_by_their_key(con):
    regions = pd.DataFrame({"g": ["a", "b", "c"], "region": ["north", "north", "south"]})
    spec = Reduction(keys={"region": "region"}, sums={}, lookups={"r": (regions, "g")})
    reducer = DuckDBReducer(con)
    table = reducer.reduce("t", spec).table.set_index("region")
    assert table["n"].to_dict() == {"north": 3, "south": 1}
    assert reducer.reduce("t", spec).table.equals(
        reducer.reduce("t", spec).table
    )  # registered afresh each time
    assert "lk_r" not in {row[0] for row in con.execute("SHOW TABLES").fetchall()}


def test_two_lookups_are_joined_side_by_side(con):
    regions = pd.DataFrame({"g": ["a", "b", "c"], "region": ["north", "north", "south"]})
    sizes = pd.DataFrame({"g": ["a", "b", "c"], "size": ["large", "small", "small"]})
    spec = Reduction(keys={"region": "region", "size": "size"}, sums={}, lookups={"r": (regions, "g"),
                     "s": (sizes, "g")})  # fmt: skip
    table = DuckDBReducer(con).reduce("t", spec).table
    counts = {(r["region"], r["size"]): r["n"] for r in table.to_dict("records")}
    assert counts == {("north", "large"): 2, ("north", "small"): 1, ("south", "small"): 1}


def test_an_exploded_list_counts_one_row_per_entry(con):
    spec = Reduction(keys={"g": "g"}, sums={"item_total": "item"}, explode=("item", "items"))
    rows = _rows(DuckDBReducer(con).reduce("t", spec))
    assert {g: (r["n"], r["item_total"]) for g, r in rows.items()} == {
        "a": (3, 6.0),
        "b": (3, 15.0),
        "c": (1, 7.0),
    }


def test_up_to_a_hundred_thousand_groups_come_sorted_by_key():
    con = duckdb.connect()
    con.execute("CREATE TABLE big AS SELECT 100000 - range AS k FROM range(100000)")
    table = DuckDBReducer(con).reduce("big", Reduction(keys={"k": "k"}, sums={})).table
    assert len(table) == 100_000 and table["k"].is_monotonic_increasing
    con.close()


def test_the_spline_has_df_columns_and_needs_df_plus_one_distinct_times():
    assert NaturalSpline(np.arange(7)).df == 6
    assert NaturalSpline(np.arange(7))(np.array([0.0, 3.0, 6.0])).shape == (3, 6)
    assert len(NaturalSpline(np.arange(9), df=4).names) == 4
    with pytest.raises(ValueError, match=r"need at least 7 distinct times for a spline with df=6, have 6"):
        NaturalSpline(np.array([0, 1, 2, 3, 4, 5, 5, 5]))
    NaturalSpline(np.array([0, 1, 2, 3, 4, 5, 6, 6]))  # seven distinct: enough
