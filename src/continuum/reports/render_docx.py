"""The report as an editable Word document (python-docx), from the same content as the web page and the PDF:
real heading styles (so Word's navigation pane and table of contents work), the computed finding and
recommendation numbers, list styles for lists, tables with a repeating header row, pictures with alt text."""

import io

from docx import Document as Docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from lxml import html as lxml_html

from continuum.analysis import charts

from . import document
from .editing import AFTER_ACTION_NOTE

BLOCKS = {"p", "ul", "ol", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}


def _inline(paragraph, node, bold=False, italic=False, code=False, sup=False) -> None:
    """Runs for the text of `node` and its inline children."""
    tag = node.tag if isinstance(node.tag, str) else ""
    bold = bold or tag in {"strong", "b"}
    italic = italic or tag in {"em", "i"}
    code = code or tag == "code"
    sup = sup or tag == "sup"

    def add(text: str) -> None:
        if not text:
            return
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if code:
            run.font.name = "Courier New"
        if sup:
            run.font.superscript = True

    if tag == "br":
        paragraph.add_run().add_break(WD_BREAK.LINE)
    else:
        add(node.text or "")
        for child in node:
            _inline(paragraph, child, bold, italic, code, sup)
            add(child.tail or "")


def _table(docx, rows: list[list[str]], header: list[str] | None, caption: str = "") -> None:
    if caption:
        docx.add_paragraph(caption, style="Caption")
    width = max(len(header or []), *(len(r) for r in rows)) if rows or header else 1
    table = docx.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=False):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = str(text)
    docx.add_paragraph()


def _html_table(docx, node) -> None:
    caption = node.find("caption")
    header = [c.text_content().strip() for c in node.xpath("./thead/tr[1]/*")] or None
    body = node.xpath("./tbody/tr") or node.xpath("./tr")
    rows = [[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in body]
    _table(docx, rows, header, caption.text_content().strip() if caption is not None else "")


def _blocks(docx, html: str, base_heading: int = 3) -> None:
    """Sanitized prose HTML to Word paragraphs."""
    if not html or not str(html).strip():
        return
    for node in lxml_html.fragments_fromstring(str(html)):
        if isinstance(node, str):
            if node.strip():
                docx.add_paragraph(node.strip())
            continue
        tag = node.tag
        if tag == "p":
            _inline(docx.add_paragraph(), node)
        elif tag in {"ul", "ol"}:
            style = "List Number" if tag == "ol" else "List Bullet"
            for item in node.findall("li"):
                _inline(docx.add_paragraph(style=style), item)
        elif tag in {"h3", "h4", "h5", "h6"}:
            level = min(9, base_heading + int(tag[1]) - 3)
            docx.add_heading(node.text_content().strip(), level=level)
        elif tag == "blockquote":
            _inline(docx.add_paragraph(style="Quote"), node)
        elif tag == "pre":
            paragraph = docx.add_paragraph()
            run = paragraph.add_run(node.text_content())
            run.font.name = "Courier New"
        elif tag == "table":
            _html_table(docx, node)
        elif tag == "hr":
            continue
        else:
            _inline(docx.add_paragraph(), node)


def _picture(docx, data: bytes, alt_text: str, title: str) -> None:
    docx.add_picture(io.BytesIO(data), width=Inches(6))
    inline = docx.inline_shapes[-1]._inline
    doc_pr = inline.docPr
    doc_pr.set("descr", alt_text)
    doc_pr.set("title", title)


def _exhibit(docx, exhibit: document.Exhibit) -> None:
    docx.add_paragraph(f"Exhibit {exhibit.number}. {exhibit.title}", style="Caption")
    if exhibit.kind == "figure":
        if exhibit.content_type in {"image/png", "image/jpeg", "image/gif"}:
            _picture(docx, exhibit.image_bytes, exhibit.alt_text, exhibit.title)
        else:
            docx.add_paragraph(f"[Figure] {exhibit.alt_text}")
        return
    if exhibit.warnings:
        docx.add_paragraph("Read this first:").runs[0].bold = True
        for warning in exhibit.warnings:
            docx.add_paragraph(warning, style="List Bullet")
    for sentence in exhibit.headline:
        docx.add_paragraph(sentence, style="List Bullet")
    if exhibit.chart_svg:
        # Word cannot take these SVGs: the same chart as PNG, described by its alt text, beside its data table
        _picture(docx, charts.svg_to_png(exhibit.chart_svg), exhibit.alt_text, exhibit.title)
    table = exhibit.table or {}
    if table:
        _table(docx, table.get("rows", []), table.get("columns"), table.get("caption", ""))
    provenance = docx.add_paragraph(f"Source: {exhibit.provenance}")
    for run in provenance.runs:
        run.font.size = Pt(8)


def _set_language(docx, lang: str = "en-US") -> None:
    r_pr = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    element = r_pr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        r_pr.append(element)
    element.set(qn("w:val"), lang)


def build(doc: document.Document):
    report = doc.report
    docx = Docx()
    docx.core_properties.title = report.title
    docx.core_properties.subject = f"{report.site.agency.name}: {report.get_kind_display()}"
    docx.core_properties.author = str(report.site.provider or "COPS Office")
    docx.core_properties.language = "en-US"
    _set_language(docx)

    docx.add_heading(report.title, level=0)
    if report.subtitle:
        docx.add_paragraph(report.subtitle, style="Subtitle")
    docx.add_paragraph(
        f"{report.site.agency.name} · {report.get_kind_display()}"
        + (f" · version {report.version}" if report.version > 1 else "")
    )
    docx.add_paragraph(
        f"Published {report.published_at:%B %-d, %Y}"
        if report.published_at
        else f"{report.get_status_display()} — not for distribution"
    )
    if report.corrects_id and report.change_note:
        docx.add_heading("Correction", level=1)
        docx.add_paragraph(f"This is version {report.version}. {report.change_note}")
    if report.is_after_action:
        docx.add_paragraph(AFTER_ACTION_NOTE, style="Intense Quote")

    for anchor, heading, _text, html in doc.sections:
        docx.add_heading(heading, level=1)
        _blocks(docx, html, base_heading=2)
        if anchor == "methodology":
            for exhibit in doc.methodology_exhibits:
                _exhibit(docx, exhibit)
    if doc.incident:
        docx.add_heading("Incident profile", level=1)
        _table(docx, [[label, value] for label, value in doc.incident], None, "The incident")
    if doc.sources:
        docx.add_heading("Sources reviewed", level=1)
        _table(
            docx,
            [
                [s.get_kind_display(), s.description, "—" if s.count is None else str(s.count)]
                for s in doc.sources
            ],
            ["Kind", "Description", "Number"],
            "What the review examined",
        )
    if doc.timeline:
        docx.add_heading("Timeline of events", level=1)
        _table(
            docx,
            [[f"{e.occurred_at:%Y-%m-%d %H:%M}", e.description, e.source] for e in doc.timeline],
            ["When", "What happened", "Source"],
            "Events in time order, with their sources",
        )
    if doc.themes:
        docx.add_heading("Observations", level=1)
        for group in doc.themes:
            docx.add_heading(group.label, level=2)
            for observation, analysis, root_cause in group.observations:
                docx.add_heading(f"{observation.get_kind_display()}: {observation.title}", level=3)
                if analysis:
                    docx.add_paragraph().add_run("Analysis").bold = True
                    _blocks(docx, analysis, base_heading=4)
                if root_cause:
                    docx.add_paragraph().add_run("Root cause").bold = True
                    _blocks(docx, root_cause, base_heading=4)

    docx.add_heading("Findings and recommendations", level=1)
    for finding in doc.findings:
        docx.add_heading(f"Finding {finding.number}. {finding.title}", level=2)
        _blocks(docx, finding.html, base_heading=4)
        for exhibit in finding.exhibits:
            _exhibit(docx, exhibit)
        for rec in finding.recommendations:
            docx.add_heading(f"Recommendation {rec.number}", level=3)
            _blocks(docx, rec.html, base_heading=4)
            meta = docx.add_paragraph()
            meta.add_run("Responsible party: ").bold = True
            meta.add_run(f"{rec.responsible_party}. ")
            meta.add_run("Priority: ").bold = True
            meta.add_run(f"{rec.priority}.")
            if rec.topics:
                meta.add_run(" Topics: ").bold = True
                meta.add_run(", ".join(rec.topics) + ".")
    if doc.improvement_plan:
        docx.add_heading("Improvement plan", level=1)
        _table(
            docx,
            [
                [
                    number,
                    a.corrective_action,
                    a.responsible_party,
                    a.starts_on.isoformat() if a.starts_on else "—",
                    a.ends_on.isoformat() if a.ends_on else "—",
                ]
                for number, a in doc.improvement_plan
            ],
            ["Recommendation", "Corrective action", "Responsible party", "Start date", "End date"],
            "Corrective actions for each recommendation",
        )
    for _anchor, heading, _text, html in doc.closing:
        docx.add_heading(heading, level=1)
        _blocks(docx, html, base_heading=2)
    if doc.footnotes:
        docx.add_heading("Notes", level=1)
        for number, _text, html in doc.footnotes:
            paragraph = docx.add_paragraph(f"{number}. ")
            for node in lxml_html.fragments_fromstring(f"<span>{html}</span>"):
                _inline(paragraph, node)
    for letter, title, _text, html in doc.appendices:
        docx.add_heading(f"Appendix {letter}. {title}", level=1)
        _blocks(docx, html, base_heading=2)
    return docx


def render(report) -> bytes:
    return render_document(document.build(report))


def render_document(doc: document.Document) -> bytes:
    out = io.BytesIO()
    build(doc).save(out)
    return out.getvalue()


def filename(report) -> str:
    from django.utils.text import slugify

    return f"{slugify(report.title)[:80] or 'report'}-v{report.version}.docx"
