"""OPP's eligibility pipeline as a whole (``opp_eligibility``, ``eligible_searches``), the reduced table every
step reads, the pooled searches beside the filtered ones, and the headline warnings a reader sees first.

Each test runs on a few rows written out here, with the thresholds lowered so that one or two stops decide a
step; every expected count is hand arithmetic over those rows. The single filter steps have their own tests
in test_eligibility.py and test_eligibility_filters.py."""

from __future__ import annotations

import pandas as pd
import pytest

from continuum.analysis.analyses.eligibility import (
    Decision,
    Pipeline,
    direction,
    eligible_searches,
    headline_warnings,
    hit_rates,
    opp_eligibility,
    reduce_for_eligibility,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

COLUMNS = ("date", "district", "subject_race", "type", "search_conducted", "search_basis", "contraband_found")
LOW = {"min_searches": 1, "min_geographies": 1, "min_month_stops": 1, "coverage": 0.5}


def stops(n, race="black", geo="A", month="2021-01", searched="true", found="false", basis="consent",
          type_="vehicular") -> list[dict]:  # fmt: skip
    """``n`` identical stops (a search's basis is blanked when not searched, as the files have it)."""
    row = {
        "date": f"{month}-15",
        "district": geo,
        "subject_race": race,
        "type": type_,
        "search_conducted": searched,
        "search_basis": basis if searched == "true" else "",
        "contraband_found": found,
    }
    return [dict(row) for _ in range(n)]


def write(tmp_path, rows, drop=()) -> str:
    path = tmp_path / "stops.csv"
    cols = [c for c in COLUMNS if c not in drop]
    pd.DataFrame(rows, columns=list(COLUMNS))[cols].to_csv(path, index=False)
    return path


def eligible(tmp_path, rows, groups=("black", "white"), discretionary="auto", drop=(), **params):
    """``eligible_searches`` as the outcome test calls it, on ``rows`` with the low thresholds."""
    with load_stops(write(tmp_path, rows, drop)) as data:
        return eligible_searches(
            data, "outcome-test", group="subject_race", geography="district", groups=list(groups),
            discretionary=discretionary, reducer=None, **{**LOW, **params},
        )  # fmt: skip


def clean() -> list[dict]:
    """District A, one month: black 2 searches (1 hit) + 1 stop, white 2 searches (1 hit) + 1 stop."""
    rows = stops(1, "black", found="true") + stops(1, "black") + stops(1, "black", searched="false")
    return rows + stops(1, "white", found="true") + stops(1, "white") + stops(1, "white", searched="false")


STEPS = [
    "filter to vehicular stops",
    "remove months with fewer than 1 stops",
    "remove months where subject_race is recorded less than 50% of the time",
    "filter to subject_race in black, white",
    "remove months where search_conducted is recorded less than 50% of the time",
    "keep only discretionary searches (plain view, consent, probable cause, k9, or no basis recorded)",
    "remove rows where search_conducted is missing",
    "remove months where contraband_found is recorded less than 50% of the time",
    "remove months where district is recorded less than 50% of the time",
    "remove rows where district is missing",
    "remove districts with fewer than 1 searches per group",
    "remove the data if fewer than 1 districts remain",
    "remove searches where contraband_found is missing",
    "remove stops with contraband found but no search",
]


def test_each_step_is_named_for_the_column_it_checks_and_says_no_change_on_a_clean_file(tmp_path):
    """The eligibility table is how an analyst audits the filters: each coverage step must name the column it
    measured (contraband_found, search_conducted, the geography), every step must run on dated data, and a
    step that removed nothing must say "no change", never an empty "removed months"."""
    e, geography, label = eligible(tmp_path, clean())
    assert (geography, label) == ("district", "district")
    assert [d.action for d in e.decisions] == STEPS
    results = [d.result for d in e.decisions]
    assert results[:11] == ["no change"] * 11
    assert results[11:] == ["1 districts kept", "no change", "no change"]
    assert all(d.stops_dropped == 0 and d.searches_dropped == 0 for d in e.decisions)
    assert all(isinstance(d.reason, str) and d.reason for d in e.decisions)
    assert e.decisions[0].reason == "pedestrian stops are qualitatively different"


def test_a_step_that_removes_rows_says_so_and_names_every_month_it_removed(tmp_path):
    """Two sparse months (2 and 1 stops, under 3) are both named, in order, with their stops and searches;
    a pedestrian stop dropped by the vehicular filter is reported as "rows removed"."""
    rows = clean() + clean() + stops(1, "black", type_="pedestrian")
    rows += stops(1, "white", month="2021-03") + stops(1, "black", month="2021-02", searched="false")
    rows += stops(1, "white", month="2021-02")
    e, _, _ = eligible(tmp_path, rows, min_month_stops=3)
    vehicular, months = e.decisions[0], e.decisions[1]
    assert (vehicular.result, vehicular.stops_dropped, vehicular.searches_dropped) == ("rows removed", 1, 1)
    assert months.action == "remove months with fewer than 3 stops"
    assert (months.result, months.stops_dropped, months.searches_dropped) == (
        "removed months 2021-02, 2021-03",
        3,
        2,
    )


def test_the_thresholds_given_are_the_ones_applied(tmp_path):
    """min_month_stops and coverage reach the pipeline: a month of 3 stops stays at min_month_stops=3 (OPP's
    default of 50 would drop it), and a month with race recorded for 4 of 5 stops (80%) goes at
    coverage=0.9 (the default 50% would keep it)."""
    month = stops(2, "black", month="2021-02") + stops(1, "white", month="2021-02")
    e, _, _ = eligible(tmp_path, clean() + month, min_month_stops=3)
    assert set(e.t["month"]) == {"2021-01", "2021-02"}
    rows = clean() + stops(2, "black", month="2021-02") + stops(2, "white", month="2021-02")
    rows += stops(1, "unknown", month="2021-02", searched="false")
    e, _, _ = eligible(tmp_path, rows, coverage=0.9)
    race = e.decisions[2]
    assert race.action == "remove months where subject_race is recorded less than 90% of the time"
    assert (race.result, race.stops_dropped, race.searches_dropped) == ("removed months 2021-02", 5, 4)
    assert set(e.t["month"]) == {"2021-01"}


def test_a_stop_with_no_search_recorded_is_not_counted_as_a_search(tmp_path):
    """Two stops with search_conducted blank (one with contraband recorded as false): the step that drops
    them removes 2 stops and 0 searches, and the pooled comparison does not count them as searches."""
    rows = clean() + stops(1, "black", searched="", found="") + stops(1, "white", searched="", found="false")
    e, _, _ = eligible(tmp_path, rows)
    na = e.decisions[6]
    assert na.action == "remove rows where search_conducted is missing"
    assert (na.stops_dropped, na.searches_dropped) == (2, 0)
    assert hit_rates(e.pooled) == {"black": (1, 2), "white": (1, 2)}
    assert int(e.pooled["n"].sum()) == 4


def test_with_discretionary_no_the_pooled_searches_keep_every_basis(tmp_path):
    """discretionary="no" compares every search, so the pooled side must too: the 3 black searches with a
    non-discretionary basis ("other": incident to arrest, inventory; all hits) count there, 4 hits of 5 black
    searches pooled; with "yes" both sides leave them out."""
    rows = clean() + stops(3, "black", basis="other", found="true")
    e, _, _ = eligible(tmp_path, rows, discretionary="no")
    assert e.discretionary is False
    assert hit_rates(e.pooled) == {"black": (4, 5), "white": (1, 2)}
    assert hit_rates(e.t) == {"black": (4, 5), "white": (1, 2)}
    e, _, _ = eligible(tmp_path, rows, discretionary="yes")
    assert hit_rates(e.pooled) == hit_rates(e.t) == {"black": (1, 2), "white": (1, 2)}


def test_a_compared_group_stopped_but_never_searched_makes_every_district_ineligible(tmp_path):
    """OPP needs min_searches searches of every compared group in a district: hispanic drivers were stopped
    (so the group is in the data) but never searched, so no district qualifies and the run says why."""
    rows = clean() + stops(2, "hispanic", searched="false")
    with pytest.raises(InputError, match="remove districts with fewer than 1 searches per group: removed A"):
        eligible(tmp_path, rows, groups=("black", "white", "hispanic"))


def test_the_reduced_table_keeps_missing_flags_missing(tmp_path):
    """Every step reads this table: one row per cell with its stop count ``n``; search_conducted and
    contraband_found stay nullable booleans, so a blank is missing (not false, not a number)."""
    rows = stops(2, "black", found="true") + stops(1, "white", searched="", found="")
    with load_stops(write(tmp_path, rows)) as data:
        t = reduce_for_eligibility(data, "subject_race", "district", None)
    assert list(t.columns) == ["month", "geo", "group", "type", "searched", "basis", "found", "n"]
    assert t["searched"].dtype == "boolean" and t["found"].dtype == "boolean"
    got = t.astype(object).where(t.notna(), None).values.tolist()
    assert sorted(got, key=str) == sorted(
        [
            ["2021-01", "A", "black", "vehicular", True, "discretionary", True, 2],
            ["2021-01", "A", "white", "vehicular", None, None, None, 1],
        ],
        key=str,
    )


def test_the_eligible_table_is_the_reduced_cells_kept_and_numbered_afresh(tmp_path):
    """``Eligibility.t`` has exactly the reduced table's columns (no leftover index column) and a fresh
    0..n-1 index once cells were dropped: district A (no white search) goes, B's six cells stay."""
    rows = stops(2, "black", geo="A") + [dict(r, district="B") for r in clean()]
    with load_stops(write(tmp_path, rows)) as data:
        e = opp_eligibility(data, group="subject_race", geography="district", groups=["black", "white"],
                            discretionary="auto", **LOW)  # fmt: skip
    assert list(e.t.columns) == ["month", "geo", "group", "type", "searched", "basis", "found", "n"]
    assert list(e.t.index) == list(range(len(e.t)))
    assert set(e.t["geo"]) == {"B"} and len(e.t) == 6 and int(e.t["n"].sum()) == 6
    assert e.geographies_total == 2


def test_an_unknown_discretionary_setting_is_refused_by_name(tmp_path):
    with load_stops(write(tmp_path, clean())) as data, pytest.raises(InputError) as err:
        opp_eligibility(data, group="subject_race", geography="district", groups=["black", "white"],
                        discretionary="maybe")  # fmt: skip
    assert str(err.value) == "discretionary must be auto, yes or no, not 'maybe'"


@pytest.mark.parametrize(
    "drop,discretionary,message",
    [
        (("subject_race",), "auto", "outcome-test needs standard column(s) ['subject_race']"),
        (("search_conducted",), "auto", "outcome-test needs standard column(s) ['search_conducted']"),
        (("contraband_found",), "auto", "outcome-test needs standard column(s) ['contraband_found']"),
        (("search_basis",), "yes", "outcome-test (discretionary) needs standard column(s) ['search_basis']"),
    ],
)
def test_a_missing_required_column_is_named_before_any_work(tmp_path, drop, discretionary, message):
    """The analyst must learn which mapped column is missing, under the analysis's name, not a SQL error."""
    with pytest.raises(InputError) as err:
        eligible(tmp_path, clean(), drop=drop, discretionary=discretionary)
    assert message + ", which the mapping does not provide" in str(err.value)
    assert err.value.column == drop[0]


def test_without_a_geography_column_the_label_is_geography(tmp_path):
    """No district column: every stop is one geography, and the messages call it "geography"."""
    e, geography, label = eligible(tmp_path, clean(), drop=("district",))
    assert (geography, label) == (None, "geography")
    assert e.decisions[8].action == "remove months where geography is recorded less than 50% of the time"


# --- the hit-rate helpers ---------------------------------------------------------------------------------


def test_direction_compares_hit_rates_exactly_and_zero_when_either_side_is_empty():
    assert direction(1, 3, 1, 4) == 1 and direction(1, 4, 1, 3) == -1
    assert direction(1, 2, 2, 4) == 0  # 1/2 = 2/4: equal, however written
    assert direction(0, 0, 1, 2) == 0 and direction(1, 2, 0, 0) == 0  # not comparable


def test_hit_rates_count_only_recorded_searches_and_recorded_hits():
    """A missing search flag is not a search and a missing outcome is not a hit (black: 2 hits of 5
    searches; the stop with search_conducted missing and the unsearched stop are left out)."""
    t = pd.DataFrame(
        {
            "group": ["black", "black", "black", "black", "white"],
            "searched": pd.array([True, True, None, False, True], dtype="boolean"),
            "found": pd.array([True, None, True, False, False], dtype="boolean"),
            "n": [2, 3, 7, 11, 1],
        }
    )
    assert hit_rates(t) == {"black": (2, 5), "white": (0, 1)}


def test_a_missing_mask_entry_keeps_the_cell():
    """Pipeline.drop removes only cells the mask marks true; an undecided (missing) entry keeps the cell."""
    t = pd.DataFrame({"searched": pd.array([True, False, True], dtype="boolean"), "n": [1, 2, 4]})
    p = Pipeline(t)
    p.drop(pd.Series(pd.array([True, None, False], dtype="boolean")), "drop", "why")
    assert list(p.t["n"]) == [2, 4]
    assert p.decisions == [Decision("drop", "why", "rows removed", 1, 1)]


# --- the headline warnings ----------------------------------------------------------------------------------


def kept_and_dropped(a: dict, d: dict) -> list[dict]:
    """District A (kept) and D (dropped: no more than one white search, under min_searches=2); each dict maps
    a group to (searches, hits)."""
    rows = []
    for geo, cells in (("A", a), ("D", d)):
        for race, (n, k) in cells.items():
            rows += stops(k, race, geo=geo, found="true") + stops(n - k, race, geo=geo)
    return rows


def test_exactly_half_the_searches_dropped_is_not_most(tmp_path):
    """4 of 8 searches kept: the filters dropped exactly half, not "most", so no warning (the rates are
    equal, 1/2 and 1/2, so there is no reversal either)."""
    rows = kept_and_dropped({"black": (2, 1), "white": (2, 1)}, {"black": (3, 1), "white": (1, 0)})
    e, _, label = eligible(tmp_path, rows, min_searches=2)
    assert e.share_of_searches_dropped == 0.5
    assert headline_warnings(e, "white", label) == []


@pytest.mark.parametrize("d_black", [(4, 4), (4, 0)], ids=["pooled-above", "pooled-below"])
def test_equal_filtered_rates_are_no_reversal(tmp_path, d_black):
    """Filtered, black and white both hit 1 of 2; pooled, black is above (5/6 vs 1/3) or below (1/6 vs
    2/3) white. Equal is not the opposite of either, so only the "dropped most" warning is given."""
    white = (1, 0) if d_black == (4, 4) else (1, 1)
    rows = kept_and_dropped({"black": (2, 1), "white": (2, 1)}, {"black": d_black, "white": white})
    e, _, label = eligible(tmp_path, rows, min_searches=2)
    (most,) = headline_warnings(e, "white", label)
    assert most.startswith("OPP's eligibility filters dropped 56% of the searches (5 of 9); 1 of 2 districts")


def test_a_reversal_is_reported_whatever_the_order_of_the_groups(tmp_path):
    """Filtered: black 0/2 vs white 2/2; pooled: black 10/12 vs white 2/3. The reference listed first must
    not stop the check of the groups after it."""
    rows = kept_and_dropped({"black": (2, 0), "white": (2, 2)}, {"black": (10, 10), "white": (1, 0)})
    e, _, label = eligible(tmp_path, rows, groups=("white", "black"), min_searches=2)
    assert e.groups == ["white", "black"]
    most, reversed_ = headline_warnings(e, "white", label)
    assert most.startswith("OPP's eligibility filters dropped 73% of the searches (11 of 15)")
    assert reversed_ == (
        "The filters reverse the comparison: in the filtered data searches of black find contraband less "
        "often than searches of white (0.0% of 2 vs 100.0% of 2); pooled over all the data, more often "
        "(83.3% of 12 vs 66.7% of 3)."
    )


@pytest.mark.parametrize("missing", ["white", "hispanic"])
def test_a_group_with_no_outcome_left_is_skipped_not_a_crash(tmp_path, missing):
    """In district A the only search of one group has no recorded outcome, so the last steps leave that
    group (the reference white, or hispanic) without filtered searches, while district B (dropped: no black
    search) gives it pooled ones. The reversal check skips what it cannot compare."""
    rows = stops(2, "black", found="true") + stops(2, "white") + stops(2, "hispanic")
    rows = [r for r in rows if r["subject_race"] != missing]
    rows += stops(1, missing, found="") + stops(2, missing, geo="B", found="true")
    e, _, label = eligible(tmp_path, rows, groups=("black", "white", "hispanic"))
    assert missing not in hit_rates(e.t) and hit_rates(e.pooled)[missing] == (2, 2)
    assert headline_warnings(e, "white", label) == []
