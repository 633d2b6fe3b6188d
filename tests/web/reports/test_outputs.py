"""One content model, three outputs that say the same thing: the findings and recommendations extracted from the
web page, the PDF and the Word document match. The PDF is tagged PDF/UA: structure tree, language, title,
headings in order, bookmarks, table headers, alt text on every figure."""

import io
import itertools
import re

import pytest
from docx import Document as Docx
from lxml import html as lxml_html
from pypdf import PdfReader

from continuum.analysis import charts
from continuum.reports import document, editing, render_docx, render_pdf
from continuum.reports.models import ImprovementAction, Observation, SourceReviewed, TimelineEntry

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def from_html(page: str) -> list[tuple]:
    tree = lxml_html.fromstring(page)
    items = []
    for finding in tree.xpath("//*[@data-finding and contains(@class, 'report-finding')]"):
        title = finding.xpath(".//*[contains(@class, 'report-finding__title')]")[0].text_content()
        items.append(("finding", finding.get("data-finding"), _norm(title)))
        for rec in finding.xpath(".//*[@data-recommendation]"):
            text = rec.xpath(".//*[contains(@class, 'report-recommendation__text')]")[0].text_content()
            party = rec.xpath(".//*[contains(@class, 'report-responsible')]")[0].text_content()
            items.append(("recommendation", rec.get("data-recommendation"), _norm(text), _norm(party)))
    return items


def from_docx(data: bytes) -> list[tuple]:
    paragraphs = [(p.style.name, _norm(p.text)) for p in Docx(io.BytesIO(data)).paragraphs]
    items = []
    for i, (style, text) in enumerate(paragraphs):
        if style == "Heading 2" and (m := re.match(r"Finding (\d+)\. (.*)", text)):
            items.append(("finding", m.group(1), m.group(2)))
        elif style == "Heading 3" and (m := re.match(r"Recommendation (\d+\.\d+)$", text)):
            body, j = [], i + 1
            while not paragraphs[j][1].startswith("Responsible party:"):
                body.append(paragraphs[j][1])
                j += 1
            party = re.match(r"Responsible party: (.*?)\. Priority:", paragraphs[j][1]).group(1)
            items.append(("recommendation", m.group(1), " ".join(body), party))
    return items


def from_pdf(data: bytes) -> list[tuple]:
    reader = PdfReader(io.BytesIO(data))
    text = _norm(" ".join(page.extract_text() for page in reader.pages))
    start = text.index("Findings and recommendations")
    end = text.index("Conclusion", start) if "Conclusion" in text[start:] else len(text)
    body = text[start:end]
    marks = list(re.finditer(r"Finding (\d+)\. |Recommendation (\d+\.\d+) |Responsible party: ", body))
    items = []
    for k, mark in enumerate(marks):
        following = body[mark.end() : marks[k + 1].start() if k + 1 < len(marks) else len(body)].strip()
        if mark.group(1):
            items.append(["finding", mark.group(1), following])
        elif mark.group(2):
            items.append(["recommendation", mark.group(2), following])
        else:
            items[-1].append(following.split(". Priority:")[0])
    return [tuple(item) for item in items]


def _matches(reference: list[tuple], other: list[tuple]) -> None:
    """Same items, numbers and order; PDF text after a heading starts with the heading's own text (the
    discussion follows it)."""
    assert [i[:2] for i in other] == [i[:2] for i in reference]
    for ref, got in zip(reference, other, strict=True):
        assert got[2].startswith(ref[2]), (ref, got)
        if ref[0] == "recommendation":
            assert got[3] == ref[3]


@pytest.fixture
def rich(report, users):
    """The published report plus a figure and a Markdown list in a recommendation."""
    author = users["provider_a"]
    editing.add_figure(
        report,
        author,
        image=PNG,
        content_type="image/png",
        caption="Force by month",
        alt_text="Line chart: force incidents fell from 40 to 22 a month.",
        finding=report.findings.first(),
    )
    rec = report.findings.last().recommendations.first()
    rec.text = "Require supervisory review within **72 hours**, including:\n\n- video review\n- a debrief"
    editing.save_part(report, author, rec)
    return report


def test_html_pdf_and_word_agree(client, rich, users):
    from .conftest import publish

    report = publish(rich, users)
    html_items = from_html(client.get(f"/reports/{report.pk}/").content.decode())
    assert [i[1] for i in html_items] == ["1", "1.1", "1.2", "2", "2.1"]
    assert html_items[-1][3] == "Patrol division commanders"
    pdf_items = from_pdf(client.get(f"/reports/{report.pk}/report.pdf").content)
    docx_items = from_docx(client.get(f"/reports/{report.pk}/report.docx").content)
    _matches(html_items, docx_items)
    _matches(html_items, pdf_items)
    doc = document.build(report)
    assert [("finding", str(f.number), f.title) for f in doc.findings] == [
        i for i in html_items if i[0] == "finding"
    ]


def _struct(reader):
    out = []

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and "/S" in kid:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return out


def test_pdf_is_tagged_and_accessible(rich):
    data = render_pdf.render(rich)
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert reader.metadata.title == rich.title
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    elements = _struct(reader)
    kinds = [str(e["/S"]) for e in elements]
    headings = [int(k[2]) for k in kinds if re.fullmatch(r"/H\d", k)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings
    assert headings.count(3) == 2 and headings.count(4) == 3  # two findings, three recommendations
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 2  # the embedded chart and the uploaded figure
    # the chart is drawn as vector SVG: its axis title and subtitle are text on the page
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Dots: estimates; lines: 95% intervals" in text and "is dark odds ratio" in text
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    assert "/TH" in kinds and "/Table" in kinds
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [rich.title]
    nested = [
        item.title
        for group in reader.outline
        if isinstance(group, list)
        for item in group
        if not isinstance(item, list)
    ]
    assert "Executive summary" in nested and "Findings and recommendations" in nested


def test_word_has_real_headings_language_and_alt_text(rich):
    docx = Docx(io.BytesIO(render_docx.render(rich)))
    styles = [(p.style.name, p.text) for p in docx.paragraphs]
    assert ("Title", rich.title) in styles
    assert ("Heading 1", "Findings and recommendations") in styles
    assert ("Heading 2", "Finding 1. Use-of-force policy lacks a de-escalation requirement.") in styles
    assert ("Heading 3", "Recommendation 2.1") in styles
    assert ("List Bullet", "video review") in styles
    assert docx.core_properties.title == rich.title
    assert 'w:val="en-US"' in docx.styles.element.xml
    descriptions = [shape._inline.docPr.get("descr") for shape in docx.inline_shapes]
    embed = rich.embeds.get()
    assert descriptions == ["Line chart: force incidents fell from 40 to 22 a month.", embed.alt_text]
    # the embedded result's chart is in Word as the PNG of the SVG the PDF shows (Word cannot take the SVG)
    blip = docx.inline_shapes[1]._inline.graphic.graphicData.pic.blipFill.blip.embed
    png = docx.part.related_parts[blip].blob
    assert png.startswith(b"\x89PNG") and png == charts.svg_to_png(embed.chart_svg)
    assert any(t.rows[0].cells[0].text == "Measure" for t in docx.tables)


def test_after_action_review_renders_its_parts(site, users):
    import datetime

    from django.utils import timezone

    author = users["provider_a"]
    aar = editing.create_report(site, author, title="After-action review", kind="after_action")
    aar.incident_what, aar.incident_where = "Ambush of officers", "25th Street South"
    editing.save_report(aar, author)
    when = timezone.make_aware(datetime.datetime(2023, 7, 14, 14, 55))
    for offset, text in [(10, "Later event"), (0, "Earlier event")]:
        editing.add_part(
            aar,
            author,
            TimelineEntry(
                report=aar,
                occurred_at=when + datetime.timedelta(minutes=offset),
                description=text,
                source="CAD",
            ),
            "timeline",
        )
    editing.add_part(
        aar, author, SourceReviewed(report=aar, kind="video", description="Body-worn camera"), "source"
    )
    editing.add_part(
        aar,
        author,
        Observation(
            report=aar,
            theme="communications",
            kind="improvement",
            title="Radio overload",
            root_cause="No plan",
        ),
        "observation",
    )
    editing.add_part(
        aar,
        author,
        Observation(report=aar, theme="planning", kind="strength", title="Mutual aid worked"),
        "observation",
    )
    from continuum.reports.models import Finding, Recommendation

    finding = editing.add_part(aar, author, Finding(report=aar, title="Radio overload"), "finding")
    rec = editing.add_part(
        aar,
        author,
        Recommendation(finding=finding, text="Plan a channel.", responsible_party="Dispatch"),
        "recommendation",
    )
    editing.add_action(
        aar,
        author,
        ImprovementAction(
            recommendation=rec,
            corrective_action="Configure channel",
            responsible_party="Dispatch director",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2024, 6, 30),
        ),
    )
    doc = document.build(aar)
    assert [t.description for t in doc.timeline] == ["Earlier event", "Later event"]
    assert [g.label for g in doc.themes] == ["Planning and preparation", "Communications"]
    assert doc.improvement_plan[0][0] == "1.1"
    text = _norm(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf.render(aar))).pages))
    for expected in [
        "learning tool, not a disciplinary one",
        "Incident profile",
        "Timeline of events",
        "Area for improvement: Radio overload",
        "Root cause",
        "Improvement plan",
        "Configure channel",
        "2024-06-30",
    ]:
        assert expected in text, expected
    words = " ".join(p.text for p in Docx(io.BytesIO(render_docx.render(aar))).paragraphs)
    assert "learning tool, not a disciplinary one" in words and "Strength: Mutual aid worked" in words
