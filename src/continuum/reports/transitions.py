"""The report's review and publication, declared once (`LIFECYCLE`), run by `continuum.workflow.take`.

draft → internal review (program staff) → agency review (the agency's factual-accuracy review, closed when the
agency marks it done or its period lapses) → approved (by a second program staff member: not the person who
drafted or submitted it) → published (likewise). The site follows its first version's steps. A correction copies
the published version into a new draft with a change note; publishing it supersedes the version it corrects."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.portal.caching import clear_public_pages
from continuum.sites.transitions import follow
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from . import notify
from .models import (
    Appendix,
    EmbeddedResult,
    FactualReview,
    Figure,
    Footnote,
    Observation,
    Report,
    SourceReviewed,
    TimelineEntry,
)

R = Report.Status
EVENTS = {
    "submit": "sent for the program's internal review",
    "return_to_draft": "returned to drafting",
    "send_to_agency": "sent to the agency for its factual-accuracy review",
    "factual_review_done": "reviewed for factual accuracy by the agency",
    "approve": "approved by the program",
    "publish": "published",
}

__all__ = [
    "LIFECYCLE",
    "TransitionError",
    "approve",
    "close_factual_review",
    "publish",
    "require_published_report",
    "return_to_draft",
    "send_to_agency",
    "start_correction",
    "submit",
]


def _follow(report: Report, name: str, move: Move) -> None:
    """The site follows its report's first version (not a correction, not a second report)."""
    if report.corrects_id is None and report.version == 1:
        follow(name, report.site, move.actor, cause=move, reason=f"“{report.title}” {EVENTS[move.step.name]}")


def _has_content(report: Report, actor=None) -> None:
    if not report.findings.exists():
        raise TransitionError("A report needs at least one finding before it goes for review.")
    if not report.executive_summary.strip():
        raise TransitionError("Write the executive summary before the report goes for review.")
    empty = [
        f"Finding {i}" for i, f in enumerate(report.findings.all(), start=1) if not f.recommendations.exists()
    ]
    if empty:
        raise TransitionError("Every finding needs a recommendation: " + ", ".join(empty) + " has none.")


def _all_comments_resolved(report: Report, actor) -> None:
    open_count = report.comments.filter(resolved_at__isnull=True).count()
    if open_count:
        raise TransitionError(
            f"{open_count} comment(s) are not resolved yet: reply to and resolve each first."
        )


def _second_person(report: Report, actor) -> None:
    """Sign-off by someone other than its drafters: the author and whoever sent it for review."""
    if actor.pk in {report.created_by_id, report.submitted_by_id}:
        raise TransitionError(
            "You drafted or submitted this report: another program staff member approves and publishes it."
        )


def open_review(report: Report) -> FactualReview | None:
    return report.factual_reviews.filter(closed_at__isnull=True).first()


def _factual_review_closed(report: Report, actor) -> None:
    """The agency's review of the version sent is done, or its period has lapsed (recorded at approval)."""
    latest = report.factual_reviews.order_by("-sent_at").first()
    if latest is None:
        raise TransitionError("The agency has not been sent the report for its factual-accuracy review.")
    if latest.is_open and not latest.lapsed(timezone.localdate()):
        raise TransitionError(
            f"The agency's factual-accuracy review is open until {latest.due_on:%B %-d, %Y}: it must be marked "
            "done by the agency, or its period lapse, before the report is approved."
        )


def _review_is_open(report: Report, actor) -> None:
    if open_review(report) is None:
        raise TransitionError("There is no open factual-accuracy review of this report.")


def _submitted(report: Report, move: Move) -> None:
    report.submitted_by = move.actor
    _follow(report, "report_submitted", move)


def _returned(report: Report, move: Move) -> None:
    review = open_review(report)
    if review is not None:
        _close_review(review, move, FactualReview.Outcome.RETURNED)
    _follow(report, "report_returned", move)


def _sent_to_agency(report: Report, move: Move) -> None:
    days = int(move.inputs.get("review_days") or settings.FACTUAL_REVIEW_DAYS)
    if days < 1:
        raise TransitionError("Give the agency at least one day for its review.")
    now = timezone.now()
    FactualReview.objects.create(
        report=report, sent_at=now, sent_by=move.actor, due_on=timezone.localdate() + timedelta(days=days)
    )


def _close_review(review: FactualReview, move: Move, outcome: str) -> None:
    review.closed_at, review.closed_by, review.outcome = timezone.now(), move.actor, outcome
    if outcome == FactualReview.Outcome.DONE:
        review.comments = move.reason
    review.save()


def _factual_review_done(report: Report, move: Move) -> None:
    _close_review(open_review(report), move, FactualReview.Outcome.DONE)


def _approved(report: Report, move: Move) -> None:
    review = open_review(report)
    if review is not None:  # lapsed (checked): recorded with its dates
        _close_review(review, move, FactualReview.Outcome.LAPSED)
        move.reason = (move.reason + " " if move.reason else "") + (
            f"(factual review sent {review.sent_at:%Y-%m-%d}, due {review.due_on:%Y-%m-%d}, lapsed)"
        )
    report.approved_at, report.approved_by = timezone.now(), move.actor


def _correction_noted(report: Report, actor) -> None:
    _has_content(report)
    if report.corrects_id and not report.change_note.strip():
        raise TransitionError("A correction is published with a change note: say what it corrects.")


def _published(report: Report, move: Move) -> None:
    """It appears in the public lists and on the site's page, the version it corrects is superseded, the site
    follows (a correction after closure leaves the site as it is)."""
    from .public_views import FILTER_CHOICES_KEY

    report.published_at, report.published_by = timezone.now(), move.actor
    transaction.on_commit(lambda: cache.delete(FILTER_CHOICES_KEY))
    transaction.on_commit(clear_public_pages)
    if report.corrects_id:
        previous = Report.objects.select_for_update().get(pk=report.corrects_id)
        if previous.status == R.PUBLISHED:
            previous.status = R.SUPERSEDED
            previous.save(update_fields=["status"])
            record(move.actor, previous, AuditEvent.Action.TRANSITION, from_state=R.PUBLISHED,
                   to_state=R.SUPERSEDED, reason=f"Corrected by version {report.version}")  # fmt: skip
    _follow(report, "report_published", move)


def _save(report: Report, move: Move) -> None:
    if move.before in Report.LOCKED:
        report.save(update_fields=["status"])
    else:
        report.save()


def _notify(report: Report, move: Move) -> None:
    """The agency reads only the message to it; a team-only e-mail (a draft's internal steps) carries the
    internal reason too."""
    internal = report.status not in Report.AGENCY_STATES
    notify.report_event(
        report, EVENTS[move.step.name], move.message or (move.reason if internal else ""), told=move.told
    )


LIFECYCLE = Lifecycle(
    model=Report,
    noun="report",
    subject=lambda report: report.site,
    notify=_notify,
    path=lambda report: (R.DRAFT, R.INTERNAL_REVIEW, R.AGENCY_REVIEW, R.APPROVED, R.PUBLISHED),
    save=_save,
    steps=(
        Step("submit", "Send for the program's internal review", (R.DRAFT,), R.INTERNAL_REVIEW,
             "reports.draft_report", actor="The report's drafters", reason="optional",
             checks=(_has_content,), apply=_submitted),
        Step("send_to_agency", "Send to the agency for factual-accuracy review", (R.INTERNAL_REVIEW,),
             R.AGENCY_REVIEW, "reports.review_report", reason="optional", message="optional",
             checks=(_has_content,), apply=_sent_to_agency, fields=(("review_days", forms.IntegerField(
                 label="Days the agency has for its review", min_value=1, max_value=180, required=False,
                 initial=settings.FACTUAL_REVIEW_DAYS,
                 help_text=f"{settings.FACTUAL_REVIEW_DAYS} unless you set another; the due date is kept with "
                 "the sending, and the review closes when the agency marks it done or the period lapses.")),)),
        Step("factual_review_done", "Factual review done", (R.AGENCY_REVIEW,), R.AGENCY_REVIEW,
             "reports.factual_review", actor="The agency's chief executive or liaison", reason="optional",
             reason_label="Your comments on the report's factual accuracy (the program team reads them)",
             checks=(_review_is_open,), apply=_factual_review_done,
             when=lambda report: open_review(report) is not None),
        Step("approve", "Approve the report", (R.AGENCY_REVIEW,), R.APPROVED, "reports.review_report",
             actor="A second program staff member", reason="optional",
             checks=(_second_person, _factual_review_closed, _all_comments_resolved), apply=_approved),
        Step("publish", "Publish the report", (R.APPROVED,), R.PUBLISHED, "reports.review_report",
             actor="A second program staff member", reason="optional", message="optional",
             checks=(_second_person, _correction_noted), apply=_published),
        Step("return_to_draft", "Return to drafting", (R.INTERNAL_REVIEW, R.AGENCY_REVIEW, R.APPROVED), R.DRAFT,
             "reports.review_report", reason="required", message="optional", apply=_returned, danger=True),
    ),
)  # fmt: skip


def submit(report: Report, actor, reason: str = "") -> Report:
    return take(LIFECYCLE, "submit", report, actor, reason=reason)


def return_to_draft(report: Report, actor, reason: str, message: str = "") -> Report:
    return take(LIFECYCLE, "return_to_draft", report, actor, reason=reason, message=message)


def send_to_agency(report: Report, actor, reason: str = "", *, review_days: int | None = None) -> Report:
    return take(LIFECYCLE, "send_to_agency", report, actor, reason=reason, review_days=review_days)


def close_factual_review(report: Report, actor, comments: str = "") -> Report:
    return take(LIFECYCLE, "factual_review_done", report, actor, reason=comments)


def approve(report: Report, actor, reason: str = "") -> Report:
    return take(LIFECYCLE, "approve", report, actor, reason=reason)


def publish(report: Report, actor, reason: str = "", message: str = "") -> Report:
    return take(LIFECYCLE, "publish", report, actor, reason=reason, message=message)


def require_published_report(site) -> None:
    """A site's report is published (the assessment's implementation tracking starts from it)."""
    if not Report.objects.filter(site=site, status=R.PUBLISHED).exists():
        raise TransitionError("Publish the site's report first (Reports).")


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
