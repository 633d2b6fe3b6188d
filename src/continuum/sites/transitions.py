"""Site lifecycle: one function per transition. Each locks the site row, checks permission and preconditions,
moves the status, writes the audit log, and e-mails the people on the site once the transaction commits.
Two people acting at once cannot both win: the second finds the status already moved."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import notify
from .models import Site

S = Site.Status
ACTIVE = (
    S.WORK_PLAN,
    S.AGENCY_REVIEW,
    S.APPROVED,
    S.DELIVERY,
    S.REPORT_DRAFTING,
    S.REPORT_REVIEW,
    S.PUBLISHED,
)


class TransitionError(Exception):
    """The site's state or the input does not allow the transition; the message says why."""


def move(
    site: Site,
    actor,
    *,
    permission: str,
    allowed_from: tuple[str, ...],
    to: str | Callable[[Site], str],
    reason: str = "",
    reason_required: bool = False,
    check: Callable[[Site], None] | None = None,
    apply: Callable[[Site, str], None] | None = None,
) -> Site:
    """The one mechanism every site transition goes through. Call inside or outside a transaction."""
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise TransitionError("Give a reason: it is kept in the site's history.")
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        if not actor.has_perm(permission, locked):
            raise PermissionDenied
        if locked.status not in allowed_from:
            allowed = ", ".join(S(s).label.lower() for s in allowed_from)
            raise TransitionError(
                f"The site is {locked.get_status_display().lower()}; this step needs it to be {allowed}."
            )
        if check is not None:
            check(locked)
        before = locked.status
        locked.status = to(locked) if callable(to) else to
        if apply is not None:
            apply(locked, before)
        locked.save()
        record(
            actor,
            locked,
            AuditEvent.Action.TRANSITION,
            from_state=before,
            to_state=locked.status,
            reason=reason,
        )
        transaction.on_commit(lambda: notify.status_changed(locked, before, reason))
    return locked


def _approved_plan_required(site: Site) -> None:
    if not site.plans.filter(status="approved").exists():
        raise TransitionError("Delivery needs a work plan approved by the agency's chief executive.")


def start_delivery(site: Site, actor, reason: str = "") -> Site:
    def _apply(locked: Site, before: str) -> None:
        locked.started_on = locked.started_on or timezone.localdate()

    return move(site, actor, permission="sites.deliver", allowed_from=(S.APPROVED,), to=S.DELIVERY,
                reason=reason, check=_approved_plan_required, apply=_apply)  # fmt: skip


def start_report(site: Site, actor, reason: str = "") -> Site:
    return move(site, actor, permission="sites.deliver", allowed_from=(S.DELIVERY,), to=S.REPORT_DRAFTING,
                reason=reason)  # fmt: skip


def submit_report(site: Site, actor, reason: str = "") -> Site:
    return move(site, actor, permission="sites.deliver", allowed_from=(S.REPORT_DRAFTING,), to=S.REPORT_REVIEW,
                reason=reason)  # fmt: skip


def return_report(site: Site, actor, reason: str) -> Site:
    return move(site, actor, permission="sites.manage_site", allowed_from=(S.REPORT_REVIEW,),
                to=S.REPORT_DRAFTING, reason=reason, reason_required=True)  # fmt: skip


def publish(site: Site, actor, reason: str = "") -> Site:
    """The site is published with its report: the report must be published first."""
    from continuum.reports.transitions import require_published_report  # reports build on sites

    return move(site, actor, permission="sites.manage_site", allowed_from=(S.REPORT_REVIEW,), to=S.PUBLISHED,
                reason=reason, check=require_published_report)  # fmt: skip


def close(site: Site, actor, reason: str) -> Site:
    """Close after the public report. Critical Response has no post-report monitoring: it closes here."""

    def _apply(locked: Site, before: str) -> None:
        locked.closed_on = timezone.localdate()

    return move(site, actor, permission="sites.manage_site", allowed_from=(S.PUBLISHED,), to=S.CLOSED,
                reason=reason, reason_required=True, apply=_apply)  # fmt: skip


def suspend(site: Site, actor, reason: str) -> Site:
    def _apply(locked: Site, before: str) -> None:
        locked.status_before_suspension = before
        locked.suspension_reason = reason.strip()

    return move(site, actor, permission="sites.manage_site", allowed_from=ACTIVE, to=S.SUSPENDED,
                reason=reason, reason_required=True, apply=_apply)  # fmt: skip


def resume(site: Site, actor, reason: str) -> Site:
    """Back to where the site was when it was suspended."""

    def _apply(locked: Site, before: str) -> None:
        locked.status_before_suspension = ""
        locked.suspension_reason = ""

    return move(site, actor, permission="sites.manage_site", allowed_from=(S.SUSPENDED,),
                to=lambda locked: locked.status_before_suspension, reason=reason, reason_required=True,
                apply=_apply)  # fmt: skip
