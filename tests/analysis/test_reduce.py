"""The reduction seam: one GROUP BY yields sufficient statistics and exclusion counts; pre-aggregation on
the columns read changes nothing; analyses accept any Reducer."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from continuum.analysis.analyses.outcome import outcome_test
from continuum.analysis.reduce import DuckDBReducer, Reduced, Reduction


def spec(columns: tuple[str, ...] = ()) -> Reduction:
    return Reduction(
        keys={"race": "subject_race", "district": "district"},
        sums={"searches": "CAST(search_conducted AS INTEGER)", "hits": "CAST(contraband_found AS INTEGER)"},
        exclusions=[("race missing", "subject_race IS NULL"), ("not searched", "NOT search_conducted")],
        columns=columns,
    )


def test_reduction_counts_match_pandas(ri_data, ri_path):
    red = DuckDBReducer(ri_data.con).reduce("stops", spec())
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    assert red.excluded == {
        "race missing": int((raw["driver_race"] == "").sum()),
        "not searched": int(((raw["driver_race"] != "") & (raw["search_conducted"] == "FALSE")).sum()),
    }
    used = raw[(raw["driver_race"] != "") & (raw["search_conducted"] == "TRUE")]
    assert red.n_used == len(used)
    hits = used.groupby(["driver_race", "district"])["drugs_related_stop"].apply(
        lambda s: (s == "TRUE").sum()
    )
    got = red.table.set_index(["race", "district"])["hits"]
    assert int(got.loc[("black", "Zone K1")]) == int(hits.loc[("Black", "Zone K1")])
    assert got.sum() == hits.sum()


def test_pre_aggregation_is_exact(ri_data):
    plain = DuckDBReducer(ri_data.con).reduce("stops", spec())
    collapsed = DuckDBReducer(ri_data.con).reduce(
        "stops", spec(("subject_race", "district", "search_conducted", "contraband_found"))
    )
    pdt.assert_frame_equal(plain.table, collapsed.table)
    assert plain.excluded == collapsed.excluded


class RecordingReducer:
    """Any object with reduce(table, spec) -> Reduced can stand in (e.g. a Spark reducer)."""

    def __init__(self, inner: DuckDBReducer) -> None:
        self.inner, self.specs = inner, []

    def reduce(self, table: str, spec: Reduction) -> Reduced:
        self.specs.append(spec)
        return self.inner.reduce(table, spec)


def test_analyses_take_any_reducer(ri_data):
    rec = RecordingReducer(DuckDBReducer(ri_data.con))
    relaxed = {"groups": "black,white", "min_searches": 10}  # OPP's defaults leave no RI district
    assert (
        outcome_test(ri_data, reducer=rec, **relaxed).estimates == outcome_test(ri_data, **relaxed).estimates
    )
    assert len(rec.specs) == 1


def test_extent_is_the_first_and_last_value_of_a_column(ri_data, ri_path):
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    dates = pd.to_datetime(raw.loc[raw["stop_date"] != "", "stop_date"]).dt.date
    assert DuckDBReducer(ri_data.con).extent("stops", "date") == (dates.min(), dates.max())
