"""Results people can read: comparisons in words, labels, percentages, years with partial ones flagged, and
caveats that this result's own figures call for."""

from __future__ import annotations

from continuum.analysis import readable
from continuum.analysis.analyses.rates import rates
from continuum.analysis.render import result_fragment, table_html
from continuum.analysis.results import Result, Table


def _result(estimates: dict, **kw) -> Result:
    base = {"n_input": 100, "n_used": 100, "n_excluded": {}, "params": {}, "input_sha256": "0" * 64}
    return Result("x", estimates, **(base | kw))


def test_headline_states_each_comparison_with_direction_interval_and_counts(ri_data):
    r = rates(ri_data)
    black = r.estimates["black"]["search_rate"]
    white = r.estimates["white"]["search_rate"]
    ratio, (lo, hi) = black["ratio_to_reference"]["ratio"], black["ratio_to_reference"]["ci95"]
    assert lo > 1  # RI searches black drivers more often: the sentence must say "higher"
    expected = (
        f"Search rate: black {100 * black['rate']:.1f}% ({black['k']:,} of {black['n']:,}), {ratio:.2f} times "
        f"white's {100 * white['rate']:.1f}% ({white['k']:,} of {white['n']:,}), 95% interval {lo:.2f} to "
        f"{hi:.2f}: higher; the 95% interval lies above 1."
    )
    sentences = readable.headline(r, limit=100)
    assert expected in sentences
    # the clear differences come first, so that a short list (a report exhibit shows six) still has them
    clear = ["no clear difference" not in s for s in sentences]
    assert clear == sorted(clear, reverse=True) and clear[0] and not clear[-1]
    html = result_fragment(r)
    assert html.index("In brief") < html.index("<figure")  # the words come before the charts


def test_an_interval_that_includes_one_is_no_clear_difference():
    r = _result(
        {"a": {"rate": 0.2, "k": 2, "n": 10, "ratio_to_reference": {"ratio": 1.3, "ci95": [0.6, 2.9]}},
         "b": {"rate": 0.15, "k": 3, "n": 20}},
        params={"reference": "b"},
    )  # fmt: skip
    assert readable.headline(r) == [
        "Rate: a 20.0% (2 of 10), 1.30 times b's 15.0% (3 of 20), 95% interval 0.60 to 2.90: no clear "
        "difference; the 95% interval includes 1."
    ]
    assert any(
        c.startswith("Small counts (under 30 in all, or under 5 events)") and "a (10)" in c
        for c in readable.caveats(r)
    )
    few = _result(
        {"a": {"rate": 0.03, "k": 3, "n": 100, "ratio_to_reference": {"ratio": 1.5, "ci95": [0.4, 5.0]}}}
    )
    assert any("a (3 of 100)" in c for c in readable.caveats(few))


def test_years_are_summed_from_months_and_partial_years_flagged():
    months = {"2020-11": {"count": 10, "days": 30}, "2020-12": {"count": 5, "days": 31},
              "2021-01": {"count": 7, "days": 15}}  # fmt: skip
    table = readable.by_year(_result({"by_month": months, "trend": {"periods": 3}}))
    assert table.rows == [
        ["2020", 15, 61, 7.4, "partial: 61 of 366 days"],
        ["2021", 7, 15, 14.0, "partial: 15 of 365 days"],
    ]
    caveats = readable.caveats(_result({"by_month": months, "trend": {"periods": 3}}))
    assert any(c.startswith("The trend rests on 3 months") for c in caveats)
    assert any(c.startswith("2021-01 is a partial month (15 of 31 days observed)") for c in caveats)
    assert not any(c.startswith("2020-11") for c in caveats)  # a whole first month is not flagged


def test_filters_that_drop_most_rows_are_named_but_design_exclusions_are_not():
    lost = _result({}, n_used=30, n_excluded={"race missing": 60, "date missing": 10})
    assert readable.caveats(lost) == [
        "Only 30 of 100 rows (30.0%) were used; most were excluded as race missing: 60; date missing: 10."
    ]
    for reason in ["search not conducted", "subject_race missing or not black/white"]:
        assert readable.caveats(_result({}, n_used=30, n_excluded={reason: 70})) == []


def test_tables_show_labels_and_shares_as_percentages():
    t = Table("search rate by subject_race", ["subject_race", "k", "n", "rate", "low", "high"],
              [["black", 295, 3256, 0.0906, 0.0812, 0.1009]])  # fmt: skip
    html = table_html(t)
    assert "<caption>search rate by race</caption>" in html
    assert '<th scope="col">race</th><th scope="col">number</th><th scope="col">out of</th>' in html
    assert "<td>3,256</td><td>9.1%</td><td>8.1%</td><td>10.1%</td>" in html
    # a rate per population is not a share
    per = table_html(Table("t", ["group", "stops per 1,000 rate"], [["a", 12.5]]))
    assert "<td>12.5</td>" in per


def test_veil_odds_ratio_is_said_the_right_way_round():
    """Fewer minority drivers among stops in darkness (odds ratio below 1) is what daylight bias predicts."""
    params = {"minority": "black", "majority": "white"}
    below = _result({"is_dark": {"odds_ratio": 0.8, "odds_ratio_ci95": [0.7, 0.9]}}, params=params)
    (sentence,) = readable.headline(below)
    assert sentence.startswith(
        "Odds that a stopped driver is black rather than white, in darkness against daylight"
    )
    assert (
        "0.80 (95% interval 0.70 to 0.90): lower: fewer black drivers among the stops made in darkness"
        in sentence
    )
    unclear = _result({"is_dark": {"odds_ratio": 0.82, "odds_ratio_ci95": [0.6, 1.12]}}, params=params)
    assert readable.headline(unclear)[0].endswith("no clear difference; the 95% interval includes 1.")
