"""Results render to JSON (no NaN, plain types) and to accessible HTML with an inline SVG chart."""

from __future__ import annotations

import json
import math
import re

from continuum.analysis.analyses.rates import rates
from continuum.analysis.render import chart_svg, report_page
from continuum.analysis.results import Chart, Result


def test_json_has_provenance_and_no_nan():
    r = Result(
        "x",
        {"a": float("nan"), "b": [1.0, math.inf]},
        n_input=3,
        n_used=2,
        n_excluded={"why": 1},
        params={"p": 1},
        input_sha256="0" * 64,
    )
    d = json.loads(r.to_json())
    assert d["estimates"] == {"a": None, "b": [1.0, None]}
    assert d["n_excluded"] == {"total": 1, "reasons": {"why": 1}}
    assert d["engine_version"]


def test_html_fragment_is_accessible(ri_data):
    r = rates(ri_data)
    html = r.to_html()
    assert html.count("<figure>") == len(r.charts) == html.count("<figcaption>")
    assert html.count('role="img"') == len(r.charts)
    assert re.search(r"<svg[^>]*role=\"img\"[^>]*><title>search rate by subject_race</title>", html)
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    page = report_page(r)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page


def test_chart_places_points_in_order_of_value():
    svg = chart_svg(Chart("t", "x", [("low", 0.1, 0.05, 0.15), ("high", 0.9, 0.8, 0.95)]))
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert xs[0] < xs[1]


def test_axis_of_non_negative_values_starts_at_zero_or_above():
    svg = chart_svg(Chart("t", "x", [("a", 0.0, 0.0, 0.02), ("b", 0.01, 0.005, 0.03)]))
    ticks = [float(t) for t in re.findall(r'text-anchor="middle" fill="#333">([-\d.e]+)</text>', svg)]
    assert ticks and min(ticks) >= 0


def test_fragments_carry_no_inline_style_or_script():
    """The web app's Content Security Policy forbids inline styles and scripts; the fragments comply."""
    import re

    from continuum.analysis.render import chart_svg
    from continuum.analysis.results import Chart

    svg = chart_svg(Chart(title="Rates", xlabel="rate", points=[("a", 0.2, 0.1, 0.3), ("b", 0.4, 0.3, 0.5)]))
    assert not re.search(r"\sstyle=|<script|\son\w+=", svg)
