"""The officer benchmark's named steps, each on its own: which matching cells the data can form, the reduction
asked of the engine, the false-discovery flags (against statsmodels), the officer records and the chart."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from continuum.analysis.analyses import officers


def test_matching_keys_are_those_the_columns_allow():
    data = SimpleNamespace(columns=["officer_id_hash", "subject_race", "district", "date"])
    assert officers.matching_keys(data, ["district", "hour", "weekday", "beat"]) == ["district", "weekday"]


def test_reduction_counts_minority_stops_and_excludes_missing_keys_by_name():
    spec = officers.reduction(["district", "hour"], ["black", "hispanic"])
    assert spec.keys == {"officer": "officer_id_hash", "district": '"district"', "hour": "hour(time)"}
    assert "IN ('black', 'hispanic')" in spec.sums["minority"]
    assert [name for name, _ in spec.exclusions] == [
        "officer_id_hash missing", "subject_race missing", "district missing", "hour missing",
    ]  # fmt: skip


def test_flag_uses_benjamini_hochberg_as_statsmodels_does():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    flagged = officers.flag(pd.DataFrame({"p_value": p}), fdr=0.05)
    reject, q, _, _ = multipletests(p, alpha=0.05, method="fdr_bh")
    np.testing.assert_allclose(flagged["q_value"], q, rtol=1e-12)
    assert flagged["flagged"].tolist() == reject.tolist()
    empty = officers.flag(pd.DataFrame({"p_value": []}), fdr=0.05)
    assert empty.empty and "flagged" in empty


def test_officer_rows_put_the_largest_z_first_with_the_difference():
    table = pd.DataFrame({
        "officer": ["a", "b"], "n": [100, 80], "m": [30, 40], "share": [0.3, 0.5], "benchmark": [0.25, 0.3],
        "z": [1.0, 3.0], "p_value": [0.16, 0.001], "q_value": [0.16, 0.002], "flagged": [False, True],
    })  # fmt: skip
    rows = officers.officer_rows(table)
    assert [r["officer_id_hash"] for r in rows] == ["b", "a"]
    assert rows[0]["difference"] == 0.5 - 0.3 and rows[0]["flagged"] is True and rows[1]["stops"] == 100


def test_chart_interval_is_the_difference_plus_or_minus_196_standard_errors():
    row = {"officer_id_hash": "abcdefghijklmnop", "difference": 0.2, "z": 2.0}
    (label, value, low, high) = officers.difference_chart([row]).points[0]
    se = 0.2 / 2.0
    assert label == "abcdefghij" and value == 0.2
    assert np.isclose(low, 0.2 - 1.96 * se) and np.isclose(high, 0.2 + 1.96 * se)


def test_caveats_name_the_cells_the_data_could_not_form():
    text = officers.caveats(["black"], ["district", "beat"], ["district"], 0.05, "greater")[0]
    assert "beat unavailable in the data" in text
    assert "unavailable" not in officers.caveats(["black"], ["district"], ["district"], 0.05, "greater")[0]
