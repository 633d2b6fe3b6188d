"""The library of findings and recommendations: every recommendation of every published public report,
searchable in full text (PostgreSQL's, with a plain substring match on SQLite) and filterable by topic, program,
agency type and size, with its finding, its report and, for an Organizational Assessment, its status in the
latest published progress report. The same search serves the reports index (report text, findings,
recommendations and topic names)."""

from dataclasses import dataclass

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.assessment.models import ProgressReport
from continuum.catalog.models import Program, Topic
from continuum.portal.fields import RecordChoiceField
from continuum.portal.textsearch import annotated
from continuum.portal.textsearch import matches as text_matches
from continuum.sites.extensions import Publication
from continuum.sites.models import Site

from .models import Finding, Recommendation, Report
from .prose import plain

# Agency size by sworn officers, as the program's reports describe departments.
SIZES = {
    "small": ("Fewer than 50 sworn officers", 0, 49),
    "medium": ("50 to 249 sworn officers", 50, 249),
    "large": ("250 to 999 sworn officers", 250, 999),
    "very_large": ("1,000 or more sworn officers", 1000, None),
}


def _topic_named(q: str) -> QuerySet:
    return Topic.objects.filter(name__icontains=q)


def report_matches(reports: QuerySet[Report], q: str) -> QuerySet[Report]:
    """Published reports whose text, findings, recommendations, site's or recommendations' topic names or
    agency name match `q` (subqueries, not joins: one row per report)."""
    report_fields = ["title", "subtitle", "executive_summary", "background", "methodology", "conclusion",
                     "lessons_learned", "promising_practices", "site__agency__name"]  # fmt: skip
    in_findings = annotated(Finding.objects.filter(report=OuterRef("pk")), ["title", "body"]).filter(
        text_matches(q, ["title", "body"])
    )
    in_recommendations = annotated(
        Recommendation.objects.filter(finding__report=OuterRef("pk")), ["text"]
    ).filter(text_matches(q, ["text"]) | Q(topics__in=_topic_named(q)))
    site_topic = Site.topics.through.objects.filter(site=OuterRef("site"), topic__in=_topic_named(q))
    return annotated(reports, report_fields).filter(
        text_matches(q, report_fields) | Exists(in_findings) | Exists(in_recommendations) | Exists(site_topic)
    )


class LibraryForm(forms.Form):
    q = forms.CharField(label="Search the recommendations", required=False)
    topic = RecordChoiceField(
        Topic.objects.all(), label="Topic", required=False, empty_label="Any topic", to_field_name="slug"
    )
    program = forms.ChoiceField(
        label="Program", required=False, choices=[("", "Any program"), *Program.choices]
    )
    agency_type = forms.ChoiceField(
        label="Agency type", required=False, choices=[("", "Any type"), *Agency.Type.choices]
    )
    size = forms.ChoiceField(
        label="Agency size", required=False,
        choices=[("", "Any size"), *[(key, label) for key, (label, _, _) in SIZES.items()]],
    )  # fmt: skip


def published_recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(
        finding__report__status=Report.Status.PUBLISHED, finding__report__site__is_public=True
    )


REC_FIELDS = ["text", "finding__title", "finding__body", "finding__report__title", "responsible_party"]


def search(params) -> tuple[LibraryForm, QuerySet[Recommendation]]:
    """The recommendations that match, newest report first, in report order."""
    form = LibraryForm(params or None)
    recs = published_recommendations()
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            topic_named = Exists(
                Recommendation.topics.through.objects.filter(
                    recommendation=OuterRef("pk"), topic__in=_topic_named(q)
                )
            )
            recs = annotated(recs, REC_FIELDS).filter(text_matches(q, REC_FIELDS) | topic_named)
        if data["topic"]:
            recs = recs.filter(
                Exists(
                    Recommendation.topics.through.objects.filter(
                        recommendation=OuterRef("pk"), topic=data["topic"]
                    )
                )
            )
        if data["program"]:
            recs = recs.filter(finding__report__site__program=data["program"])
        if data["agency_type"]:
            recs = recs.filter(finding__report__site__agency__agency_type=data["agency_type"])
        if data["size"]:
            _, least, most = SIZES[data["size"]]
            recs = recs.filter(finding__report__site__agency__sworn_officers__gte=least)
            if most is not None:
                recs = recs.filter(finding__report__site__agency__sworn_officers__lte=most)
    recs = recs.select_related(
        "finding__report__site__agency", "finding__report__site__provider"
    ).prefetch_related("topics")
    return form, recs.order_by("-finding__report__published_at", "finding__report_id", "finding__position",
                               "finding_id", "position", "pk")  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """A recommendation as the library shows it."""

    recommendation: Recommendation
    text: str
    finding: str
    status: str  # its latest published implementation status, or ""


def entries(recs) -> list[Entry]:
    """The recommendations with plain text and, for Organizational Assessments, the status in the site's latest
    published progress report: two queries whatever the number."""
    recs = list(recs)
    sites = {
        r.finding.report.site_id
        for r in recs
        if r.finding.report.site.program == Program.ORGANIZATIONAL_ASSESSMENT
    }
    latest: dict[int, ProgressReport] = {}
    numbers: dict[int, str] = {}
    if sites:
        for report in ProgressReport.objects.filter(
            site_id__in=sites, state=ProgressReport.State.PUBLISHED
        ).order_by("site_id", "-number"):
            latest.setdefault(report.site_id, report)
        numbers = dict(
            Recommendation.objects.filter(
                pk__in=[r.pk for r in recs], implementation__isnull=False
            ).values_list("pk", "implementation__number")
        )
    found = []
    for rec in recs:
        status = ""
        progress = latest.get(rec.finding.report.site_id)
        if progress is not None and rec.pk in numbers:
            for item in progress.snapshot.get("items", []):
                if item.get("number") == numbers[rec.pk]:
                    status = f"{item.get('status_label')} (progress report {progress.number}, {progress.as_of:%B %Y})"
                    break
        found.append(Entry(rec, plain(rec.text), plain(rec.finding.title), status))
    return found


CSV_HEADER = ["Recommendation", "Finding", "Topics", "Priority", "Responsible party", "Report", "Report URL",
              "Published", "Agency", "State", "Program", "Latest implementation status"]  # fmt: skip


def csv_rows(items: list[Entry]):
    """One row per recommendation, in CSV_HEADER's order (the response defuses formulas)."""
    for entry in items:
        rec, report = entry.recommendation, entry.recommendation.finding.report
        yield [
            entry.text, entry.finding, "; ".join(t.name for t in rec.topics.all()), rec.get_priority_display(),
            rec.responsible_party, str(report), report.get_public_url(), f"{report.published_at:%Y-%m-%d}",
            report.site.agency.name, report.site.agency.state, report.site.get_program_display(), entry.status,
        ]  # fmt: skip


def site_publications(site_ids: list[int]) -> list[Publication]:
    """The published reports of these public sites, for the public list of sites (one query)."""
    reports = Report.objects.published().filter(site_id__in=site_ids).only("site_id", "title", "version",
                                                                           "published_at")  # fmt: skip
    return [Publication(r.site_id, str(r), r.get_public_url(), timezone.localdate(r.published_at), "report")
            for r in reports]  # fmt: skip
