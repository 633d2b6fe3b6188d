"""Logging the work done on a site: communications and activities. Each entry is permission-checked, refused
on a closed site (its record is final) unless it back-fills history (`backfill=True`: the demo, an import),
saved through the audit log and recorded on the site's history."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.sites.models import Site
from continuum.workflow import TransitionError
from continuum.workplans import plans

from .models import ActivityDone, Communication


class DeliveryError(TransitionError):
    """The site's state or the input does not allow the change; the message says why."""


def ensure_open(site: Site, *, backfill: bool = False) -> None:
    if site.status == Site.Status.CLOSED and not backfill:
        raise DeliveryError("The site is closed; its delivery record can no longer change.")


def ensure_not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise DeliveryError(f"{what} cannot be in the future.")


def audited_on_site(site: Site, actor, obj: models.Model, label: str, *, reason: str = "") -> None:
    """Save a new delivery record and note it on the site, so the site's history tells the whole story."""
    save_audited(obj, actor, reason=reason)
    record(actor, site, AuditEvent.Action.UPDATED, changes={label: [None, str(obj)]}, reason=reason)


def log_communication(
    site: Site, actor, communication: Communication, *, backfill: bool = False
) -> Communication:
    if not actor.has_perm("delivery.log_communication", site):
        raise PermissionDenied
    ensure_open(site, backfill=backfill)
    ensure_not_future(communication.occurred_on, "The date of a communication")
    communication.site, communication.logged_by = site, actor
    with transaction.atomic():
        audited_on_site(site, actor, communication, "communication")
    return communication


def log_activity(site: Site, actor, activity: ActivityDone, *, backfill: bool = False) -> ActivityDone:
    """An activity done; a linked plan activity must belong to the site's approved plan."""
    if not actor.has_perm("delivery.log_activity", site):
        raise PermissionDenied
    ensure_open(site, backfill=backfill)
    ensure_not_future(activity.done_on, "The date an activity was done")
    if activity.plan_activity_id is not None:
        plan = plans.approved(site)
        if plan is None or not plan.activities.filter(pk=activity.plan_activity_id).exists():
            raise DeliveryError("That activity is not part of the site's approved work plan.")
        if not activity.title:
            activity.title = activity.plan_activity.title
    if not activity.title:
        raise DeliveryError("Give the activity a title, or choose the plan activity it delivers.")
    activity.site, activity.logged_by = site, actor
    with transaction.atomic():
        audited_on_site(site, actor, activity, "activity done")
    return activity
