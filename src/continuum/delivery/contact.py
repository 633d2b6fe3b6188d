"""Regular communication: days since the last contact with the agency, and the silence flag past the
threshold its program sets (ContactThreshold, default DEFAULT_SILENCE_DAYS)."""

import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from continuum.sites.models import Site

from .models import DEFAULT_SILENCE_DAYS, Communication, ContactThreshold

# Silence is not a concern on a closed site, nor on one suspended on purpose.
QUIET_STATUSES = (Site.Status.CLOSED, Site.Status.SUSPENDED)


def thresholds() -> dict[str, int]:
    """Days of silence tolerated, by program; a program without a row gets the default."""
    return dict(ContactThreshold.objects.values_list("program", "days"))


def threshold_days(program: str) -> int:
    return thresholds().get(program, DEFAULT_SILENCE_DAYS)


def _start(site: Site) -> datetime.date:
    return site.started_on or timezone.localdate(site.created_at)


def last_contact_on(site: Site) -> datetime.date:
    """The latest communication with the agency; before any, the day the site started."""
    latest = site.communications.filter(with_agency=True).aggregate(last=Max("occurred_on"))["last"]
    return latest or _start(site)


def days_since_last_contact(site: Site, today: datetime.date | None = None) -> int:
    return max(0, ((today or timezone.localdate()) - last_contact_on(site)).days)


def is_silent(site: Site, today: datetime.date | None = None) -> bool:
    if site.status in QUIET_STATUSES:
        return False
    return days_since_last_contact(site, today) > threshold_days(site.program)


def silent_site_ids(queryset: QuerySet[Site], today: datetime.date | None = None) -> set[int]:
    """Sites of `queryset` past their program's threshold, in two queries (thresholds, then one aggregate
    over the sites), for lists and filters."""
    today = today or timezone.localdate()
    limits = thresholds()
    rows = (
        queryset.exclude(status__in=QUIET_STATUSES)
        .order_by()
        .annotate(last=Max("communications__occurred_on", filter=Q(communications__with_agency=True)))
        .values_list("pk", "program", "last", "started_on", "created_at")
    )
    silent = set()
    for pk, program, last, started_on, created_at in rows:
        since = last or started_on or timezone.localdate(created_at)
        if (today - since).days > limits.get(program, DEFAULT_SILENCE_DAYS):
            silent.add(pk)
    return silent


def visible_communications(site: Site, user) -> QuerySet[Communication]:
    """The team sees every communication; the agency those with it."""
    communications = site.communications.select_related("logged_by")
    if user.has_perm("delivery.view_internal", site):
        return communications
    if user.has_perm("delivery.view_delivery", site):
        return communications.filter(with_agency=True)
    return communications.none()
