"""Milestones against the plan: each deliverable of the approved plan, on time, due soon, late, done or done
late. A completion is matched by site, title and due date, so it survives a new version of the plan that
keeps the milestone unchanged (see MilestoneCompletion)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.sites.models import Site
from continuum.workplans import plans
from continuum.workplans.models import Deliverable, WorkPlan

from .models import MilestoneCompletion
from .work import DeliveryError, ensure_not_future, ensure_open

DUE_SOON_DAYS = 14


class MilestoneStatus(models.TextChoices):
    ON_TIME = "on_time", "On time"
    DUE_SOON = "due_soon", "Due soon"
    LATE = "late", "Late"
    DONE = "done", "Done"
    DONE_LATE = "done_late", "Done late"


DONE_STATUSES = (MilestoneStatus.DONE, MilestoneStatus.DONE_LATE)


def status_for(due_on: datetime.date, done_on: datetime.date | None, today: datetime.date) -> MilestoneStatus:
    if done_on is not None:
        return MilestoneStatus.DONE if done_on <= due_on else MilestoneStatus.DONE_LATE
    if due_on < today:
        return MilestoneStatus.LATE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return MilestoneStatus.DUE_SOON
    return MilestoneStatus.ON_TIME


@dataclass(frozen=True)
class Milestone:
    deliverable: Deliverable
    completion: MilestoneCompletion | None
    status: MilestoneStatus

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


def milestones(site: Site, today: datetime.date | None = None) -> list[Milestone]:
    """The approved plan's deliverables with their status; empty before a plan is approved."""
    plan = plans.approved(site)
    if plan is None:
        return []
    today = today or timezone.localdate()
    done = {(c.title, c.due_on): c for c in site.milestone_completions.select_related("marked_by")}
    result = []
    for deliverable in plan.deliverables.select_related("owner").order_by("due_on", "position", "pk"):
        completion = done.get((deliverable.title, deliverable.due_on))
        status = status_for(deliverable.due_on, completion.done_on if completion else None, today)
        result.append(Milestone(deliverable, completion, status))
    return result


def counts(items: list[Milestone]) -> dict[str, int]:
    """Done (on time or late), late (open past due) and upcoming (open, not yet due)."""
    return {
        "done": sum(m.is_done for m in items),
        "late": sum(m.status == MilestoneStatus.LATE for m in items),
        "upcoming": sum(m.status in (MilestoneStatus.ON_TIME, MilestoneStatus.DUE_SOON) for m in items),
    }


def mark_done(
    site: Site,
    deliverable: Deliverable,
    actor,
    done_on: datetime.date,
    note: str = "",
    *,
    backfill: bool = False,
) -> MilestoneCompletion:
    """Mark a deliverable of the approved plan done (again, to correct the date), audited on the site."""
    if not actor.has_perm("delivery.mark_milestone", site):
        raise PermissionDenied
    ensure_open(site, backfill=backfill)
    ensure_not_future(done_on, "The date a milestone was done")
    plan = plans.approved(site)
    if plan is None or deliverable.plan_id != plan.pk:
        raise DeliveryError("That deliverable is not part of the site's approved work plan.")
    with transaction.atomic():
        completion = MilestoneCompletion.objects.select_for_update().filter(
            site=site, title=deliverable.title, due_on=deliverable.due_on
        ).first() or MilestoneCompletion(site=site, title=deliverable.title, due_on=deliverable.due_on)
        before = completion.done_on
        completion.deliverable, completion.done_on, completion.note = deliverable, done_on, note.strip()
        completion.marked_by = actor
        save_audited(completion, actor, reason=note.strip())
        status = status_for(deliverable.due_on, done_on, done_on).label.lower()
        record(actor, site, AuditEvent.Action.UPDATED,
               changes={f"milestone “{deliverable.title}”": [before and f"done {before}", f"{status} {done_on}"]},
               reason=note.strip())  # fmt: skip
    return completion


def late_milestone_site_ids(queryset: QuerySet[Site], today: datetime.date | None = None) -> set[int]:
    """Sites of `queryset` (closed ones aside) with a deliverable of the approved plan past due and not done,
    in one query."""
    today = today or timezone.localdate()
    done = MilestoneCompletion.objects.filter(
        site_id=OuterRef("plan__site_id"), title=OuterRef("title"), due_on=OuterRef("due_on")
    )
    late = (
        Deliverable.objects.filter(
            plan__status=WorkPlan.Status.APPROVED,
            plan__site__in=queryset.exclude(status=Site.Status.CLOSED).values("pk"),
            due_on__lt=today,
        )
        .exclude(Exists(done))
        .values_list("plan__site_id", flat=True)
        .distinct()
    )
    return set(late)
