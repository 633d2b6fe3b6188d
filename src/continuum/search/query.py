"""Search for signed-in users across requests, sites, agencies, documents and reports, each source scoped by the
same `visible_to` rules as its own list, so search never shows what the lists would not.

The matching is `portal.textsearch`'s (PostgreSQL full text; SQLite: every word in some field). One query per
source, whatever the data size."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from continuum.agencies.models import Agency
from continuum.delivery.models import Document
from continuum.intake.models import Request
from continuum.portal import textsearch
from continuum.reports.models import Report
from continuum.sites.models import Site

PER_SOURCE = 10


@dataclass(frozen=True)
class Source:
    label: str
    queryset: Callable[[object], QuerySet]
    fields: tuple[str, ...]
    describe: Callable[[object], str]


def _documents(user) -> QuerySet:
    sites = Site.objects.visible_to(user)
    documents = Document.objects.filter(site__in=sites).select_related("site__agency")
    if user.is_agency_user:
        return documents.filter(visibility=Document.Visibility.TEAM_AND_AGENCY)
    return documents


SOURCES = (
    Source("Requests", lambda u: Request.objects.visible_to(u),
           ("tracking_number", "agency_name", "what_happened", "asked_for", "requester_name"),
           lambda r: f"{r.tracking_number} — {r.agency_name} ({r.get_status_display().lower()})"),
    Source("Sites", lambda u: Site.objects.visible_to(u).select_related("agency"),
           ("title", "description", "agency__name", "public_summary"),
           lambda s: f"{s.title} — {s.agency.name} ({s.get_status_display().lower()})"),
    Source("Agencies", lambda u: Agency.objects.visible_to(u), ("name", "city"),
           lambda a: f"{a.name}, {a.city}" if a.city else a.name),
    Source("Documents", _documents, ("title", "description"),
           lambda d: f"{d.title} — {d.site.agency.name}"),
    Source("Reports", lambda u: Report.objects.visible_to(u).select_related("site__agency"),
           ("title", "subtitle", "executive_summary", "site__agency__name"),
           lambda r: f"{r.title} — {r.site.agency.name} ({r.get_status_display().lower()})"),
)  # fmt: skip


@dataclass(frozen=True)
class Group:
    label: str
    hits: list[tuple[str, str]]  # (text, url)


def search(user, q: str) -> list[Group]:
    """The hits the user may see, per source (at most PER_SOURCE each), best first."""
    q = (q or "").strip()
    if not q or not user.is_authenticated:
        return []
    groups = []
    for source in SOURCES:
        found = list(textsearch.ranked(source.queryset(user), source.fields, q)[:PER_SOURCE])
        groups.append(Group(source.label, [(source.describe(o), o.get_absolute_url()) for o in found]))
    return groups
