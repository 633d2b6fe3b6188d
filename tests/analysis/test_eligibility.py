"""OPP's eligibility (``eligibility.R``'s ``load_base_for`` + ``load_disparity_for``) for the outcome and threshold
tests: each step on a file built here where it, and only it, removes known rows; the whole pipeline on the Rhode
Island file against a re-implementation in plain pandas over the raw CSV; the pooled comparison; the headline
warnings in the result, the HTML and the CLI; and the search basis classified as OPP's RI cleaning does."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from continuum.analysis.analyses.outcome import outcome_test
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops
from continuum.cli import app

RACES = {"White": "white", "Black": "black", "Hispanic": "hispanic", "Asian": "asian/pacific islander"}


# --- a file built here: two months, three districts, black and white drivers -------------------------------


def cell(month, district, race, stops, searches, hits, basis="consent", type_="vehicular", found_blank=0):
    """``stops`` rows, the first ``searches`` searched (``hits`` of them with contraband)."""
    out = []
    for i in range(stops):
        searched = i < searches
        found = "" if searched and i < found_blank else str(searched and i < hits).lower()
        out.append(
            {
                "date": f"{month}-15",
                "district": district,
                "subject_race": race,
                "type": type_,
                "search_conducted": str(searched).lower(),
                "search_basis": basis if searched else "",
                "contraband_found": found,
            }
        )
    return out


def base() -> list[dict]:
    """Every district passes every step: 60 searches per group per district, 100 stops per month."""
    rows = []
    for d, (bh, wh) in {"A": (20, 30), "B": (25, 30), "C": (30, 30)}.items():
        for month in ("2021-01", "2021-02"):
            rows += cell(month, d, "black", 50, 30, bh // 2) + cell(month, d, "white", 50, 30, wh // 2)
    return rows


def run(tmp_path, rows, **params):
    path = tmp_path / "stops.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with load_stops(path) as data:
        return outcome_test(data, groups="black,white", **params)


def step(result, starts: str) -> dict:
    (found,) = [s for s in result.counts["eligibility_steps"] if s["action"].startswith(starts)]
    return found


def test_every_step_is_reported_and_nothing_dropped_from_a_clean_file(tmp_path):
    r = run(tmp_path, base())
    steps = r.counts["eligibility_steps"]
    assert len(steps) == 14 and all(s["stops_dropped"] == 0 for s in steps)
    assert r.estimates["eligible_geographies"] == ["A", "B", "C"]
    assert r.n_used == 360 and r.n_excluded == {"search not conducted": 240}
    assert r.warnings == []
    assert [row[0] for row in r.tables[2].rows] == [s["action"] for s in steps]


def test_months_with_too_few_stops_are_removed(tmp_path):
    rows = base() + cell("2021-03", "A", "white", 49, 5, 1)
    r = run(tmp_path, rows)
    s = step(r, "remove months with fewer than 50 stops")
    assert (s["stops_dropped"], s["searches_dropped"], s["result"]) == (49, 5, "removed months 2021-03")
    assert r.estimates["by_group"]["white"]["searches"] == 180


def test_months_where_race_is_mostly_unknown_are_removed(tmp_path):
    # 2021-03: 60 stops, 31 with race "unknown" and 29 white; race recorded for 29/60 < 50%
    rows = base() + cell("2021-03", "A", "unknown", 31, 0, 0) + cell("2021-03", "A", "white", 29, 4, 2)
    r = run(tmp_path, rows)
    s = step(r, "remove months where subject_race is recorded less than 50%")
    assert (s["stops_dropped"], s["searches_dropped"]) == (60, 4)
    assert step(r, "filter to subject_race in black, white")["stops_dropped"] == 0


def test_pedestrian_stops_are_removed(tmp_path):
    r = run(tmp_path, base() + cell("2021-01", "A", "black", 7, 3, 3, type_="pedestrian"))
    s = step(r, "filter to vehicular stops")
    assert (s["stops_dropped"], s["searches_dropped"]) == (7, 3)
    assert r.estimates["by_group"]["black"]["hits"] == 20 + 24 + 30  # the pedestrian hits are not counted


def test_non_discretionary_searches_go_and_a_missing_basis_stays_as_discretionary(tmp_path):
    rows = base() + cell("2021-01", "A", "black", 6, 6, 6, basis="other")
    rows += cell("2021-01", "A", "black", 4, 4, 1, basis="")
    r = run(tmp_path, rows)
    s = step(r, "keep only discretionary searches")
    assert (s["stops_dropped"], s["searches_dropped"]) == (6, 6)
    black = r.estimates["by_group"]["black"]
    assert (black["hits"], black["searches"]) == (20 + 24 + 30 + 1, 180 + 4)
    assert r.params["discretionary"] is True
    everything = run(tmp_path, rows, discretionary="no")
    assert everything.estimates["by_group"]["black"]["searches"] == 180 + 4 + 6
    assert everything.params["discretionary"] is False


def test_a_basis_recorded_for_under_half_the_searches_is_not_used(tmp_path):
    rows = [dict(r, search_basis="") for r in base()]  # no basis at all
    rows += cell("2021-01", "A", "black", 6, 6, 6, basis="other")
    auto = run(tmp_path, rows)
    assert auto.params["discretionary"] is False
    assert "recorded for 2% of searches" in step(auto, "keep only discretionary searches")["result"]
    assert auto.estimates["by_group"]["black"]["searches"] == 186
    forced = run(tmp_path, rows, discretionary="yes")
    assert forced.estimates["by_group"]["black"]["searches"] == 180


def test_districts_with_too_few_searches_per_group_and_too_few_districts(tmp_path):
    rows = [r for r in base() if not (r["district"] == "C" and r["subject_race"] == "black")]
    rows += cell("2021-01", "C", "black", 50, 29, 9) + cell("2021-02", "C", "black", 50, 20, 9)  # 49 searches
    with pytest.raises(InputError, match="location eliminated: 2 districts remained") as err:
        run(tmp_path, rows)
    assert "removed C" in str(err.value) and "Pooled over all the data" in str(err.value)
    r = run(tmp_path, rows, min_geographies=2)
    assert r.estimates["eligible_geographies"] == ["A", "B"]
    s = step(r, "remove districts with fewer than 50 searches per group")
    assert (s["stops_dropped"], s["searches_dropped"], s["result"]) == (200, 49 + 60, "removed C")
    assert run(tmp_path, rows, min_searches=49).estimates["eligible_geographies"] == ["A", "B", "C"]


def test_searches_without_a_recorded_outcome_are_removed(tmp_path):
    rows = base() + cell("2021-01", "B", "white", 5, 5, 0, found_blank=3)
    r = run(tmp_path, rows)
    s = step(r, "remove searches where contraband_found is missing")
    assert (s["stops_dropped"], s["searches_dropped"]) == (3, 3)
    assert r.estimates["by_group"]["white"]["searches"] == 182


def test_filters_that_drop_most_searches_and_reverse_the_comparison_say_so_first(tmp_path):
    # District D: few white searches (so it is dropped) but most of the data; there black searches hit often
    rows = base() + cell("2021-01", "D", "black", 400, 400, 300) + cell("2021-01", "D", "white", 100, 10, 1)
    r = run(tmp_path, rows)
    assert r.estimates["eligible_geographies"] == ["A", "B", "C"]
    black, white = r.estimates["by_group"]["black"], r.estimates["by_group"]["white"]
    assert black["hit_rate"] < white["hit_rate"]  # filtered: 74/180 vs 90/180
    pooled = r.estimates["pooled"]["by_group"]
    assert (pooled["black"]["hits"], pooled["black"]["searches"]) == (374, 580)
    assert (pooled["white"]["hits"], pooled["white"]["searches"]) == (91, 190)
    assert r.estimates["eligibility"]["share_of_searches_dropped"] == pytest.approx(410 / 770)
    most, reversed_ = r.warnings
    assert most.startswith("OPP's eligibility filters dropped 53% of the searches (410 of 770); 3 of 4")
    assert (
        "less often than searches of white" in reversed_
        and "pooled over all the data, more often" in reversed_
    )
    html = r.to_html()
    first = html.index("Read this first")
    assert first < html.index("rows used") and html.index("dropped 53% of the searches") < html.index(
        "<table"
    )
    assert r.to_dict()["warnings"] == r.warnings


def test_no_warning_when_the_filters_keep_the_direction(tmp_path):
    rows = base() + cell("2021-01", "D", "black", 40, 40, 5) + cell("2021-01", "D", "white", 40, 10, 9)
    r = run(tmp_path, rows, min_geographies=3)
    assert r.warnings == []


# --- the Rhode Island file against OPP's steps re-done here over the raw CSV ------------------------------------


def opp_ri_basis(search_type: str) -> str | None:
    """OPP's RI cleaning (``first_of``): plain view; probable cause (probable cause, reasonable suspicion);
    other (incident to arrest, inventory); else a search is probable cause. None when not searched."""
    if not search_type:
        return None
    parts = search_type.split(",")
    if "Probable Cause" in parts or "Reasonable Suspicion" in parts:
        return "probable cause"
    if "Incident to Arrest" in parts or "Inventory" in parts:
        return "other"
    return "probable cause"


@pytest.fixture(scope="module")
def raw(ri_path) -> pd.DataFrame:
    df = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    df["race"] = df["driver_race"].map(RACES).fillna(df["driver_race"].map({"Other": "other"}))
    df["month"] = df["stop_date"].str[:7]
    df["searched"] = df["search_conducted"] == "TRUE"
    df["hit"] = df["drugs_related_stop"] == "TRUE"
    df["basis"] = df["search_type"].map(opp_ri_basis)
    return df


def reference(raw: pd.DataFrame, groups: list[str], min_searches: int) -> dict:
    """OPP's steps that change anything on this file, in OPP's order, over the raw rows."""
    per_month = raw.groupby("month").size()
    d = raw[raw["month"].isin(per_month[per_month >= 50].index)]
    steps = {"months": len(raw) - len(d)}
    n = len(d)
    d = d[d["race"].isin(groups)]
    steps["races"], n = n - len(d), len(d)
    d = d[~(d["searched"] & (d["basis"] == "other"))]
    steps["basis"], n = n - len(d), len(d)
    per = d[d["searched"]].groupby(["district", "race"]).size().unstack(fill_value=0).reindex(columns=groups)
    keep = per.index[(per.fillna(0) >= min_searches).all(axis=1)]
    d = d[d["district"].isin(keep)]
    steps["districts"] = n - len(d)
    pooled = raw[raw["searched"] & raw["race"].isin(groups) & (raw["basis"] != "other")]
    return {"steps": steps, "kept": d, "districts": sorted(keep), "pooled": pooled}


def rates(df: pd.DataFrame) -> dict:
    s = df[df["searched"]]
    return {g: (int(x["hit"].sum()), len(x)) for g, x in s.groupby("race")}


@pytest.mark.parametrize(
    "groups,min_searches,min_geographies",
    [(["black", "white"], 50, 1), (["black", "white"], 10, 3), (["black", "white", "hispanic"], 5, 2)],
)
def test_ri_pipeline_matches_opp_steps_done_here(ri_data, raw, groups, min_searches, min_geographies):
    ref = reference(raw, groups, min_searches)
    r = outcome_test(
        ri_data, groups=",".join(groups), min_searches=min_searches, min_geographies=min_geographies
    )
    assert sorted(r.estimates["eligible_geographies"]) == ref["districts"]
    dropped = {s["action"]: s["stops_dropped"] for s in r.counts["eligibility_steps"]}
    assert dropped["remove months with fewer than 50 stops"] == ref["steps"]["months"]
    assert dropped[f"filter to subject_race in {', '.join(groups)}"] == ref["steps"]["races"]
    assert (
        dropped[next(k for k in dropped if k.startswith("keep only discretionary"))] == ref["steps"]["basis"]
    )
    assert (
        dropped[f"remove districts with fewer than {min_searches} searches per group"]
        == ref["steps"]["districts"]
    )
    assert sum(dropped.values()) + len(ref["kept"]) == len(raw)
    for label, expected in (("by_group", rates(ref["kept"])), ("pooled", rates(ref["pooled"]))):
        got = r.estimates[label] if label == "by_group" else r.estimates["pooled"]["by_group"]
        assert {g: (c["hits"], c["searches"]) for g, c in got.items()} == expected
    assert r.n_used == int(ref["kept"]["searched"].sum())


def test_ri_one_district_of_six_reverses_the_gap_and_says_so(ri_data, raw):
    """With OPP's 50 searches per group, one RI zone is left: the black-white gap there runs the other way."""
    ref = reference(raw, ["black", "white"], 50)
    kept, pooled = rates(ref["kept"]), rates(ref["pooled"])
    assert ref["districts"] == ["Zone K3"]

    def above(x):
        return x["black"][0] / x["black"][1] > x["white"][0] / x["white"][1]

    assert above(kept) != above(pooled)  # the data really do reverse
    share = 1 - sum(n for _, n in kept.values()) / sum(n for _, n in pooled.values())
    r = outcome_test(ri_data, groups="black,white", min_geographies=1)
    assert r.estimates["eligibility"]["share_of_searches_dropped"] == pytest.approx(share)
    assert len(r.warnings) == 2 and f"dropped {share:.0%} of the searches" in r.warnings[0]
    assert "1 of 6 districts kept" in r.warnings[0] and "reverse" in r.warnings[1]


def test_ri_with_opp_defaults_is_not_eligible_and_the_error_says_why(ri_data):
    with pytest.raises(InputError, match="remove districts with fewer than 50 searches per group") as err:
        outcome_test(ri_data)
    assert "Pooled over all the data, hit rates are black" in str(err.value)


def test_cli_prints_the_warnings_before_the_numbers(ri_path, tmp_path):
    res = CliRunner().invoke(
        app,
        [
            *(
                "analyze",
                "outcome-test",
                str(ri_path),
                "--mapping",
                "ri_state_police",
                "--out",
                str(tmp_path),
            ),
            *("--param", "groups=black,white", "--param", "min_geographies=1"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.output.index("WARNING:") < res.output.index("rows used")
    assert res.output.count("WARNING:") == 2
    out = json.loads((tmp_path / "result.json").read_text())
    assert len(out["warnings"]) == 2
    html = (tmp_path / "report.html").read_text()
    assert html.index("Read this first") < html.index("rows used")


def test_ri_mapping_classifies_search_basis_as_opp_ri_cleaning(ri_data, raw):
    """Frisk alone has no basis in the standard table (OPP writes probable cause); both count as discretionary."""
    got = dict(
        ri_data.con.execute(
            f"SELECT coalesce(search_basis, 'missing'), count(*) FROM {ri_data.table} "
            "WHERE search_conducted GROUP BY ALL"
        ).fetchall()
    )
    s = raw[raw["searched"]]
    frisk_only = s["search_type"].str.split(",").map(lambda p: set(p) == {"Protective Frisk"})
    assert got == {
        "probable cause": int(((s["basis"] == "probable cause") & ~frisk_only).sum()),
        "other": int((s["basis"] == "other").sum()),
        "missing": int(frisk_only.sum()),
    }


def test_the_error_when_nothing_is_left_gives_each_step_and_the_pooled_hit_rates():
    from continuum.analysis.analyses.eligibility import Decision, Eligibility, _rate, no_data_left

    pooled = pd.DataFrame({"group": ["black", "black", "white", "white"], "searched": [True, True, True, False],
                           "found": [True, False, False, False], "n": [3, 9, 2000, 50]})  # fmt: skip
    steps = [Decision("drop a", "why", "rows removed", 1234, 56), Decision("note b", "why", "no change"),
             Decision("drop c", "why", "removed months 2021-01", 7, 0)]  # fmt: skip
    e = Eligibility(pooled.iloc[:0], steps, pooled, ["black", "white"], True, 4)
    err = no_data_left(e, "county")
    # hit rates computed here: 3 of the 12 black searches, none of the 2,000 white ones
    assert str(err).startswith(
        "no data meets OPP's eligibility for ['black', 'white']: drop a: rows removed (1,234 stops, 56 searches); "
        "drop c: removed months 2021-01 (7 stops, 0 searches). Pooled over all the data, hit rates are "
        f"black {3 / 12:.1%} of 12, white {0:.1%} of 2,000. Lower the searches each group needs per county or "
        "the number of counties that must qualify"
    )
    assert err.params == ("min_searches", "min_geographies", "groups")
    none = no_data_left(Eligibility(pooled.iloc[:0], [], pooled.iloc[:0], ["black"], True, 0), "district")
    assert "hit rates are not available." in str(none)
    assert _rate((1, 3)) == "33.3% of 3" and _rate((0, 0)) == "no searches"


def test_a_step_the_data_cannot_take_is_noted_with_its_reason(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "type"} for r in base()]
    s = step(run(tmp_path, rows), "filter to vehicular stops")
    assert s["result"] == "stop type not recorded: all stops kept" and s["stops_dropped"] == 0
    assert s["reason"] == "pedestrian stops are qualitatively different"
