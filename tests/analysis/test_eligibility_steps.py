"""OPP's eligibility filters one at a time, on the reduced table they share (one row per cell with ``n`` stops):
for each step, what it keeps and drops at its boundary (exactly at a threshold, one under), and the decision it
records — action, OPP's reason, result, stops and searches dropped — which a result reports in
``counts["eligibility_steps"]`` and in its eligibility table. Each expected count is added up by hand from the
cells written out in the test. The whole pipeline on files is in test_eligibility.py."""

from __future__ import annotations

import pandas as pd

from continuum.analysis.analyses.eligibility import (
    Decision,
    Pipeline,
    filter_to_discretionary_searches_if_search_basis,
    filter_to_races,
    filter_to_vehicular_stops,
    remove_locations_with_too_few_searches_per_race,
    remove_locations_with_too_few_subgeographies,
    remove_months_with_low_coverage,
    remove_months_with_too_few_stops,
    remove_na,
    remove_outcome_without_action,
    remove_searches_without_outcome,
)

DISCRETIONARY = (
    "keep only discretionary searches (plain view, consent, probable cause, k9, or no basis recorded)"
)
OBLIGED = "the officer decides to make these searches and is not obligated"
NO_DATE = "date not recorded: not applied"


def cell(
    n, month="2021-01", geo="A", group="black", type_="vehicular", searched=False, basis=None, found=False
):
    """One row of the reduced table, as ``reduce_for_eligibility`` makes it (a search's basis class is
    'discretionary', 'other' or 'missing'; None when there was no search)."""
    if searched and basis is None:
        basis = "discretionary"
    return {"month": month, "geo": geo, "group": group, "type": type_, "searched": searched, "basis": basis,
            "found": found, "n": n}  # fmt: skip


def pipeline(*cells) -> Pipeline:
    t = pd.DataFrame(list(cells))
    for c in ("searched", "found"):
        t[c] = t[c].astype("boolean")
    return Pipeline(t)


def kept(p: Pipeline, column: str) -> dict:
    """Stops left, by the values of ``column`` (missing values as None)."""
    sums = p.t.groupby(column, dropna=False)["n"].sum()
    return {None if pd.isna(k) else k: int(v) for k, v in sums.items()}


# --- stop type ------------------------------------------------------------------------------------------------


def test_pedestrian_stops_are_dropped_with_opps_reason():
    p = pipeline(
        cell(5),
        cell(2, searched=True),
        cell(3, type_="pedestrian"),
        cell(1, type_="pedestrian", searched=True),
    )
    filter_to_vehicular_stops(p, has_type=True)
    assert kept(p, "type") == {"vehicular": 7}
    assert p.decisions == [
        Decision(
            "filter to vehicular stops", "pedestrian stops are qualitatively different", "rows removed", 4, 1
        )
    ]


# --- months with too few stops ----------------------------------------------------------------------------------


def test_a_month_with_exactly_the_minimum_stops_stays_and_one_under_goes():
    """OPP: ``filter(month_count, n < min_stops)``; 50 stops is enough, 49 is not."""
    p = pipeline(cell(40, "2021-01"), cell(10, "2021-01", searched=True), cell(45, "2021-02"),
                 cell(4, "2021-02", searched=True))  # fmt: skip
    remove_months_with_too_few_stops(p, 50, has_date=True)
    assert kept(p, "month") == {"2021-01": 50}
    assert p.decisions == [
        Decision(
            "remove months with fewer than 50 stops",
            "data is too sparse to trust",
            "removed months 2021-02",
            49,
            4,
        )
    ]


def test_stops_without_a_date_are_one_sparse_month_of_their_own():
    """OPP counts ``format(date, "%Y-%m")`` with dplyr, which keeps the rows without a date as one group (NA),
    and ``NA %in% bad_months`` is true in R: 20 undated stops are too few and go, like any month of 20 stops."""
    p = pipeline(cell(60, "2021-01"), cell(15, None), cell(5, None, searched=True))
    remove_months_with_too_few_stops(p, 50, has_date=True)
    assert kept(p, "month") == {"2021-01": 60}
    (d,) = p.decisions
    assert (d.stops_dropped, d.searches_dropped, d.result) == (20, 5, "removed the rows with no date")


def test_without_a_date_the_month_steps_say_they_were_not_applied():
    p = pipeline(cell(3, None))
    remove_months_with_too_few_stops(p, 50, has_date=False)
    remove_months_with_low_coverage(p, "group", "subject_race", 0.5, has_date=False)
    assert kept(p, "month") == {None: 3}
    assert p.decisions == [
        Decision("remove months with fewer than 50 stops", "data is too sparse to trust", NO_DATE),
        Decision("remove months where subject_race is recorded less than 50% of the time",
                 "subject_race data is unreliable", NO_DATE),
    ]  # fmt: skip


# --- months where a column is poorly recorded -------------------------------------------------------------------


def test_a_month_with_the_race_recorded_exactly_half_the_time_stays():
    """OPP: ``filter(cvg, coverage < threshold)``. 2021-01: 5 of 10 stops with a race (5 'unknown', which OPP
    reads as missing), exactly 50%: kept. 2021-02: 4 of 9 (5 blank), 44%: removed, with its 2 searches."""
    p = pipeline(cell(5, "2021-01"), cell(5, "2021-01", group="unknown"),
                 cell(2, "2021-02", searched=True), cell(2, "2021-02"), cell(5, "2021-02", group=None))  # fmt: skip
    remove_months_with_low_coverage(p, "group", "subject_race", 0.5, has_date=True, na_values=("unknown",))
    assert kept(p, "month") == {"2021-01": 10}
    assert p.decisions == [
        Decision("remove months where subject_race is recorded less than 50% of the time",
                 "subject_race data is unreliable", "removed months 2021-02", 9, 2)
    ]  # fmt: skip


def test_undated_stops_with_the_column_mostly_missing_are_removed_as_a_month():
    """The rows without a date are one month for OPP (see above): 1 of 3 with a district is under 50%."""
    p = pipeline(cell(4, "2021-01"), cell(1, None), cell(2, None, geo=None))
    remove_months_with_low_coverage(p, "geo", "district", 0.5, has_date=True)
    assert kept(p, "month") == {"2021-01": 4}
    assert (p.decisions[0].stops_dropped, p.decisions[0].result) == (3, "removed the rows with no date")


def test_undated_rows_removed_beside_sparse_months_are_named_after_them():
    """The step's result is read by analysts: a month and the undated rows, never a month and "nan"."""
    p = pipeline(cell(60, "2021-01"), cell(10, "2021-02"), cell(5, None))
    remove_months_with_too_few_stops(p, 50, has_date=True)
    assert kept(p, "month") == {"2021-01": 60}
    assert p.decisions[0].result == "removed months 2021-02, and the rows with no date"


def test_contraband_coverage_counts_only_searches():
    """OPP's predicate (``filter(base, search_conducted)``): 3 of the 5 searches have an outcome (60%), so the
    month stays, however many unsearched stops have none."""
    p = pipeline(cell(3, searched=True, found=True), cell(2, searched=True, found=None), cell(20, found=None))
    remove_months_with_low_coverage(p, "found", "contraband_found", 0.5, has_date=True, predicate="searched")
    assert kept(p, "month") == {"2021-01": 25}
    assert p.decisions[0].result == "no change"


# --- races ------------------------------------------------------------------------------------------------------


def test_groups_outside_the_comparison_are_dropped_with_opps_reason():
    p = pipeline(
        cell(4),
        cell(3, group="white", searched=True),
        cell(2, group="asian", searched=True),
        cell(6, group="asian"),
    )
    filter_to_races(p, ["black", "white"], "subject_race")
    assert kept(p, "group") == {"black": 4, "white": 3}
    assert p.decisions == [
        Decision("filter to subject_race in black, white", "analysis uses only these", "rows removed", 8, 2)
    ]


# --- search basis -----------------------------------------------------------------------------------------------


def test_a_basis_recorded_for_exactly_half_the_searches_is_used():
    """OPP: ``if (cvg_rate < threshold)`` skip; 5 of 10 searches with a basis is reliable enough, so the 5
    non-discretionary ones go and the 5 without a basis stay as discretionary."""
    p = pipeline(cell(5, searched=True, basis="other"), cell(5, searched=True, basis="missing"), cell(7))
    assert filter_to_discretionary_searches_if_search_basis(p, "auto", 0.5) is True
    assert kept(p, "basis") == {"missing": 5, None: 7}
    assert p.decisions == [Decision(DISCRETIONARY, OBLIGED, "rows removed", 5, 5)]


def test_stops_whose_search_is_unknown_do_not_dilute_the_basis_coverage():
    """This step runs before the rows with search_conducted missing are removed: they are not searches, so the
    basis is recorded for 6 of the 10 searches (60%), not 6 of 20, and the 6 'other' searches go."""
    p = pipeline(
        cell(6, searched=True, basis="other"),
        cell(4, searched=True, basis="missing"),
        cell(10, searched=None),
    )
    assert filter_to_discretionary_searches_if_search_basis(p, "auto", 0.5) is True
    assert p.decisions[0].stops_dropped == 6


def test_a_basis_recorded_for_too_few_searches_is_not_used_and_the_note_says_why():
    p = pipeline(cell(1, searched=True, basis="other"), cell(4, searched=True, basis="missing"))
    assert filter_to_discretionary_searches_if_search_basis(p, "auto", 0.5) is False
    assert kept(p, "basis") == {"other": 1, "missing": 4}
    assert p.decisions == [
        Decision(DISCRETIONARY, OBLIGED, "search basis recorded for 20% of searches, under 50%: unreliable, "
                 "so every search is assumed discretionary")
    ]  # fmt: skip


def test_with_no_searches_the_basis_is_not_shown_to_be_recorded():
    """No search at all: the basis is recorded for none of them (0%), not all; nothing to filter, and the
    result says the basis was not used."""
    p = pipeline(cell(8))
    assert filter_to_discretionary_searches_if_search_basis(p, "auto", 0.5) is False
    assert p.decisions[0].result.startswith("search basis recorded for 0% of searches, under 50%")


def test_discretionary_no_keeps_every_search_and_says_so():
    p = pipeline(cell(3, searched=True, basis="other"))
    assert filter_to_discretionary_searches_if_search_basis(p, "no", 0.5) is False
    assert kept(p, "basis") == {"other": 3}
    assert p.decisions == [
        Decision(DISCRETIONARY, OBLIGED, "not applied (discretionary=no): every search kept")
    ]


# --- missing values ---------------------------------------------------------------------------------------------


def test_rows_missing_a_required_column_are_dropped_with_the_reason():
    p = pipeline(cell(4), cell(2, geo=None, searched=True), cell(1, geo=None))
    remove_na(p, "geo", "district")
    assert kept(p, "geo") == {"A": 4}
    assert p.decisions == [
        Decision(
            "remove rows where district is missing", "district is required for analysis", "rows removed", 3, 2
        )
    ]


# --- searches per group and per geography -----------------------------------------------------------------------

PER_GROUP_REASON = "need sufficient data for the outcome and threshold tests"


def test_geographies_short_of_searches_for_a_group_or_with_none_at_all_are_named():
    """Minimum 2 searches per group. A: 2 and 3, kept (exactly the minimum). B: black 1, removed. C: stops but
    no search at all (OPP's ``locations_with_no_searches``), removed."""
    p = pipeline(cell(2, "2021-01", "A", searched=True), cell(3, "2021-01", "A", "white", searched=True),
                 cell(1, "2021-01", "B", searched=True), cell(4, "2021-01", "B", "white", searched=True),
                 cell(9, "2021-01", "B"), cell(6, "2021-01", "C"), cell(5, "2021-01", "C", "white"))  # fmt: skip
    remove_locations_with_too_few_searches_per_race(p, ["black", "white"], 2, "district")
    assert kept(p, "geo") == {"A": 5}
    assert p.decisions == [
        Decision(
            "remove districts with fewer than 2 searches per group", PER_GROUP_REASON, "removed B, C", 25, 5
        )
    ]


def test_a_geography_with_no_search_fails_even_a_minimum_of_one():
    """min_searches=1: every group searched at least once. C has stops but no search: it goes."""
    p = pipeline(cell(1, geo="A", searched=True), cell(1, geo="A", group="white", searched=True),
                 cell(4, geo="C"), cell(4, geo="C", group="white"))  # fmt: skip
    remove_locations_with_too_few_searches_per_race(p, ["black", "white"], 1, "district")
    assert kept(p, "geo") == {"A": 2}
    assert p.decisions[0].result == "removed C"


def test_a_group_never_searched_anywhere_leaves_no_geography():
    """White drivers were stopped but never searched: no geography has a white search to compare, so all go
    (a group without searches counts as 0, whatever the minimum)."""
    p = pipeline(cell(3, geo="A", searched=True), cell(2, geo="A", group="white"),
                 cell(3, geo="B", searched=True), cell(2, geo="B", group="white"))  # fmt: skip
    remove_locations_with_too_few_searches_per_race(p, ["black", "white"], 1, "district")
    assert p.t.empty
    assert p.decisions[0].result == "removed A, B" and p.decisions[0].stops_dropped == 10


def test_when_every_geography_has_enough_searches_nothing_changes():
    p = pipeline(
        cell(2, geo="A", searched=True), cell(2, geo="A", group="white", searched=True), cell(5, geo="A")
    )
    remove_locations_with_too_few_searches_per_race(p, ["black", "white"], 2, "county")
    assert kept(p, "geo") == {"A": 9}
    assert p.decisions == [
        Decision("remove counties with fewer than 2 searches per group", PER_GROUP_REASON, "no change")
    ]


# --- how many geographies are left -----------------------------------------------------------------------------

SUBGEO_REASON = "need enough geographies for the threshold test and a representative roll-up"


def test_exactly_the_minimum_number_of_geographies_is_enough():
    """OPP: ``if (n_subgeos < min_subgeos)`` eliminate; 3 districts with a minimum of 3 stay."""
    p = pipeline(cell(1, geo="A"), cell(2, geo="B"), cell(3, geo="C"))
    remove_locations_with_too_few_subgeographies(p, 3, "district")
    assert kept(p, "geo") == {"A": 1, "B": 2, "C": 3}
    assert p.decisions == [
        Decision("remove the data if fewer than 3 districts remain", SUBGEO_REASON, "3 districts kept")
    ]


def test_one_geography_under_the_minimum_eliminates_the_location():
    p = pipeline(cell(1, geo="A", searched=True), cell(2, geo="B"))
    remove_locations_with_too_few_subgeographies(p, 3, "district")
    assert p.t.empty
    assert p.decisions == [
        Decision("remove the data if fewer than 3 districts remain", SUBGEO_REASON,
                 "location eliminated: 2 districts remained", 3, 1)
    ]  # fmt: skip


# --- outcome and action -----------------------------------------------------------------------------------------


def test_searches_without_an_outcome_go_and_unsearched_stops_without_one_stay():
    """OPP fills an unsearched stop's missing contraband with false; only a search needs its outcome."""
    p = pipeline(cell(3, searched=True, found=None), cell(4, searched=True, found=True), cell(6, found=None))
    remove_searches_without_outcome(p)
    assert kept(p, "searched") == {True: 4, False: 6}
    assert p.decisions == [
        Decision("remove searches where contraband_found is missing", "a search's outcome is required for analysis",
                 "rows removed", 3, 3)
    ]  # fmt: skip


def test_contraband_found_without_a_search_is_inconsistent_and_goes():
    p = pipeline(cell(2, found=True), cell(4, searched=True, found=True), cell(5))
    remove_outcome_without_action(p)
    assert kept(p, "searched") == {True: 4, False: 5}
    assert p.decisions == [
        Decision("remove stops with contraband found but no search", "inconsistent: an outcome without the action",
                 "rows removed", 2, 0)
    ]  # fmt: skip


def test_every_step_reads_an_unknown_search_status_as_no_search():
    """In ``opp_eligibility`` the rows with search_conducted missing are removed before these steps, but each
    step is OPP's filter on its own and must read a missing status the same way (as the basis step, which does
    see them, does): not a search. So such a stop with contraband found is an outcome without the action, its
    missing outcome is not a search's, and it neither adds searches to a district nor lowers the contraband
    coverage of its month."""
    unknown = {"searched": None, "found": None}
    p = pipeline(cell(2, searched=None, found=True), cell(4, searched=True, found=True))
    remove_outcome_without_action(p)
    assert kept(p, "searched") == {True: 4}

    p = pipeline(cell(3, **unknown), cell(4, searched=True, found=True))
    remove_searches_without_outcome(p)
    assert p.decisions[0].stops_dropped == 0

    # black: 2 searches (short of 3) and 5 stops whose search status is unknown
    p = pipeline(cell(2, geo="A", searched=True), cell(5, geo="A", **unknown),
                 cell(3, geo="A", group="white", searched=True))  # fmt: skip
    remove_locations_with_too_few_searches_per_race(p, ["black", "white"], 3, "district")
    assert p.t.empty

    # 3 of the 5 searches have an outcome (60%); the 10 unknown stops are not searches missing theirs
    p = pipeline(cell(3, searched=True, found=True), cell(2, searched=True, found=None), cell(10, **unknown))
    remove_months_with_low_coverage(p, "found", "contraband_found", 0.5, has_date=True, predicate="searched")
    assert p.decisions[0].stops_dropped == 0
