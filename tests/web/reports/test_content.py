"""The content model: numbers computed from order, Markdown rendered safely, embedded results, figures."""

import pytest

from continuum.reports import document, editing, embeds, numbering, prose
from continuum.reports.models import Appendix, Finding, Footnote, Recommendation
from continuum.workflow import TransitionError

from .conftest import RESULT


def _numbers(report):
    doc = document.build(report)
    return [(f.number, f.title[:10], [r.number for r in f.recommendations]) for f in doc.findings]


def test_findings_and_recommendations_are_numbered_from_their_order(report, users):
    author = users["provider_a"]
    assert _numbers(report) == [(1, "Use-of-for", ["1.1", "1.2"]), (2, "Supervisor", ["2.1"])]
    second = report.findings.all()[1]
    editing.move_part(report, author, second, "finding", -1)
    assert _numbers(report) == [(1, "Supervisor", ["1.1"]), (2, "Use-of-for", ["2.1", "2.2"])]
    third = editing.add_part(report, author, Finding(report=report, title="Third finding"), "finding")
    editing.add_part(
        report,
        author,
        Recommendation(finding=third, text="Do it.", responsible_party="The chief"),
        "recommendation",
    )
    first_rec = report.findings.all()[1].recommendations.first()
    editing.remove_part(report, author, first_rec)
    assert _numbers(report) == [
        (1, "Supervisor", ["1.1"]),
        (2, "Use-of-for", ["2.1"]),
        (3, "Third find", ["3.1"]),
    ]
    assert not editing.move_part(report, author, report.findings.first(), "finding", -1)


def test_recommendation_moves_within_its_finding(report, users):
    finding = report.findings.first()
    last = finding.recommendations.last()
    editing.move_part(report, users["provider_a"], last, "recommendation", -1)
    doc = document.build(report)
    assert doc.findings[0].recommendations[0].text.startswith("Train every officer")
    assert doc.findings[0].recommendations[0].number == "1.1"


def test_notes_and_appendices_are_numbered_and_cited(report, users):
    author = users["provider_a"]
    editing.add_part(
        report, author, Footnote(report=report, key="data", text="Data from 2019 to 2023."), "footnote"
    )
    first = report.footnotes.get(key="policy")
    editing.move_part(report, author, report.footnotes.get(key="data"), "footnote", -1)
    assert numbering.note_numbers(report) == {"data": 1, "policy": 2}
    doc = document.build(report)
    summary = {a: h for a, _, _, h in doc.sections}["summary"]
    assert '<a href="#note-2"' in summary and ">2</a></sup>" in summary
    assert first.key == "policy"
    for title in ["Acronyms", "Survey"]:
        editing.add_part(report, author, Appendix(report=report, title=title, body="Text."), "appendix")
    assert [(letter, title) for letter, title, _, _ in document.build(report).appendices] == [
        ("A", "Acronyms"),
        ("B", "Survey"),
    ]
    assert numbering.appendix_letter(26) == "AA"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="x()">a</a>',
        "<style>body{display:none}</style>",
        "<iframe src='https://evil.example'></iframe>",
        "![x](https://evil.example/track.png)",
    ],
)
def test_markdown_is_sanitized(source):
    """Whatever is written, the HTML holds no script, no event handler, no foreign element, no javascript: link."""
    from lxml import html as lxml_html

    tree = lxml_html.fragment_fromstring(str(prose.render(source)) or "<p></p>", create_parent="div")
    for element in tree.iter():
        assert element.tag in prose.ALLOWED_TAGS | {"div"}, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
        assert not element.get("href", "").lower().startswith("javascript")


def test_markdown_renders_what_reports_need():
    html = str(
        prose.render("**Bold** and *italic*.\n\n- one\n- two\n\n> quoted\n\n[COPS](https://cops.usdoj.gov)")
    )
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert 'href="https://cops.usdoj.gov"' in html and 'rel="noopener noreferrer"' in html
    assert "&lt;b&gt;" in str(prose.render("<b>raw</b>"))


def test_embedded_result_is_a_snapshot_with_provenance(report):
    embed = report.embeds.get()
    assert embed.provenance == (
        "Veil of darkness: stops in daylight and in darkness, Continuum analysis engine 0.1.0, run 2026-11-20, "
        f"on the input file with SHA-256 {'ab' * 32}"
    )
    assert '<th scope="col">Measure</th>' in embed.table_html
    assert "is dark odds ratio" in embed.alt_text and "1.02 to 1.15" in embed.alt_text
    assert embed.chart_svg.startswith("<svg") and "<script" not in embed.chart_svg
    doc = document.build(report)
    assert doc.findings[1].exhibits[0].number == 1
    with pytest.raises(embeds.ResultError, match="input_sha256"):
        embeds.snapshot({k: v for k, v in RESULT.items() if k != "input_sha256"})


def test_embed_uses_the_engines_result_object():
    from continuum.analysis.results import Result as EngineResult
    from continuum.analysis.results import Table

    result = EngineResult(
        analysis="rates",
        estimates={"Black": {"rate": 0.2, "rate_ci95": [0.1, 0.3]}},
        n_input=10,
        n_used=9,
        n_excluded={"missing race": 1},
        params={"per": 1},
        input_sha256="cd" * 32,
        tables=[Table("Stop rates", ["group", "rate"], [["Black", 0.2]])],
    )
    embed = embeds.snapshot(result.to_dict(), title="Stop rates")
    assert embed.table["caption"] == "Stop rates" and embed.table["rows"] == [["Black", "20.0%"]]
    assert "Stop, search and outcome rates by group" in embed.provenance and "cd" * 32 in embed.provenance
    assert embed.chart_svg


def test_figures_need_alt_text(report, users):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 10
    with pytest.raises(TransitionError, match="alt text"):
        editing.add_figure(
            report, users["provider_a"], image=png, content_type="image/png", caption="A", alt_text=" "
        )


def test_only_drafters_edit(report, users):
    from django.core.exceptions import PermissionDenied

    for who in ["executive_a", "sme_a", "provider_b"]:
        with pytest.raises(PermissionDenied):
            editing.add_part(report, users[who], Finding(report=report, title="No"), "finding")
    editing.add_part(report, users["staff"], Finding(report=report, title="Staff may draft"), "finding")


def test_every_change_is_audited(report, users):
    from continuum.audit.log import history
    from continuum.audit.models import AuditEvent

    author = users["provider_a"]
    embed = report.embeds.get()
    logged = history(embed).get()
    assert logged.action == "created" and "SHA-256" in logged.changes["embed"][1]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000
    figure = editing.add_figure(
        report, author, image=png, content_type="image/png", caption="Chart", alt_text="A chart"
    )
    assert history(figure).get().changes == {"figure": [None, "Chart (5,008 bytes)"]}
    finding = report.findings.first()
    finding.title = "Retitled"
    editing.save_part(report, author, finding)
    assert history(finding).first().changes["title"][1] == "Retitled"
    editing.move_part(report, author, finding, "finding", 1)
    editing.remove_part(report, author, finding)
    changes = [e.changes for e in history(report).filter(action=AuditEvent.Action.UPDATED)]
    assert any("order" in c for c in changes) and any("finding" in c for c in changes)


def test_a_results_warnings_come_first_in_its_exhibit_on_the_page_and_in_word(report, users):
    import io

    import docx
    from django.template.loader import render_to_string

    from continuum.reports import render_docx

    warned = {**RESULT, "warnings": ["The filters dropped 61% of the searches: read the pooled rates too."]}
    editing.embed_result(report, users["provider_a"], warned, title="Outcome test")
    exhibit = next(e for e in document.build(report).methodology_exhibits if e.title == "Outcome test")
    assert exhibit.warnings == ("The filters dropped 61% of the searches: read the pooled rates too.",)
    page = render_to_string("reports/_exhibit.html", {"exhibit": exhibit})
    assert page.index("Read this first") < page.index("report-exhibit__table")
    text = [p.text for p in docx.Document(io.BytesIO(render_docx.render(report))).paragraphs]
    assert "The filters dropped 61% of the searches: read the pooled rates too." in text


def test_embed_draws_the_chart_its_result_page_shows_and_states_the_comparison(report, users):
    """The exhibit's chart is the result's own chart (same marks and labels as the page), its alt text the
    chart's description, and the comparison comes first in words in the page, the PDF and Word."""
    import re

    from continuum.analysis.render import chart_svg
    from continuum.analysis.results import Chart
    from continuum.analysis.results import Result as EngineResult

    chart = Chart(
        "search rate by subject_race",
        "share of stops",
        [("black", 0.09, 0.08, 0.10), ("white", 0.034, 0.031, 0.036)],
    )
    result = EngineResult(
        analysis="rates",
        estimates={"black": {"search_rate": {"rate": 0.09, "k": 90, "n": 1000,
                                             "ratio_to_reference": {"ratio": 2.65, "ci95": [2.1, 3.3]}}},
                   "white": {"search_rate": {"rate": 0.034, "k": 340, "n": 10000}}},
        n_input=11000, n_used=11000, n_excluded={}, params={"reference": "white"}, input_sha256="ef" * 32,
        charts=[chart],
    )  # fmt: skip
    embed = editing.embed_result(report, users["provider_a"], result.to_dict(), title="Search rates")

    def texts(svg: str) -> list[str]:
        return re.findall(r"<text[^>]*>([^<]*)</text>", svg)

    assert texts(embed.chart_svg) == texts(chart_svg(chart)) and "search rate by race" in texts(
        embed.chart_svg
    )
    assert embed.alt_text.startswith(
        "search rate by race, share of stops. black: 9.0% (95% interval 8.0% to 10.0%)"
    )
    doc = document.build(report)
    exhibit = next(e for e in doc.methodology_exhibits if e.title == "Search rates")
    assert exhibit.headline == (
        "Search rate: black 9.0% (90 of 1,000), 2.65 times white's 3.4% (340 of 10,000), 95% interval 2.10 to "
        "3.30: higher; the 95% interval lies above 1.",
    )
