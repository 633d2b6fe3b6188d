"""The officer benchmark's named steps, each on its own: which matching cells the data can form, the reduction
asked of the engine, the false-discovery flags (against statsmodels), the officer records and the chart."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
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


def loop_benchmark(t: pd.DataFrame, cells: list[str], alternative: str) -> dict[str, tuple]:
    """The benchmark cell by cell in plain Python: other officers' minority share in each cell the officer
    worked, weighted by the officer's stops there; the variance sums n^2 p(1-p)(1/n + 1/n_others)."""
    rows = t.to_dict("records")
    key = lambda r: tuple(r[c] for c in cells)  # noqa: E731
    total, minority = {}, {}
    for r in rows:
        total[key(r)] = total.get(key(r), 0) + r["n"]
        minority[key(r)] = minority.get(key(r), 0) + r["minority"]
    out = {}
    for officer in sorted({r["officer"] for r in rows}):
        n = m = bench = var = 0.0
        for r in (r for r in rows if r["officer"] == officer):
            others = total[key(r)] - r["n"]
            if others <= 0:
                continue
            p = minority[key(r)] / total[key(r)]
            n, m = n + r["n"], m + r["minority"]
            bench += r["n"] * (minority[key(r)] - r["minority"]) / others
            var += r["n"] ** 2 * p * (1 - p) * (1 / r["n"] + 1 / others)
        if n == 0:
            continue
        se = var**0.5 / n
        z = (m / n - bench / n) / se if se > 0 else 0.0
        p_value = {"greater": norm.sf(z), "less": norm.cdf(z), "two-sided": 2 * norm.sf(abs(z))}[alternative]
        out[officer] = (n, m, m / n, bench / n, z, p_value)
    return out


CELLS = pd.DataFrame(
    {
        "officer": ["a", "a", "a", "b", "b", "c", "c", "d", "e", "e", "f", "b"],
        "district": ["x", "y", "z", "x", "y", "x", "y", "w", "x", "y", "v", "v"],
        "hour": [1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 4, 4],
        "n": [40, 30, 5, 20, 25, 30, 10, 9, 2, 1, 12, 1],  # f's cell has one other stop (b's)
        "minority": [30, 10, 2, 4, 5, 6, 5, 3, 1, 0, 4, 1],
    }
)


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_benchmark_table_matches_the_cell_by_cell_sums(alternative):
    table, excluded = officers.benchmark_table(CELLS, ["district", "hour"], 10, alternative)
    want = loop_benchmark(CELLS, ["district", "hour"], alternative)
    assert table["officer"].tolist() == ["a", "b", "c", "f"]  # d worked alone; e has 3 stops
    assert table.columns.tolist() == ["officer", "n", "m", "share", "benchmark", "z", "p_value"]
    assert table.index.tolist() == [0, 1, 2, 3]
    # an officer with exactly the minimum number of stops is kept (b: 20 + 25 + 1)
    assert officers.benchmark_table(CELLS, ["district", "hour"], 46, alternative)[0]["officer"].tolist() == [
        "a",
        "b",
    ]
    for r in table.itertuples():
        n, m, share, bench, z, p = want[r.officer]
        assert (r.n, r.m) == (n, m)
        assert r.share == pytest.approx(share, rel=1e-12) and r.benchmark == pytest.approx(bench, rel=1e-12)
        assert r.z == pytest.approx(z, rel=1e-12) and r.p_value == pytest.approx(p, rel=1e-12)
    # a's 5 stops in z and d's 9 in w had no other officer; e's 3 stops fall under min_stops
    assert excluded == {
        "stops in cells no other officer worked": 14,
        "officers with fewer than 10 benchmarkable stops": 3,
    }


def test_benchmark_table_without_matching_cells_uses_every_other_stop():
    t = CELLS.drop(columns=["district", "hour"])
    table, excluded = officers.benchmark_table(t, [], 1, "greater")
    want = loop_benchmark(t.assign(all=0), ["all"], "greater")
    assert excluded == {}
    assert table["officer"].tolist() == sorted(want)
    for r in table.itertuples():
        assert r.benchmark == pytest.approx(want[r.officer][3], rel=1e-12)
        assert r.z == pytest.approx(want[r.officer][4], rel=1e-12)


def test_an_officer_in_cells_with_no_variation_has_z_zero():
    t = pd.DataFrame({"officer": ["a", "b", "a", "b"], "district": ["x", "x", "y", "y"], "n": [10, 10, 5, 5],
                      "minority": [0, 0, 5, 5]})  # fmt: skip
    table, _ = officers.benchmark_table(t, ["district"], 1, "greater")
    assert table["z"].tolist() == [0.0, 0.0] and table["p_value"].tolist() == [0.5, 0.5]
    assert table["share"].tolist() == table["benchmark"].tolist() == [1 / 3, 1 / 3]


def test_flag_includes_a_q_value_equal_to_the_rate():
    flagged = officers.flag(pd.DataFrame({"p_value": [0.025, 0.5]}), fdr=0.05)
    assert flagged["q_value"].tolist() == [0.05, 0.5] and flagged["flagged"].tolist() == [True, False]


def test_standard_error_is_the_difference_over_z_and_zero_without_z():
    assert officers._se({"difference": -0.3, "z": 1.5}) == pytest.approx(0.2)
    assert officers._se({"difference": 0.3, "z": 0.0}) == 0.0
    (_, _, low, high) = officers.difference_chart(
        [{"officer_id_hash": "a", "difference": 0.1, "z": 0.0}]
    ).points[0]
    assert low == high == 0.1


def test_chart_shows_the_top_officers_only():
    rows = [{"officer_id_hash": f"o{i:02d}", "difference": 0.1, "z": 1.0} for i in range(20)]
    chart = officers.difference_chart(rows)
    assert [p[0] for p in chart.points] == [f"o{i:02d}" for i in range(15)] and chart.reference == 0.0
    assert len(officers.difference_chart(rows, top=3).points) == 3


def test_flagged_table_lists_each_flagged_officers_figures():
    o = {"officer_id_hash": "h1", "stops": 60, "share": 0.5, "benchmark": 0.3, "z": 2.5, "q_value": 0.01}
    table = officers.flagged_table([o])
    assert table.columns == ["officer", "stops", "share", "benchmark", "z", "q"]
    assert table.rows == [["h1", 60, 0.5, 0.3, 2.5, 0.01]] and table.title == "flagged officers"


def test_caveats_give_the_rate_the_alternative_and_the_cells():
    text = officers.caveats(["black", "hispanic"], ["district", "beat"], [], 0.1, "two-sided")
    assert text[0].startswith(
        "Minority = ['black', 'hispanic']; matching cells: ['none'] (district, beat unavailable"
    )
    assert "FDR at 0.1; alternative: two-sided." in text[2] and len(text) == 3
    same = officers.caveats(["black"], ["beat", "district"], ["district", "beat"], 0.05, "greater")
    assert same[0] == "Minority = ['black']; matching cells: ['district', 'beat']."


def test_officer_rows_keep_every_figure():
    table = pd.DataFrame({"officer": ["a"], "n": [100], "m": [30], "share": [0.3], "benchmark": [0.25],
                          "z": [1.0], "p_value": [0.16], "q_value": [0.2], "flagged": [np.False_]})  # fmt: skip
    assert officers.officer_rows(table) == [
        {"officer_id_hash": "a", "stops": 100, "minority_stops": 30, "share": 0.3, "benchmark": 0.25,
         "difference": 0.3 - 0.25, "z": 1.0, "p_value": 0.16, "q_value": 0.2, "flagged": False}
    ]  # fmt: skip
