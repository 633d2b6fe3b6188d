"""Work plan operations: drafting, comments, the review cycle with the agency (`LIFECYCLE`, run by
`continuum.workflow.take`), versions and their differences.

A version sent to the agency never changes again: changes requested on it, or a revision after it was approved,
open a new version copied from it, so comments stay with the version they were made on. The first plan's
cycle moves the site (work plan ⇄ agency review → delivery); a later version goes through the same cycle while
the site carries on.
"""

import difflib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.sites import notify
from continuum.sites.models import Site, SiteMember
from continuum.sites.transitions import follow
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from .models import Activity, Assignment, Comment, Deliverable, Objective, WorkPlan

S = Site.Status
P = WorkPlan.Status
SECTIONS = [("Objectives", "objectives"), ("Activities", "activities"), ("Deliverables", "deliverables"),
            ("Team", "assignments")]  # fmt: skip
ITEM_MODELS = {
    "objective": Objective,
    "activity": Activity,
    "deliverable": Deliverable,
    "assignment": Assignment,
}


def latest(site: Site) -> WorkPlan | None:
    return site.plans.order_by("-version").first()


SHOWN_TO_AGENCY = (P.IN_REVIEW, P.CHANGES_REQUESTED, P.APPROVED, P.SUPERSEDED)


def visible_plans(site: Site, user):
    """The agency sees the versions sent to it; drafts stay with the team until they are sent."""
    if user.has_perm("sites.view_internal", site):
        return site.plans.all()
    return site.plans.filter(status__in=SHOWN_TO_AGENCY)


def approved(site: Site) -> WorkPlan | None:
    return site.plans.filter(status=P.APPROVED).order_by("-version").first()


def open_draft(site: Site, actor) -> WorkPlan:
    """The plan being drafted: the open version, or a new version copied from the last one."""
    if not actor.has_perm("sites.edit_plan", site):
        raise PermissionDenied
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)
        current = site.plans.filter(status__in=[P.DRAFT, P.IN_REVIEW]).first()
        if current is not None:
            if current.status == P.IN_REVIEW:
                raise TransitionError(
                    "This version is with the agency for review; it can't change until they respond."
                )
            return current
        previous = latest(site)
        version = (site.plans.aggregate(v=Max("version"))["v"] or 0) + 1
        plan = WorkPlan.objects.create(site=site, version=version, created_by=actor)
        if previous is not None:
            for _, related in SECTIONS:
                for item in getattr(previous, related).all():
                    item.pk = None
                    item.plan = plan
                    item.save()
        record(actor, plan, AuditEvent.Action.CREATED,
               reason=f"New version, from v{previous.version}" if previous else "First version")  # fmt: skip
        return plan


def _editable(plan: WorkPlan, actor) -> None:
    if not actor.has_perm("sites.edit_plan", plan.site):
        raise PermissionDenied
    if not plan.is_editable:
        raise TransitionError(
            f"Version {plan.version} is {plan.get_status_display().lower()} and can't change: "
            "“Revise the plan” opens a new version."
        )


def add_item(plan: WorkPlan, actor, item) -> None:
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)  # not into a version just sent
        _editable(plan, actor)
        item.plan = plan
        related = getattr(plan, _related_name(item))
        item.position = (related.aggregate(p=Max("position"))["p"] or 0) + 1
        item.save()
        record(actor, plan, AuditEvent.Action.UPDATED, changes={_kind(item): [None, item.describe()]})


def remove_item(plan: WorkPlan, actor, kind: str, pk: int) -> None:
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        _editable(plan, actor)
        item = ITEM_MODELS[kind].objects.get(plan=plan, pk=pk)
        record(actor, plan, AuditEvent.Action.UPDATED, changes={kind: [item.describe(), None]})
        item.delete()


def _kind(item) -> str:
    return type(item).__name__.lower()


def _related_name(item) -> str:
    return {"objective": "objectives", "activity": "activities", "deliverable": "deliverables",
            "assignment": "assignments"}[_kind(item)]  # fmt: skip


def comment(plan: WorkPlan, actor, text: str, target: str = "") -> Comment:
    if not actor.has_perm("sites.comment_plan", plan.site):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise TransitionError("Write the comment first.")
    label = ""
    if target:
        kind, _, pk = target.partition(":")
        model = ITEM_MODELS.get(kind)
        item = model.objects.filter(plan=plan, pk=pk).first() if model and pk.isdigit() else None
        if item is None:
            raise TransitionError("That item is not part of this version of the plan.")
        label = item.describe()
    with transaction.atomic():
        note = Comment.objects.create(plan=plan, target=target, target_label=label, author=actor, text=text)
        record(
            actor, plan, AuditEvent.Action.UPDATED, changes={"comment": [None, f"{label or 'plan'}: {text}"]}
        )
    return note


def _complete(plan: WorkPlan, actor) -> None:
    missing = [name.lower() for name, related in SECTIONS[:3] if not getattr(plan, related).exists()]
    if missing:
        raise TransitionError("A plan needs at least one item in each of: " + ", ".join(missing) + ".")


def _has_chief(plan: WorkPlan, actor) -> None:
    """Only the agency's chief executive approves a plan: sending one to an agency without an active chief
    executive is refused, and the message offers the invitation."""
    from django.urls import reverse

    agency = plan.site.agency
    if not agency.members.filter(is_active=True, role="agency_executive").exists():
        raise TransitionError(
            f"{agency} has no active chief executive to approve the plan. Invite the chief executive first: "
            f"{reverse('invitations:list', args=[agency.pk])}"
        )


def _sent(plan: WorkPlan, move: Move) -> None:
    plan.sent_at = timezone.now()
    follow(
        "plan_sent", plan.site, move.actor, cause=move, reason=f"Work plan v{plan.version} sent to the agency"
    )


def _returned(plan: WorkPlan, move: Move) -> None:
    """The comments go with this version; the team revises in a new one."""
    Comment.objects.create(plan=plan, author=move.actor, text=move.reason)
    follow("plan_returned", plan.site, move.actor, cause=move,
           reason=f"Changes requested on work plan v{plan.version}")  # fmt: skip


def _approved(plan: WorkPlan, move: Move) -> None:
    """An electronic approval recording who, when and which version; the version before it is superseded and
    the plan's team joins the site's team; the first approval starts delivery."""
    site = plan.site
    site.plans.filter(status=P.APPROVED).update(status=P.SUPERSEDED)
    plan.approved_at, plan.approved_by = timezone.now(), move.actor
    for assignment in plan.assignments.all():
        SiteMember.objects.get_or_create(site=site, user=assignment.user, defaults={"role": assignment.role})
    follow("plan_approved", site, move.actor, cause=move, reason=f"Work plan v{plan.version} approved")


EVENTS = {"send": "sent to the agency for review", "request_changes": "returned for changes",
          "approve": "approved"}  # fmt: skip


def _notify(plan: WorkPlan, move: Move) -> None:
    site = plan.site
    event = EVENTS[move.step.name]
    message = move.message or (move.reason if move.step.name == "request_changes" else "")
    notify.send(site, f"{site.title}: work plan v{plan.version} {event}", "workplans/email/plan_event.txt",
                told=move.told, plan=plan, event=event, message=message)  # fmt: skip


LIFECYCLE = Lifecycle(
    model=WorkPlan,
    noun="work plan version",
    subject=lambda plan: plan.site,
    notify=_notify,
    path=lambda plan: (P.DRAFT, P.IN_REVIEW, P.APPROVED),
    steps=(
        Step("send", "Send to the agency for approval", (P.DRAFT,), P.IN_REVIEW, "sites.edit_plan",
             actor="Program staff or the provider", reason="", message="optional", checks=(_complete, _has_chief),
             apply=_sent),
        Step("request_changes", "Request changes", (P.IN_REVIEW,), P.CHANGES_REQUESTED, "sites.return_plan",
             actor="The agency's chief executive (or program staff)", reason="required", message="",
             reason_label="What has to change (kept with this version; the team and the agency both read it)",
             apply=_returned),
        Step("approve", "Approve this version", (P.IN_REVIEW,), P.APPROVED, "sites.approve_plan",
             actor="The agency's chief executive", reason="", message="", apply=_approved),
    ),
)  # fmt: skip


def send_for_review(plan: WorkPlan, actor, reason: str = "", message: str = "") -> WorkPlan:
    return take(LIFECYCLE, "send", plan, actor, reason=reason, message=message or reason)


def request_changes(plan: WorkPlan, actor, reason: str) -> WorkPlan:
    return take(LIFECYCLE, "request_changes", plan, actor, reason=reason)


def approve(plan: WorkPlan, actor, reason: str = "") -> WorkPlan:
    return take(LIFECYCLE, "approve", plan, actor, reason=reason)


@dataclass(frozen=True)
class SectionDiff:
    name: str
    added: list[str]
    removed: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def diff(old: WorkPlan, new: WorkPlan) -> list[SectionDiff]:
    """What changed from one version to another, section by section, item by item."""
    result = []
    for name, related in SECTIONS:
        before = [item.describe() for item in getattr(old, related).all()]
        after = [item.describe() for item in getattr(new, related).all()]
        added, removed = [], []
        for line in difflib.ndiff(before, after):
            if line.startswith("+ "):
                added.append(line[2:])
            elif line.startswith("- "):
                removed.append(line[2:])
        result.append(SectionDiff(name, added, removed))
    return result
