"""The report's review and publication, one function per step, all through `move()`: lock the row, check the
permission and the preconditions, change the status, write the audit log, e-mail the site's people once the
transaction commits. Two people acting at once cannot both win: the second finds the status moved.

draft → internal_review (program staff) → agency_review (factual accuracy) → approved → published.
A correction copies the published version into a new draft with a change note; publishing it supersedes the
version it corrects."""

from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.sites.transitions import TransitionError

from . import notify
from .models import (
    Appendix,
    EmbeddedResult,
    Figure,
    Footnote,
    Observation,
    Report,
    SourceReviewed,
    TimelineEntry,
)

R = Report.Status
EVENTS = {
    R.INTERNAL_REVIEW: "sent for the program's internal review",
    R.DRAFT: "returned to drafting",
    R.AGENCY_REVIEW: "sent to the agency for its factual-accuracy review",
    R.APPROVED: "approved by the program",
    R.PUBLISHED: "published",
}

__all__ = [
    "TransitionError",
    "approve",
    "publish",
    "require_published_report",
    "return_to_draft",
    "send_to_agency",
    "start_correction",
    "submit",
]


def move(
    report: Report,
    actor,
    *,
    permission: str,
    allowed_from: tuple[str, ...],
    to: str,
    reason: str = "",
    reason_required: bool = False,
    check: Callable[[Report], None] | None = None,
    apply: Callable[[Report, str], None] | None = None,
) -> Report:
    """The one mechanism every report transition goes through."""
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise TransitionError("Give a reason: it is kept in the report's history.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("site").get(pk=report.pk)
        if not actor.has_perm(permission, locked.site):
            raise PermissionDenied
        if locked.status not in allowed_from:
            allowed = ", ".join(R(s).label.lower() for s in allowed_from)
            raise TransitionError(
                f"The report is {locked.get_status_display().lower()}; this step needs it to be {allowed}."
            )
        if check is not None:
            check(locked)
        before = locked.status
        locked.status = to
        if apply is not None:
            apply(locked, before)
        if before in Report.LOCKED:
            locked.save(update_fields=["status"])
        else:
            locked.save()
        record(actor, locked, AuditEvent.Action.TRANSITION, from_state=before, to_state=to, reason=reason)
        transaction.on_commit(lambda: notify.report_event(locked, EVENTS.get(to, to), reason))
    return locked


def _has_content(report: Report) -> None:
    if not report.findings.exists():
        raise TransitionError("A report needs at least one finding before it goes for review.")
    if not report.executive_summary.strip():
        raise TransitionError("Write the executive summary before the report goes for review.")
    empty = [
        f"Finding {i}" for i, f in enumerate(report.findings.all(), start=1) if not f.recommendations.exists()
    ]
    if empty:
        raise TransitionError("Every finding needs a recommendation: " + ", ".join(empty) + " has none.")


def _all_comments_resolved(report: Report) -> None:
    open_count = report.comments.filter(resolved_at__isnull=True).count()
    if open_count:
        raise TransitionError(
            f"{open_count} comment(s) are not resolved yet: reply to and resolve each first."
        )


def submit(report: Report, actor, reason: str = "") -> Report:
    """The drafters send the draft to program staff for internal review."""
    return move(
        report,
        actor,
        permission="reports.draft_report",
        allowed_from=(R.DRAFT,),
        to=R.INTERNAL_REVIEW,
        reason=reason,
        check=_has_content,
    )


def return_to_draft(report: Report, actor, reason: str) -> Report:
    return move(
        report,
        actor,
        permission="reports.review_report",
        allowed_from=(R.INTERNAL_REVIEW, R.AGENCY_REVIEW, R.APPROVED),
        to=R.DRAFT,
        reason=reason,
        reason_required=True,
    )


def send_to_agency(report: Report, actor, reason: str = "") -> Report:
    """Program staff send the reviewed draft to the agency, which checks it for factual accuracy."""
    return move(
        report,
        actor,
        permission="reports.review_report",
        allowed_from=(R.INTERNAL_REVIEW,),
        to=R.AGENCY_REVIEW,
        reason=reason,
        check=_has_content,
    )


def approve(report: Report, actor, reason: str = "") -> Report:
    def _apply(locked: Report, before: str) -> None:
        locked.approved_at, locked.approved_by = timezone.now(), actor

    return move(
        report,
        actor,
        permission="reports.review_report",
        allowed_from=(R.AGENCY_REVIEW,),
        to=R.APPROVED,
        reason=reason,
        check=_all_comments_resolved,
        apply=_apply,
    )


def publish(report: Report, actor, reason: str = "") -> Report:
    """Make the approved report public: it appears in the public list and on the site's public page, the
    version it corrects is superseded, and the site's people are told. Works on a closed site too (a
    correction after closure)."""

    def _apply(locked: Report, before: str) -> None:
        from .public_views import FILTER_CHOICES_KEY

        locked.published_at, locked.published_by = timezone.now(), actor
        transaction.on_commit(lambda: cache.delete(FILTER_CHOICES_KEY))
        if locked.corrects_id:
            previous = Report.objects.select_for_update().get(pk=locked.corrects_id)
            if previous.status == R.PUBLISHED:
                previous.status = R.SUPERSEDED
                previous.save(update_fields=["status"])
                record(
                    actor,
                    previous,
                    AuditEvent.Action.TRANSITION,
                    from_state=R.PUBLISHED,
                    to_state=R.SUPERSEDED,
                    reason=f"Corrected by version {locked.version}",
                )

    def _check(locked: Report) -> None:
        _has_content(locked)
        if locked.corrects_id and not locked.change_note.strip():
            raise TransitionError("A correction is published with a change note: say what it corrects.")

    return move(
        report,
        actor,
        permission="reports.review_report",
        allowed_from=(R.APPROVED,),
        to=R.PUBLISHED,
        reason=reason,
        check=_check,
        apply=_apply,
    )


def require_published_report(site) -> None:
    """The site's own publish step (sites.transitions.publish) needs a published report."""
    if not Report.objects.filter(site=site, status=R.PUBLISHED).exists():
        raise TransitionError("Publish the site's report first (Reports): the site is published with it.")


def start_correction(report: Report, actor, change_note: str) -> Report:
    """A new draft version copied from a published report; the published one stays as it is until the
    correction is published."""
    change_note = (change_note or "").strip()
    if not actor.has_perm("reports.draft_report", report.site):
        raise PermissionDenied
    if not change_note:
        raise TransitionError("Say what the correction changes: the change note is published with it.")
    with transaction.atomic():
        source = Report.objects.select_for_update().get(pk=report.pk)
        if source.status != R.PUBLISHED:
            raise TransitionError("Only the published version can be corrected.")
        if Report.objects.filter(corrects=source).exclude(status__in=Report.LOCKED).exists():
            raise TransitionError("A correction of this version is already being drafted.")
        version = (
            (Report.objects.filter(site=source.site, kind=source.kind).aggregate(v=Max("version"))["v"]) + 1
        )
        copy = copy_report(source, actor, version=version)
        copy.corrects, copy.change_note = source, change_note
        copy.save()
        record(
            actor,
            copy,
            AuditEvent.Action.CREATED,
            reason=f"Correction of version {source.version}: {change_note}",
        )
    return copy


def copy_report(source: Report, actor, *, version: int) -> Report:
    """A deep copy of the content in a new draft (the review thread stays with the version it was about)."""
    fields = {
        f.name: getattr(source, f.name)
        for f in Report._meta.concrete_fields
        if f.name
        not in {
            "id",
            "status",
            "version",
            "corrects",
            "change_note",
            "created_by",
            "created_at",
            "updated_at",
            "approved_at",
            "approved_by",
            "published_at",
            "published_by",
        }
    }
    copy = Report.objects.create(**fields, version=version, created_by=actor)
    finding_map = {}
    for finding in source.findings.all():
        old_pk = finding.pk
        recs = list(finding.recommendations.all().prefetch_related("topics", "actions"))
        finding.pk, finding.report = None, copy
        finding.save()
        finding_map[old_pk] = finding
        for rec in recs:
            topics, actions = list(rec.topics.all()), list(rec.actions.all())
            rec.pk, rec.finding = None, finding
            rec.save()
            rec.topics.set(topics)
            for action in actions:
                action.pk, action.recommendation = None, rec
                action.save()
    for model in (EmbeddedResult, Figure):
        for part in model.objects.filter(report=source):
            part.pk, part.report = None, copy
            part.finding = finding_map.get(part.finding_id) if part.finding_id else None
            part.save()
    for model in (Footnote, Appendix, SourceReviewed, TimelineEntry, Observation):
        for part in model.objects.filter(report=source):
            part.pk, part.report = None, copy
            part.save()
    return copy
