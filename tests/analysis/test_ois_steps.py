"""Officer-involved shootings step by step: the split date, the reduction, the increase test and the period
differences, on counts worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from continuum.analysis.analyses.ois import (
    increase_test,
    period_difference,
    period_differences,
    reduce_incidents,
    split_point,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer


def test_split_point_default_middle_and_bounds():
    first, last = dt.date(2020, 1, 1), dt.date(2020, 1, 31)
    assert split_point(first, last, None) == dt.date(2020, 1, 16)
    assert split_point(first, last, "2020-01-31") == last
    with pytest.raises(InputError, match="must fall after"):
        split_point(first, last, "2020-01-01")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        split_point(first, last, "Jan 5")


def test_reduce_incidents_by_period_and_factor(tmp_path):
    p = tmp_path / "ois.csv"
    p.write_text("date,subject_armed\n2020-01-02,firearm\n2020-01-20,unarmed\n2020-01-25,firearm\n,knife\n")
    with load_table(p, table="ois") as data:
        r, by_factor = reduce_incidents(
            DuckDBReducer(data.con), data.table, dt.date(2020, 1, 16), ["subject_armed"]
        )
    assert r.n_used == 3 and r.excluded == {"date missing or unparsable": 1}
    assert r.table.groupby("later")["n"].sum().to_dict() == {False: 1, True: 2}
    later = by_factor["subject_armed"]
    assert later[later["later"]].set_index("subject_armed")["n"].to_dict() == {"firearm": 1, "unarmed": 1}


def test_increase_test_rate_ratio():
    """10 incidents in the 100 days from the split, 5 in the 100 days before: rate ratio 2."""
    t = pd.DataFrame({"later": [True, False], "n": [10, 5]})
    first = dt.date(2020, 1, 1)
    split, last = first + dt.timedelta(days=100), first + dt.timedelta(days=199)
    r = increase_test(t, first, last, split, 0.05)
    assert r["rate_ratio"] == pytest.approx(2.0)


def test_period_difference_fisher_chi_square_and_none():
    two = pd.DataFrame({"f": ["a", "a", "b", "b"], "later": [False, True, False, True], "n": [5, 0, 0, 5]})
    d = period_difference(two, "f")
    assert d["test"] == "Fisher exact" and d["p_value"] == pytest.approx(2 / 252)  # 2 / C(10, 5)
    assert d["earlier"] == {"a": 1.0, "b": 0.0} and d["later"] == {"a": 0.0, "b": 1.0}
    three = pd.concat([two, pd.DataFrame({"f": ["c"], "later": [True], "n": [3]})])
    assert period_difference(three, "f")["test"] == "chi-square"
    assert period_difference(two[~two["later"]], "f") is None  # one period only


def test_period_differences_adjusted_and_sorted():
    strong = pd.DataFrame({"x": ["a", "a", "b", "b"], "later": [False, True, False, True], "n": [5, 0, 0, 5]})
    weak = pd.DataFrame({"y": ["a", "a", "b", "b"], "later": [False, True, False, True], "n": [3, 2, 2, 3]})
    diffs = period_differences({"y": weak, "x": strong}, ["y", "x"])
    assert [d["factor"] for d in diffs] == ["x", "y"]
    assert diffs[0]["q_value"] == pytest.approx(min(1.0, diffs[0]["p_value"] * 2))  # BH, 2 tests, rank 1
    assert diffs[1]["q_value"] == pytest.approx(diffs[1]["p_value"])  # rank 2 of 2
