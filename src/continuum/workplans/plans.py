"""Work plan operations: drafting, comments, the review cycle with the agency, versions and their differences.

The review cycle moves the site too while it is first being planned (work_plan ⇄ agency_review → approved);
a later version goes through the same cycle while the site carries on.
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
from continuum.sites.transitions import TransitionError, move

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


SHOWN_TO_AGENCY = (P.IN_REVIEW, P.APPROVED, P.SUPERSEDED)


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
        current = site.plans.filter(status__in=[*WorkPlan.EDITABLE, P.IN_REVIEW]).first()
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
            f"Version {plan.version} is {plan.get_status_display().lower()} and can't change."
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


def send_for_review(plan: WorkPlan, actor, reason: str = "") -> WorkPlan:
    """Send a draft to the agency. The first plan also moves the site from work plan to agency review."""
    _editable(plan, actor)
    missing = [name.lower() for name, related in SECTIONS[:3] if not getattr(plan, related).exists()]
    if missing:
        raise TransitionError("A plan needs at least one item in each of: " + ", ".join(missing) + ".")
    with transaction.atomic():
        locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status not in WorkPlan.EDITABLE:
            raise TransitionError("This version was already sent.")
        _plan_status(locked, actor, P.IN_REVIEW, reason, sent_at=timezone.now())
        if locked.site.status == S.WORK_PLAN:
            move(locked.site, actor, permission="sites.edit_plan", allowed_from=(S.WORK_PLAN,),
                 to=S.AGENCY_REVIEW, reason=reason or f"Work plan v{locked.version} sent to the agency")  # fmt: skip
        else:
            transaction.on_commit(lambda: notify.send(
                locked.site, f"{locked.site.title}: work plan v{locked.version} to review",
                "workplans/email/plan_event.txt", plan=locked, event="sent to the agency for review", reason=reason,
            ))  # fmt: skip
    return locked


def request_changes(plan: WorkPlan, actor, reason: str) -> WorkPlan:
    """Program staff require changes: the version opens again for editing (the site goes back to work plan)."""
    return _decide(plan, actor, reason, approve=False)


def approve(plan: WorkPlan, actor, reason: str = "") -> WorkPlan:
    """The agency's chief executive approves this version: an electronic approval recording who, when and which
    version. The version is frozen, the one before it superseded, the plan's team joins the site's team."""
    return _decide(plan, actor, reason, approve=True)


def _decide(plan: WorkPlan, actor, reason: str, *, approve: bool) -> WorkPlan:
    permission = "sites.approve_plan" if approve else "sites.manage_site"
    if not actor.has_perm(permission, plan.site):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not approve and not reason:
        raise TransitionError("Say what has to change.")
    with transaction.atomic():
        locked = WorkPlan.objects.select_for_update().select_related("site").get(pk=plan.pk)
        if locked.status != P.IN_REVIEW:
            raise TransitionError(
                f"Version {locked.version} is {locked.get_status_display().lower()}, not in review."
            )
        site = locked.site
        if approve:
            site.plans.filter(status=P.APPROVED).update(status=P.SUPERSEDED)
            _plan_status(locked, actor, P.APPROVED, reason, approved_at=timezone.now(), approved_by=actor)
            for assignment in locked.assignments.all():
                SiteMember.objects.get_or_create(
                    site=site, user=assignment.user, defaults={"role": assignment.role}
                )
        else:
            _plan_status(locked, actor, P.CHANGES_REQUESTED, reason)
        if site.status == S.AGENCY_REVIEW:
            move(site, actor, permission=permission, allowed_from=(S.AGENCY_REVIEW,),
                 to=S.APPROVED if approve else S.WORK_PLAN,
                 reason=reason or f"Work plan v{locked.version} approved")  # fmt: skip
        else:
            event = "approved" if approve else "returned for changes"
            transaction.on_commit(lambda: notify.send(
                site, f"{site.title}: work plan v{locked.version} {event}", "workplans/email/plan_event.txt",
                plan=locked, event=event, reason=reason,
            ))  # fmt: skip
    return locked


def _plan_status(plan: WorkPlan, actor, status: str, reason: str, **fields) -> None:
    before = plan.status
    plan.status = status
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()
    record(actor, plan, AuditEvent.Action.TRANSITION, from_state=before, to_state=status, reason=reason)


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
