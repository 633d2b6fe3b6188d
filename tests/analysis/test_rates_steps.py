"""Rates step by step: the reduction of stops and recorded outcomes by group, outcome rates against the
reference group, and stop rates against a benchmark population, on counts worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from continuum.analysis.analyses.rates import outcome_rates, reduce_outcomes, stop_rates
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer


def test_reduce_outcomes_counts_yes_and_recorded(tmp_path):
    p = tmp_path / "stops.csv"
    p.write_text(
        "date,subject_race,search_conducted\n2020-01-01,black,true\n2020-01-01,black,\n"
        "2020-01-02,white,false\n2020-01-02,,true\n"
    )
    with load_table(p, table="stops") as data:
        r = reduce_outcomes(
            DuckDBReducer(data.con), data.table, "subject_race", {"search_rate": "search_conducted"}
        )
    t = r.table.set_index("group")
    assert (
        t.loc["black", "n"] == 2
        and t.loc["black", "search_rate_k"] == 1
        and t.loc["black", "search_rate_n"] == 1
    )
    assert r.excluded == {"subject_race missing or unmapped": 1}


def test_outcome_rates_and_ratio_to_reference():
    t = pd.DataFrame(
        {"n": [100, 200], "search_rate_k": [10, 10], "search_rate_n": [80, 200]}, index=["black", "white"]
    )
    e = outcome_rates(t, {"search_rate": "search_conducted"}, "white", 0.05)
    assert e["black"]["search_rate"]["rate"] == pytest.approx(0.125)
    assert e["black"]["search_rate"]["missing_search_rate"] == 20
    assert e["black"]["search_rate"]["ratio_to_reference"]["ratio"] == pytest.approx(0.125 / 0.05)
    assert "ratio_to_reference" not in e["white"]["search_rate"]


def test_stop_rates_per_1000_and_missing_benchmark():
    estimates = {"black": {"stops": 50}, "white": {"stops": 100}, "asian": {"stops": 5}}
    caveats = stop_rates(estimates, {"black": 10_000.0, "white": 50_000.0}, "white", 0.05)
    assert estimates["black"]["stop_rate"]["per_1000"] == pytest.approx(5.0)
    assert estimates["black"]["stop_rate"]["ratio_to_reference"]["ratio"] == pytest.approx(5.0 / 2.0)
    assert "stop_rate" not in estimates["asian"]
    assert caveats[0] == "No benchmark population for ['asian']: no stop rate for them."
    assert "benchmark problem" in caveats[1]
