"""The report as a tagged PDF (PDF/UA-1) through WeasyPrint, from the same HTML body as the web page:
headings become the structure tree and the bookmarks, tables keep their header cells, images carry their alt
text, and the document declares its language and title."""

import logging
from pathlib import Path

from django.template.loader import render_to_string

from . import document
from .editing import AFTER_ACTION_NOTE

PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "print.css"


def html_for(doc: document.Document) -> str:
    return render_to_string("reports/pdf.html", {"doc": doc, "aar_note": AFTER_ACTION_NOTE})


def render(report) -> bytes:
    return render_document(document.build(report))


def render_document(doc: document.Document) -> bytes:
    return write(doc)[0]


def write(doc: document.Document) -> tuple[bytes, int]:
    """The PDF and its page count."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import CSS, HTML  # imported when needed: it parses its own stylesheets on import

    html = HTML(string=html_for(doc), base_url=str(PRINT_CSS.parent))
    rendered = html.render(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1", pdf_tags=True)
    return rendered.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True), len(rendered.pages)


def filename(report) -> str:
    from django.utils.text import slugify

    return f"{slugify(report.title)[:80] or 'report'}-v{report.version}.pdf"
