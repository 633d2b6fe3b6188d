"""The one chart module: specs carry the result's figures, the SVG is accessible and CSP-safe, PNG matches it."""

from __future__ import annotations

import re
import struct

from continuum.analysis import charts
from continuum.analysis.analyses.rates import rates
from continuum.analysis.results import Chart

RATES = Chart("search rate by race", "share of stops", [("low", 0.1, 0.05, 0.15), ("high", 0.9, 0.8, 0.95)])


def _values(spec: dict) -> list[dict]:
    """Every data row in the spec (altair moves a layer's inline data to the top-level datasets)."""
    inline = [
        row for layer in [spec, *spec.get("layer", [])] for row in layer.get("data", {}).get("values", [])
    ]
    return inline + [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_charts_data_are_the_results_figures(ri_data):
    """Each dot and line of a result's chart is that group's estimate and 95% interval in the estimates."""
    r = rates(ri_data)
    spec = charts.from_result(r.charts[0]).to_dict()
    drawn = {v["label"]: (v["estimate"], v["low"], v["high"]) for v in _values(spec) if "label" in v}
    assert r.charts[0].title == "search rate by subject_race"
    expected = {
        g: (e["search_rate"]["rate"], *e["search_rate"]["ci95"])
        for g, e in r.estimates.items()
        if isinstance(e, dict) and "search_rate" in e
    }
    assert drawn == expected and len(drawn) == 5


def test_svg_names_its_title_axis_and_legend_and_runs_nothing():
    svg = charts.to_svg(charts.from_result(RATES))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "search rate by race" in texts and "share of stops" in texts  # title and axis label
    assert "Dots: estimates; lines: 95% intervals" in texts  # the legend, in words
    assert {"low", "high"} <= set(texts)
    assert not re.search(r"<script|<style|\sstyle=|\son\w+=|https?://(?!www\.w3\.org)", svg)


def test_dots_are_placed_by_value():
    svg = charts.to_svg(charts.from_result(RATES))
    symbols = re.search(r'class="mark-symbol[^"]*"[^>]*>(.*?)</g>', svg).group(1)
    xs = [float(x) for x in re.findall(r"translate\(([\d.]+),", symbols)]
    assert len(xs) == 2 and xs[0] < xs[1]


def test_axis_of_non_negative_values_starts_at_zero_or_above():
    svg = charts.to_svg(
        charts.from_result(Chart("t", "x", [("a", 0.0, 0.0, 0.02), ("b", 0.01, 0.005, 0.03)]))
    )
    axis = re.search(r'class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg).group(1)
    ticks = [float(t.rstrip("%")) for t in re.findall(r">(-?[\d.]+%?)</text>", axis)]
    assert ticks and min(ticks) >= 0


def test_months_are_drawn_as_a_time_series():
    c = Chart("shootings per 30 days", "per 30 days", [("2020-01", 3, 1, 6), ("2020-02", 4, 2, 7)])
    spec = charts.from_result(c).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]
    assert [v["month"] for v in _values(spec)] == ["2020-01-01", "2020-02-01"]
    assert "2 months from 2020-01 to 2020-02" in charts.describe_interval(c)


def test_inline_svg_is_an_image_named_and_described():
    svg = charts.inline_svg(charts.to_svg(charts.from_result(RATES)), "c1", "Search rates", "Two groups.")
    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" class="continuum-chart" role="img" aria-labelledby="c1-title c1-desc"'
    )
    assert '<title id="c1-title">Search rates</title><desc id="c1-desc">Two groups.</desc>' in svg
    # one role only: the parts of an image are not exposed, and nothing is styled inline
    assert svg.count("role=") == 1 and "aria-roledescription" not in svg and " style=" not in svg


def test_png_is_the_svg_at_twice_the_size():
    chart = charts.bars("Agencies by state", [("Ohio", 5), ("Utah", 2)])
    width = int(re.search(r'<svg[^>]* width="(\d+)"', charts.to_svg(chart)).group(1))
    png = charts.to_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == 2 * width


def test_bars_keep_the_given_order_and_label_each_value():
    spec = charts.bars("By state", [("Virginia", 5), ("Ohio", 2)]).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Virginia", "Ohio"]
    svg = charts.to_svg(spec)
    labels = re.search(r'class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg).group(1)
    assert re.findall(r">([^<]+)</text>", labels) == ["5", "2"]


def test_grouped_and_stacked_have_a_legend_of_their_series():
    g = charts.to_svg(charts.grouped("Requests", ["Jan", "Feb"], [("Received", [3, 4]), ("Decided", [1, 2])]))
    s = charts.to_svg(
        charts.stacked(
            "Status", [{"label": "Q1", "counts": {"a": 3, "b": 2}}], ["a", "b"], labels={"a": "Done"}
        )
    )
    assert 'class="mark-group role-legend"' in g and ">Received</text>" in g and ">Decided</text>" in g
    assert ">Done</text>" in s and ">b</text>" in s


def test_small_counts_get_one_tick_per_unit_never_repeated():
    svg = charts.to_svg(charts.bars("Agencies by state", [("Ohio", 1), ("Utah", 2)]))
    axis = re.search(r'class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg).group(1)
    assert re.findall(r">([^<]+)</text>", axis) == ["0", "1", "2"]
