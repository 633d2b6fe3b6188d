"""Progress reports: a dated snapshot of all statuses with a narrative, published on a schedule
(every six months by default), the way the Philadelphia and Spokane progress reports counted them."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.portal.caching import clear_public_pages
from continuum.sites import notify
from continuum.sites.extensions import Publication
from continuum.sites.models import Site

from .models import ProgressReport
from .tracking import TrackingError, _require, snapshot

INTERVAL_MONTHS = 6


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def next_due(site: Site) -> date | None:
    """When the next progress report is due: six months after the last one (or after tracking began)."""
    last = site.progress_reports.filter(state=ProgressReport.State.PUBLISHED).order_by("-as_of").first()
    if last is not None:
        return add_months(last.as_of, INTERVAL_MONTHS)
    first = site.implementations.order_by("pk").first()
    return add_months(timezone.localdate(first.updated_at), INTERVAL_MONTHS) if first else None


def draft(site: Site, actor, *, as_of: date, narrative: str) -> ProgressReport:
    _require(actor, "assessment.manage", site)
    if not site.implementations.exists():
        raise TrackingError("Import the recommendations before writing a progress report.")
    if not narrative.strip():
        raise TrackingError("Write the narrative: what the agency did since the last report.")
    if as_of > timezone.localdate():
        raise TrackingError("A progress report cannot report statuses as of a future date.")
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)
        number = (site.progress_reports.aggregate(n=Max("number"))["n"] or 0) + 1
        report = ProgressReport.objects.create(site=site, number=number, as_of=as_of, narrative=narrative.strip(),
                                               created_by=actor, snapshot=snapshot(site))  # fmt: skip
        record(actor, report, AuditEvent.Action.CREATED, reason=f"Progress report {number} drafted")
    return report


def publish(report: ProgressReport, actor) -> ProgressReport:
    """Freeze the statuses as they stand and publish the report on the site's public page."""
    _require(actor, "assessment.publish", report.site)
    with transaction.atomic():
        locked = ProgressReport.objects.select_for_update().select_related("site").get(pk=report.pk)
        if locked.state == ProgressReport.State.PUBLISHED:
            raise TrackingError("That progress report is already published.")
        locked.snapshot = snapshot(locked.site)
        locked.state = ProgressReport.State.PUBLISHED
        locked.published_at, locked.published_by = timezone.now(), actor
        locked.save()
        record(actor, locked, AuditEvent.Action.TRANSITION, from_state="draft", to_state="published")
        record(actor, locked.site, AuditEvent.Action.UPDATED,
               changes={"progress reports": [None, str(locked)]}, reason="Published")  # fmt: skip
        transaction.on_commit(clear_public_pages)
        transaction.on_commit(lambda: notify.send(
            locked.site, f"{locked.site.title}: progress report {locked.number} published",
            "assessment/email/published.txt", report=locked,
        ))  # fmt: skip
    return locked


def history(site: Site) -> list[dict]:
    """Status counts over time, one point per published progress report (for the trend chart)."""
    return [
        {"label": f"{r.as_of:%b %Y}", "counts": r.snapshot.get("counts", {})}
        for r in site.progress_reports.filter(state=ProgressReport.State.PUBLISHED).order_by("as_of")
    ]


def site_publications(site_ids: list[int]) -> list[Publication]:
    """The published progress reports of these public sites, for the public list of sites (one query)."""
    reports = ProgressReport.objects.filter(
        site_id__in=site_ids, site__is_public=True, state=ProgressReport.State.PUBLISHED
    ).only("site_id", "number", "as_of", "published_at")
    return [
        Publication(r.site_id, str(r), r.get_public_url(), timezone.localdate(r.published_at), "progress")
        for r in reports
    ]
