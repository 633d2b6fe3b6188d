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
    assert html.count('<figure class="continuum-figure">') == len(r.charts) == html.count("<figcaption>")
    assert html.count('role="img"') == len(r.charts)
    assert len(
        re.findall(r'<svg[^>]*role="img" aria-labelledby="(chart-[\w-]+)-title \1-desc"', html)
    ) == len(r.charts)
    assert re.search(r'<title id="chart-[\w-]+-title">search rate by race</title><desc id=', html)
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    page = report_page(r)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page


def test_fragments_carry_no_inline_style_or_script():
    """The web app's Content Security Policy forbids inline styles and scripts; the fragments comply."""
    svg = chart_svg(Chart(title="Rates", xlabel="rate", points=[("a", 0.2, 0.1, 0.3), ("b", 0.4, 0.3, 0.5)]))
    assert not re.search(r"\sstyle=|<script|\son\w+=", svg)
