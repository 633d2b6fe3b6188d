"""The outcome test's result as a reader gets it, on 19 stops written out here: the pooled comparison's ratios to
the reference group, the eligibility summary (searches and districts kept against all), the parameters echoed
back as given, the chart and rule caveat, and the refusals naming the analysis. Expected counts are tallied by
hand from ``SPEC``; the Katz ratio intervals are computed here from their formula with SciPy's normal quantile.
The file has one month, so OPP's monthly minimums are set where they keep every stop (the month has 19 stops
and every field is recorded), and their values only need to come back in the parameters."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from continuum.analysis.analyses.outcome import cell, outcome_test
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

# (district, race, searched, contraband, how many rows)
SPEC = [
    ("A", "black", "true", "true", 1),
    ("A", "black", "true", "false", 3),
    ("A", "black", "false", "false", 2),
    ("A", "white", "true", "true", 3),
    ("A", "white", "true", "false", 2),
    ("A", "white", "false", "false", 3),
    # B: white never searched, so OPP's minimum of one search per group removes the district
    ("B", "black", "true", "true", 2),
    ("B", "white", "false", "false", 1),
    ("C", "black", "true", "false", 1),
    ("C", "white", "true", "true", 1),
]
MAPPING = """
[columns]
date = { from = "date", format = "%Y-%m-%d" }
subject_race = { from = "race" }
search_conducted = { from = "searched" }
contraband_found = { from = "contraband" }
district = { from = "district" }
"""
ALPHA = 0.1
PARAMS = {"groups": "black,white", "min_searches": 1, "min_geographies": 2, "min_month_stops": 5,
          "coverage": 0.25, "alpha": ALPHA}  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outcome")
    lines = ["date,race,searched,contraband,district"]
    lines += [f"2021-05-01,{r},{s},{c},{d}" for d, r, s, c, times in SPEC for _ in range(times)]
    (folder / "stops.csv").write_text("\n".join(lines) + "\n")
    (folder / "mapping.toml").write_text(MAPPING)
    with load_stops(folder / "stops.csv", folder / "mapping.toml") as loaded:
        yield loaded


@pytest.fixture
def result(data):
    """Run for each test, not once per module: mutmut links a test to the functions called while it runs,
    so a result made once would tie outcome_test's mutants to the first test of the file alone."""
    return outcome_test(data, **PARAMS)


def katz(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float, float]:
    """Risk ratio with its log-normal interval: var(log RR) = 1/k1 - 1/n1 + 1/k0 - 1/n0."""
    rr = (k1 / n1) / (k0 / n0)
    half = stats.norm.ppf(1 - ALPHA / 2) * math.sqrt(1 / k1 - 1 / n1 + 1 / k0 - 1 / n0)
    return rr, rr * math.exp(-half), rr * math.exp(half)


def test_pooled_comparison_has_its_own_ratio_to_the_reference(result):
    """The pooled comparison (every search, no eligibility filter) is read beside the filtered one to see
    whether the filters change the answer, so it needs its own ratio to the reference group: black 3 hits in
    7 searches (A, B, C) against white 4 in 6 (B's white stop was not searched)."""
    pooled = result.estimates["pooled"]["by_group"]
    assert (pooled["black"]["hits"], pooled["black"]["searches"]) == (3, 7)
    assert (pooled["white"]["hits"], pooled["white"]["searches"]) == (4, 6)
    got = pooled["black"]["ratio_to_reference"]
    rr, lo, hi = katz(3, 7, 4, 6)
    assert got["ratio"] == pytest.approx(9 / 14) == pytest.approx(rr)
    assert got["ci95"] == pytest.approx([lo, hi])
    assert "ratio_to_reference" not in pooled["white"]  # the reference is not compared with itself
    # the filtered comparison (A and C only): black 1 of 5, white 4 of 6
    filtered = result.estimates["by_group"]["black"]["ratio_to_reference"]
    assert filtered["ratio"] == pytest.approx(0.3)
    assert filtered["ci95"] == pytest.approx(list(katz(1, 5, 4, 6)[1:]))


def test_eligibility_summary_counts_searches_and_districts_kept(result):
    """What the filters left: 11 searches kept (A: 4 + 5, C: 1 + 1) of 13 pooled, 2 of the 3 districts."""
    assert result.estimates["eligibility"] == {
        "searches_kept": 11,
        "searches_pooled": 13,
        "share_of_searches_dropped": pytest.approx(2 / 13),
        "geographies_kept": 2,
        "geographies_total": 3,
    }
    assert sorted(result.estimates["eligible_geographies"]) == ["A", "C"]
    assert result.n_used == 11


def test_parameters_come_back_as_given(result):
    """A result must be reproducible from its parameters: the groups compared (as a list), and OPP's month
    minimum and coverage threshold as the user set them, not the defaults."""
    p = result.params
    assert p["groups"] == ["black", "white"]
    assert (p["min_searches"], p["min_geographies"], p["min_month_stops"]) == (1, 2, 5)
    assert p["coverage"] == 0.25 and p["alpha"] == ALPHA
    assert (p["group"], p["geography"], p["reference"], p["discretionary"]) == ("subject_race", "district",
                                                                                 "white", False)  # fmt: skip


def test_result_names_the_analysis_the_group_and_the_rule(result):
    """The result, its chart and its caveats say what was compared and under which rule."""
    assert result.analysis == "outcome-test"
    chart = result.charts[0]
    assert chart.title == "hit rate by subject_race"
    assert [p[0] for p in chart.points] == ["black", "white", "black (pooled)", "white (pooled)"]
    rule = next(c for c in result.caveats if c.startswith("OPP eligibility"))
    assert "has at least 1 searches, and at least 2 such districts" in rule
    assert "2 of 3 districts kept" in rule


def test_refusals_name_the_outcome_test(data):
    """A column the test needs and the mapping lacks is refused naming the analysis, so a user running
    several knows which one asked: hit rates by sex without a sex column, discretionary searches without
    the search basis."""
    with pytest.raises(InputError) as caught:
        outcome_test(data, group="subject_sex", **PARAMS)
    assert caught.value.reason.startswith("outcome-test needs standard column(s) ['subject_sex']")
    with pytest.raises(InputError) as caught:
        outcome_test(data, discretionary="yes", **PARAMS)
    assert caught.value.reason.startswith(
        "outcome-test (discretionary) needs standard column(s) ['search_basis']"
    )


def test_a_cell_without_searches_has_no_hit_rate():
    """No searches: no rate (not a division by zero), and no interval; a cell with searches keeps k / n."""
    empty = cell(0, 0, 0.05)
    assert (empty["searches"], empty["hits"], empty["hit_rate"]) == (0, 0, None)
    assert all(math.isnan(v) for v in empty["ci95"])
    assert cell(3, 4, 0.05)["hit_rate"] == 0.75
