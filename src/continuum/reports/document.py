"""The one read of a report that every output renders: its parts in order, with their numbers. The web page,
the PDF and the Word document take this and nothing else, so they cannot say different things."""

import base64
from dataclasses import dataclass, field
from itertools import groupby

from django.utils.safestring import SafeString, mark_safe

from continuum.analysis import readable

from . import embeds, numbering, prose
from .models import EmbeddedResult, Figure, Observation, Report


@dataclass
class Exhibit:
    """An embedded result or a figure, numbered through the report."""

    number: int
    kind: str  # "result" or "figure"
    title: str
    alt_text: str
    table_html: SafeString | None = None
    chart_svg: str = ""
    chart_uri: str = ""
    provenance: str = ""
    image_uri: str = ""
    image_bytes: bytes = b""
    content_type: str = ""
    table: dict | None = None  # {"caption", "columns", "rows"} for Word
    warnings: tuple[str, ...] = ()  # the result's own "read this first" (filters that drop most data...)
    headline: tuple[str, ...] = ()  # the result's comparisons in words, before its chart


@dataclass
class Rec:
    pk: int
    number: str
    text: str
    html: SafeString
    responsible_party: str
    priority: str
    topics: list[str]
    actions: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"recommendation {self.number}"


@dataclass
class Find:
    pk: int
    number: int
    title: str
    body: str
    html: SafeString
    recommendations: list[Rec]
    exhibits: list[Exhibit]

    @property
    def label(self) -> str:
        return f"finding {self.number}"


@dataclass
class ThemeGroup:
    label: str
    observations: list


@dataclass
class Document:
    report: Report
    notes: dict[str, int]
    sections: list[tuple[str, str, str, SafeString]]  # (anchor, heading, markdown, html) before the findings
    findings: list[Find]
    methodology_exhibits: list[Exhibit]
    closing: list[tuple[str, str, str, SafeString]]  # lessons, practices, conclusion
    footnotes: list[tuple[int, str, SafeString]]
    appendices: list[tuple[str, str, str, SafeString]]  # (letter, title, markdown, html)
    timeline: list
    sources: list
    themes: list[ThemeGroup]
    improvement_plan: list[tuple[str, object]]  # (recommendation number, action)
    incident: list[tuple[str, str]]

    @property
    def recommendations(self) -> list[Rec]:
        return [rec for finding in self.findings for rec in finding.recommendations]


def _exhibit(number: int, part) -> Exhibit:
    if isinstance(part, EmbeddedResult):
        return Exhibit(
            number=number,
            kind="result",
            title=part.title,
            alt_text=part.alt_text,
            table_html=mark_safe(prose.sanitize(part.table_html)),
            chart_svg=part.chart_svg,
            chart_uri=embeds.svg_data_uri(part.chart_svg) if part.chart_svg else "",
            provenance=part.provenance,
            table=part.table,
            warnings=tuple(str(w) for w in (part.source or {}).get("warnings") or ()),
            headline=tuple(readable.headline(part.source or {}, limit=6)),
        )
    data = bytes(part.image)
    uri = f"data:{part.content_type};base64,{base64.b64encode(data).decode()}"
    return Exhibit(
        number=number,
        kind="figure",
        title=part.caption,
        alt_text=part.alt_text,
        image_uri=uri,
        image_bytes=data,
        content_type=part.content_type,
    )


def build(report: Report) -> Document:
    notes = numbering.note_numbers(report)

    def md(text: str) -> SafeString:
        return prose.render(text, notes)

    findings = list(report.findings.all())
    recs = numbering.recommendation_numbers(report)
    parts = sorted(
        [*report.embeds.all(), *report.figures.all()],
        key=lambda p: (
            p.finding.position if p.finding_id else -1,
            p.finding_id or 0,
            p.position,
            isinstance(p, Figure),
            p.pk,
        ),
    )
    exhibits_by_finding: dict[int | None, list[Exhibit]] = {}
    for number, part in enumerate(parts, start=1):
        exhibits_by_finding.setdefault(part.finding_id, []).append(_exhibit(number, part))

    built = []
    for index, finding in enumerate(findings, start=1):
        rec_list = []
        for rec in finding.recommendations.all().prefetch_related("topics", "actions"):
            rec_list.append(
                Rec(
                    pk=rec.pk,
                    number=recs[rec.pk],
                    text=rec.text,
                    html=md(rec.text),
                    responsible_party=rec.responsible_party,
                    priority=rec.get_priority_display(),
                    topics=[t.name for t in rec.topics.all()],
                    actions=list(rec.actions.all()),
                )
            )
        built.append(
            Find(
                pk=finding.pk,
                number=index,
                title=finding.title,
                body=finding.body,
                html=md(finding.body),
                recommendations=rec_list,
                exhibits=exhibits_by_finding.get(finding.pk, []),
            )
        )

    sections = [
        ("summary", "Executive summary", report.executive_summary),
        ("background", "Background", report.background),
        ("methodology", "Methodology", report.methodology),
    ]
    closing = []
    if report.is_after_action:
        closing += [
            ("lessons", "Lessons learned", report.lessons_learned),
            ("practices", "Promising practices", report.promising_practices),
        ]
    closing.append(("conclusion", "Conclusion", report.conclusion))

    themes = []
    order = {value: i for i, value in enumerate(Observation.Theme.values)}
    observations = sorted(report.observations.all(), key=lambda o: (order[o.theme], o.position, o.pk))
    for theme, group in groupby(observations, key=lambda o: o.theme):
        items = [(o, md(o.analysis), md(o.root_cause)) for o in group]
        themes.append(ThemeGroup(Observation.Theme(theme).label, items))

    plan = [
        (rec.number, action)
        for rec in (r for f in built for r in f.recommendations)
        for action in rec.actions
    ]
    incident = []
    if report.is_after_action:
        incident = [
            ("What", report.incident_what),
            ("When", report.incident_when),
            ("Where", report.incident_where),
            (
                "Agencies involved",
                "; ".join(a.strip() for a in report.agencies_involved.splitlines() if a.strip()),
            ),
        ]
    return Document(
        report=report,
        notes=notes,
        sections=[(a, h, t, md(t)) for a, h, t in sections if t.strip()],
        findings=built,
        methodology_exhibits=exhibits_by_finding.get(None, []),
        closing=[(a, h, t, md(t)) for a, h, t in closing if t.strip()],
        footnotes=[(notes[n.key], n.text, prose.render_inline(n.text)) for n in report.footnotes.all()],
        appendices=[
            (numbering.appendix_letter(i), a.title, a.body, md(a.body))
            for i, a in enumerate(report.appendices.all())
        ],
        timeline=list(report.timeline.all()),
        sources=list(report.sources.all()),
        themes=themes,
        improvement_plan=plan,
        incident=[(label, value) for label, value in incident if value],
    )
