"""The public side: the list of published reports with search and filters, each report as a page, a PDF and a
Word document. Only published versions (and the versions they corrected) are ever reachable here."""

from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from continuum.accounts.access import PUBLIC, access
from continuum.assessment.models import ProgressReport
from continuum.portal.caching import public_page
from continuum.portal.pagination import page_of
from continuum.portal.spreadsheets import csv_response
from continuum.sites.models import Site

from . import document, editing, library
from .forms import PublicFilterForm
from .models import Recommendation, Report
from .views import download

PER_PAGE = 20
PROGRESS_SHOWN = 10
LIBRARY_PER_PAGE = 25
FILTER_CHOICES_KEY, FILTER_CHOICES_SECONDS = "reports:public-filter-choices", 300


def _public():
    return Report.objects.public().select_related("site", "site__agency", "site__provider")


def search(params) -> tuple[PublicFilterForm, QuerySet[Report]]:
    """The published reports matching the filters, newest first."""
    published = _public().filter(status=Report.Status.PUBLISHED)
    states, years = _filter_choices(published)
    form = PublicFilterForm(params or None, states=states, years=years)
    reports = published
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            reports = library.report_matches(reports, q)
        if agency := data["agency"].strip():
            reports = reports.filter(site__agency__name__icontains=agency)
        if data["state"]:
            reports = reports.filter(site__agency__state=data["state"])
        if data["topic"]:
            topic = data["topic"]
            reports = reports.filter(
                Exists(Site.topics.through.objects.filter(site=OuterRef("site"), topic=topic))
                | Exists(Recommendation.objects.filter(finding__report=OuterRef("pk"), topics=topic))
            )
        if data["program"]:
            reports = reports.filter(site__program=data["program"])
        if data["year"]:
            reports = reports.filter(published_at__year=data["year"])
    # filters on findings and topics are subqueries, not joins: no duplicate rows, so no DISTINCT over
    # every column of every report (the list's main cost with thousands of reports)
    return form, reports.order_by("-published_at", "-pk")


def _filter_choices(published) -> tuple[list[str], list[int]]:
    """The states and years that have a published report, for the filters: asked of the database and kept for a
    few minutes (publishing clears it in this process; other web processes see a new state at most that late)."""

    def ask():
        states = list(
            published.exclude(site__agency__state="")
            .order_by("site__agency__state")
            .values_list("site__agency__state", flat=True)
            .distinct()
        )
        return states, [d.year for d in published.order_by().dates("published_at", "year", order="DESC")]

    return cache.get_or_set(FILTER_CHOICES_KEY, ask, FILTER_CHOICES_SECONDS)


@access(PUBLIC)
@public_page(params=(*PublicFilterForm.base_fields, "page"))
def report_list(request: HttpRequest) -> HttpResponse:
    form, reports = search(request.GET)
    template = "reports/public_list.html#results" if request.htmx else "reports/public_list.html"
    progress = progress_matches(form)
    return TemplateResponse(
        request,
        template,
        {
            "form": form, "reports": page_of(request, reports, PER_PAGE),
            "progress_reports": progress[:PROGRESS_SHOWN], "progress_count": progress.count(),
        },
    )  # fmt: skip


def progress_matches(form: PublicFilterForm) -> QuerySet[ProgressReport]:
    """The published progress reports (of public sites) that match the same filters, newest first."""
    found = ProgressReport.objects.filter(state=ProgressReport.State.PUBLISHED, site__is_public=True)
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            fields = ["narrative", "site__agency__name", "site__title"]
            topics = Site.topics.through.objects.filter(site=OuterRef("site"), topic__name__icontains=q)
            found = library.annotated(found, fields).filter(library.text_matches(q, fields) | Exists(topics))
        if agency := data["agency"].strip():
            found = found.filter(site__agency__name__icontains=agency)
        if data["state"]:
            found = found.filter(site__agency__state=data["state"])
        if data["topic"]:
            found = found.filter(
                Exists(Site.topics.through.objects.filter(site=OuterRef("site"), topic=data["topic"]))
            )
        if data["program"]:
            found = found.filter(site__program=data["program"])
        if data["year"]:
            found = found.filter(published_at__year=data["year"])
    return found.select_related("site__agency").order_by("-published_at", "-pk")


@access(PUBLIC)
@public_page(params=(*library.LibraryForm.base_fields, "page"))
def recommendation_library(request: HttpRequest) -> HttpResponse:
    form, recs = library.search(request.GET)
    page = page_of(request, recs, LIBRARY_PER_PAGE)
    template = "reports/library.html#results" if request.htmx else "reports/library.html"
    return TemplateResponse(request, template, {"form": form, "page": page, "entries": library.entries(page)})


@access(PUBLIC)
def recommendation_csv(request: HttpRequest) -> HttpResponse:
    _, recs = library.search(request.GET)
    return csv_response("recommendations.csv", library.CSV_HEADER, library.csv_rows(library.entries(recs)))


@access(PUBLIC)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_public(), pk=pk)
    current = None
    if report.status == Report.Status.SUPERSEDED:
        current = _public().filter(corrects=report).first()
    return TemplateResponse(
        request,
        "reports/public_detail.html",
        {
            "report": report,
            "doc": document.build(report),
            "aar_note": editing.AFTER_ACTION_NOTE,
            "current": current,
            "earlier": _public().filter(pk=report.corrects_id).first(),
        },
    )


@access(PUBLIC)
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return download(get_object_or_404(_public(), pk=pk), fmt)
