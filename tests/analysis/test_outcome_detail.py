"""The outcome (hit-rate) test on a file built here row by row, every number of its result checked against a
count made here in plain Python over the same rows, and the intervals against statsmodels: exclusions with
their reasons, which districts pass OPP's minimum searches, which searches count as discretionary (a missing
basis does, as in OPP), hit rates and their Wilson intervals at the chosen level, ratios to the reference
(Katz), the tables, the chart, the counts and the parameters. The file is tiny, so OPP's month and size
minimums are lowered (``LOW``); test_eligibility.py tests them at OPP's values."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.outcome import outcome_test
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops
from continuum.analysis.schema import DISCRETIONARY_BASES

# (district, race, searched, basis, contraband, how many rows). "" is a blank cell.
SPEC = [
    # District A: large, every group present.
    ("A", "black", "true", "consent", "true", 3),
    ("A", "black", "true", "consent", "false", 2),
    ("A", "black", "true", "other", "true", 2),  # non-discretionary
    ("A", "black", "true", "", "false", 1),  # basis missing
    ("A", "black", "false", "", "", 6),
    ("A", "white", "true", "probable cause", "true", 1),
    ("A", "white", "true", "k9", "false", 4),
    ("A", "white", "true", "plain view", "true", 1),
    ("A", "white", "false", "", "", 9),
    ("A", "hispanic", "true", "consent", "false", 2),
    ("A", "hispanic", "false", "", "", 5),
    # District B: one search per group but white and hispanic (min_searches=2 removes it).
    ("B", "black", "true", "consent", "true", 2),
    ("B", "black", "false", "", "", 5),
    ("B", "white", "true", "consent", "false", 1),
    ("B", "white", "false", "", "", 2),
    ("B", "hispanic", "true", "consent", "false", 1),
    ("B", "hispanic", "false", "", "", 6),
    # District C: hispanic has no search (OPP removes a district where a group has none).
    ("C", "black", "true", "consent", "false", 2),
    ("C", "black", "false", "", "", 5),
    ("C", "white", "true", "consent", "true", 1),
    ("C", "white", "false", "", "", 6),
    ("C", "hispanic", "false", "", "", 6),
    # Excluded before anything else, one reason each.
    ("A", "black", "", "", "", 2),  # search_conducted missing
    ("A", "", "true", "consent", "true", 1),  # race missing
    ("A", "other", "true", "consent", "false", 3),  # not among the compared groups
    ("A", "white", "true", "consent", "", 1),  # searched, contraband missing
    ("A", "hispanic", "false", "", "true", 1),  # contraband without a search
    ("", "white", "true", "consent", "true", 2),  # district missing
]
MAPPING = """
[columns]
date = { from = "date", format = "%Y-%m-%d" }
subject_race = { from = "race" }
search_conducted = { from = "searched" }
contraband_found = { from = "contraband" }
search_basis = { from = "basis" }
district = { from = "district" }
"""
GROUPS = ["black", "white", "hispanic"]
LOW = {"min_month_stops": 0, "min_geographies": 1}


def rows(spec=SPEC):
    for district, race, searched, basis, contraband, times in spec:
        for _ in range(times):
            yield district, race, searched, basis, contraband


def write(tmp_path, spec=SPEC, basis=True):
    lines = ["date,race,searched,contraband,district" + (",basis" if basis else "")]
    for district, race, searched, b, contraband in rows(spec):
        lines.append(f"2021-05-01,{race},{searched},{contraband},{district}" + (f",{b}" if basis else ""))
    path = tmp_path / "stops.csv"
    path.write_text("\n".join(lines) + "\n")
    mapping = tmp_path / "mapping.toml"
    text = MAPPING if basis else MAPPING.replace('search_basis = { from = "basis" }\n', "")
    mapping.write_text(text)
    return path, mapping


@pytest.fixture
def data(tmp_path):
    path, mapping = write(tmp_path)
    with load_stops(path, mapping) as loaded:
        yield loaded


def clean_rows(spec=SPEC):
    """The rows no exclusion reason applies to, before the minimum searches, with OPP's discretionary rule."""
    return [
        r
        for r in rows(spec)
        if r[2] and r[1] in GROUPS and not (r[2] == "true" and not r[4]) and not (r[2] == "false" and r[4] == "true")
        and r[0] and not (r[2] == "true" and r[3] == "other")
    ]  # fmt: skip


def expected_eligible(min_searches: int) -> list[str]:
    searches = Counter((r[0], r[1]) for r in clean_rows() if r[2] == "true")
    districts = {r[0] for r in clean_rows()}
    ok = [d for d in districts if all(searches[d, g] >= max(min_searches, 1) for g in GROUPS)]
    size = Counter(r[0] for r in clean_rows())
    return sorted(ok, key=lambda d: -size[d])


def counted(eligible: list[str], discretionary: bool) -> dict[str, tuple[int, int]]:
    """(hits, searches) by group over the rows the test compares; a missing basis is discretionary (OPP)."""
    out: dict[str, list[int]] = {}
    for district, race, searched, basis, contraband in rows():
        if district not in eligible or searched != "true" or race not in GROUPS or not contraband:
            continue
        if discretionary and basis and basis not in DISCRETIONARY_BASES:
            continue
        cell = out.setdefault(race, [0, 0])
        cell[0] += contraband == "true"
        cell[1] += 1
    return {g: (k, n) for g, (k, n) in out.items()}


def test_exclusions_each_with_its_reason_and_count(data):
    result = outcome_test(data, min_searches=2, **LOW)
    assert result.n_input == sum(s[-1] for s in SPEC)
    eligible = expected_eligible(2)
    assert eligible == ["A"]
    other_searches = sum(1 for r in rows() if r[3] == "other" and r[1] in GROUPS and r[2] == "true")
    in_other_districts = sum(1 for r in clean_rows() if r[0] not in eligible)
    not_searched = sum(1 for r in clean_rows() if r[0] in eligible and r[2] == "false")
    assert result.n_excluded == {
        "filter to subject_race in black, white, hispanic": 1 + 3,  # race missing, race other
        "keep only discretionary searches (plain view, consent, probable cause, k9, or no basis recorded)": (
            other_searches
        ),
        "remove rows where search_conducted is missing": 2,
        "remove rows where district is missing": 2,
        "remove districts with fewer than 2 searches per group": in_other_districts,
        "remove searches where contraband_found is missing": 1,
        "remove stops with contraband found but no search": 1,
        "search not conducted": not_searched,
    }
    assert result.n_used == sum(n for _, n in counted(eligible, True).values())
    assert result.n_used + sum(result.n_excluded.values()) == result.n_input


@pytest.mark.parametrize("min_searches", [0, 1, 2, 3, 6, 7])
def test_the_districts_compared_follow_the_minimum_searches(data, min_searches):
    eligible = expected_eligible(min_searches)
    if not eligible:
        with pytest.raises(InputError, match=f"remove districts with fewer than {min_searches} searches"):
            outcome_test(data, min_searches=min_searches, **LOW)
        return
    result = outcome_test(data, min_searches=min_searches, **LOW)
    assert result.estimates["eligible_geographies"] == eligible
    assert sorted(result.estimates["by_geography"]) == sorted(eligible)
    assert f"each of {GROUPS} has at least {min_searches} searches" in " ".join(result.caveats)


def test_too_few_districts_left_is_an_error_that_names_the_step(data):
    assert len(expected_eligible(1)) == 2
    with pytest.raises(InputError, match="location eliminated: 2 district"):
        outcome_test(data, min_searches=1, min_month_stops=0, min_geographies=3)


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_hit_rates_intervals_and_ratios_are_counted_right(data, alpha):
    result = outcome_test(data, min_searches=1, alpha=alpha, **LOW)
    eligible = expected_eligible(1)
    expected = counted(eligible, discretionary=True)
    by_group = result.estimates["by_group"]
    assert set(by_group) == set(expected)
    for group, (k, n) in expected.items():
        got = by_group[group]
        assert (got["hits"], got["searches"]) == (k, n)
        assert got["hit_rate"] == pytest.approx(k / n, abs=1e-15)
        assert got["ci95"] == pytest.approx(
            list(proportion_confint(k, n, alpha=alpha, method="wilson")), abs=1e-12
        )
    ref_k, ref_n = expected["white"]
    z = stats.norm.ppf(1 - alpha / 2)
    for group in ("black", "hispanic"):
        k, n = expected[group]
        ratio = by_group[group]["ratio_to_reference"]
        if k == 0:  # no hit: the log-normal interval is undefined, and said so (NaN), not made up
            assert all(math.isnan(v) for v in (ratio["ratio"], *ratio["ci95"]))
            continue
        rr = (k / n) / (ref_k / ref_n)
        se = math.sqrt(1 / k - 1 / n + 1 / ref_k - 1 / ref_n)
        assert ratio["ratio"] == pytest.approx(rr, abs=1e-12)
        assert ratio["ci95"] == pytest.approx([rr * math.exp(-z * se), rr * math.exp(z * se)], abs=1e-12)
    assert "ratio_to_reference" not in by_group["white"]
    for district in eligible:
        per = counted([district], discretionary=True)
        for group, (k, n) in per.items():
            cell = result.estimates["by_geography"][district][group]
            assert (cell["hits"], cell["searches"], cell["hit_rate"]) == (k, n, pytest.approx(k / n))
    pooled = counted(["A", "B", "C"], discretionary=True)  # every district with one (district-less rows too)
    blank = counted([""], discretionary=True)
    got = {g: (c["hits"], c["searches"]) for g, c in result.estimates["pooled"]["by_group"].items()}
    assert got == {
        g: (k + blank.get(g, (0, 0))[0], n + blank.get(g, (0, 0))[1]) for g, (k, n) in pooled.items()
    }


def test_tables_chart_counts_and_parameters_say_the_same(data):
    result = outcome_test(data, min_searches=1, reference="black", alpha=0.1, **LOW)
    by_group, pooled = result.estimates["by_group"], result.estimates["pooled"]["by_group"]
    overall, pooled_table, steps, by_district = result.tables
    assert overall.title == "hit rate by subject_race"
    assert overall.columns == ["subject_race", "searches", "hits", "hit rate", "low", "high"]
    assert overall.rows == [
        [g, e["searches"], e["hits"], e["hit_rate"], *e["ci95"]] for g, e in by_group.items()
    ]
    assert pooled_table.rows == [
        [g, e["searches"], e["hits"], e["hit_rate"], *e["ci95"]] for g, e in pooled.items()
    ]
    assert steps.rows == [
        [s["action"], s["result"], s["stops_dropped"], s["searches_dropped"]]
        for s in result.counts["eligibility_steps"]
    ]
    assert by_district.columns == ["district", "subject_race", "searches", "hits", "hit rate"]
    assert len(by_district.rows) == sum(len(c) for c in result.estimates["by_geography"].values())
    chart = result.charts[0]
    assert chart.points == [(g, e["hit_rate"], *e["ci95"]) for g, e in by_group.items() if e["searches"]] + [
        (f"{g} (pooled)", e["hit_rate"], *e["ci95"]) for g, e in pooled.items() if e["searches"]
    ]
    assert "ratio_to_reference" not in by_group["black"] and "ratio_to_reference" in by_group["white"]
    assert {k: result.params[k] for k in ("group", "geography", "groups", "reference", "discretionary")} == {
        "group": "subject_race", "geography": "district", "groups": GROUPS, "reference": "black",
        "discretionary": True,
    }  # fmt: skip
    assert (result.params["min_searches"], result.params["min_geographies"], result.params["alpha"]) == (
        1,
        1,
        0.1,
    )
    assert any(c.startswith("Discretionary searches only") for c in result.caveats)


def test_all_searches_when_asked_or_when_no_basis_is_recorded(data, tmp_path):
    everything = outcome_test(data, min_searches=1, discretionary="no", **LOW)
    expected = counted(expected_eligible(1), discretionary=False)
    assert {g: (e["hits"], e["searches"]) for g, e in everything.estimates["by_group"].items()} == expected
    assert everything.params["discretionary"] is False
    assert any(c.startswith("All searches") for c in everything.caveats)
    path, mapping = write(tmp_path, basis=False)
    with load_stops(path, mapping) as without:
        auto = outcome_test(without, min_searches=1, **LOW)
        assert auto.params["discretionary"] is False and auto.n_used == everything.n_used
        with pytest.raises(InputError, match="search_basis"):
            outcome_test(without, min_searches=1, discretionary="yes", **LOW)


def test_without_a_geography_the_whole_file_is_one_cell(data):
    result = outcome_test(data, geography=None, min_searches=1, **LOW)
    assert result.estimates["eligible_geographies"] == ["all"] and "by_geography" not in result.estimates
    assert len(result.tables) == 3 and result.params["geography"] is None
    assert "remove rows where geography is missing" not in result.n_excluded  # no geography: no reason
    same = outcome_test(data, geography="precinct", min_searches=1, **LOW)  # a column the file does not map
    assert same.params["geography"] is None
    with pytest.raises(InputError, match="location eliminated: 1 geographies remained"):
        outcome_test(data, geography=None, min_searches=1, min_month_stops=0)
