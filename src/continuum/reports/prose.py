"""Markdown for report prose, rendered to HTML that is safe to show: Python-Markdown, then nh3 (Ammonia)
keeps only the tags a report needs, so a pasted <script>, an event handler or a javascript: link never
reaches a page or a PDF. Footnote references [^key] become numbered links to the notes."""

import re
from collections.abc import Mapping
from html import unescape

import markdown
import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "sup",
    "sub",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "sup": {"id"}}
URL_SCHEMES = {"http", "https", "mailto"}
FOOTNOTE_REF = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _cite(text: str, notes: Mapping[str, int]) -> str:
    def replace(match: re.Match) -> str:
        number = notes.get(match.group(1))
        if number is None:
            return match.group(0)
        return f'<sup><a href="#note-{number}" title="Note {number}">{number}</a></sup>'

    return FOOTNOTE_REF.sub(replace, text)


def render(text: str, notes: Mapping[str, int] | None = None) -> SafeString:
    """Markdown to sanitized HTML. Raw HTML in the source is escaped before Markdown sees it."""
    if not text or not text.strip():
        return mark_safe("")
    source = escape(text).replace("&gt;", ">")  # keep Markdown blockquotes; every other tag stays text
    html = markdown.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    html = _cite(html, notes or {})
    return mark_safe(sanitize(html))


def render_inline(text: str, notes: Mapping[str, int] | None = None) -> SafeString:
    """One paragraph of Markdown without the <p> around it (for headings and table cells)."""
    html = str(render(text, notes))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)


def plain(text: str) -> str:
    """Markdown as the reader sees it, without markup: for excerpts and feeds, never the source's `**` or
    `[^note]`."""
    if not text or not text.strip():
        return ""
    html = str(render(FOOTNOTE_REF.sub("", text)))
    return " ".join(unescape(strip_tags(html)).split())
