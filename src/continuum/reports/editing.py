"""Writing a report: creating it, editing its sections and parts, ordering them, importing a timeline,
embedding analysis results and figures, and the review thread. Every change is checked (who may, and whether
the report is still editable) and audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.sites.models import Site
from continuum.sites.transitions import follow
from continuum.workflow import TransitionError

from . import embeds, numbering, timeline
from .models import (
    CommentReply,
    EmbeddedResult,
    Figure,
    Finding,
    ImprovementAction,
    Recommendation,
    Report,
    ReviewComment,
    TimelineEntry,
)

AFTER_ACTION_NOTE = (
    "An after-action review is a learning tool, not a disciplinary one: it looks at systems, plans, training "
    "and decisions to find what worked and what to improve, not to assign blame to individuals."
)

# Which parts of a report each kind can hold, and where each part hangs (its parent's relation).
SIBLINGS = {
    "finding": lambda part: part.report.findings,
    "recommendation": lambda part: part.finding.recommendations,
    "action": lambda part: part.recommendation.actions,
    "embed": lambda part: part.report.embeds,
    "figure": lambda part: part.report.figures,
    "footnote": lambda part: part.report.footnotes,
    "appendix": lambda part: part.report.appendices,
    "source": lambda part: part.report.sources,
    "timeline": lambda part: part.report.timeline,
    "observation": lambda part: part.report.observations,
}


SNAPSHOTS = {"figure", "embed"}


def create_report(site: Site, actor, *, title: str, kind: str = Report.Kind.FINDINGS) -> Report:
    """A new draft (the templates of an after-action review carry the guide's note on what an AAR is for)."""
    if not actor.has_perm("reports.draft_report", site):
        raise PermissionDenied
    with transaction.atomic():
        site = Site.objects.select_for_update().get(pk=site.pk)
        if site.status in (Site.Status.WORK_PLAN, Site.Status.AGENCY_REVIEW):
            raise TransitionError("The report is started once the agency has approved the work plan.")
        version = (Report.objects.filter(site=site, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        if Report.objects.filter(site=site, kind=kind).exclude(status__in=Report.LOCKED).exists():
            raise TransitionError("This site already has a report of that kind being drafted or reviewed.")
        report = Report(site=site, kind=kind, title=title.strip(), version=version, created_by=actor)
        save_audited(report, actor, reason="Report started")
        if version == 1:
            follow("report_started", site, actor, proof="report started", reason=f"“{report.title}” started")
    return report


def check_editable(report: Report, actor) -> None:
    if not actor.has_perm("reports.draft_report", report.site):
        raise PermissionDenied
    if report.status not in Report.EDITABLE:
        raise TransitionError(
            f"The report is {report.get_status_display().lower()}: return it to drafting to change it."
        )


def save_report(report: Report, actor, reason: str = "Report edited") -> Report:
    check_editable(report, actor)
    return save_audited(report, actor, reason=reason)


def report_of(part) -> Report:
    return part.owner()


def add_part(report: Report, actor, part, kind: str):
    """Append `part` (unsaved, its parent set) at the end of its list; m2m (topics) are the caller's."""
    check_editable(report, actor)
    with transaction.atomic():
        if kind != "timeline":
            part.position = numbering.next_position(SIBLINGS[kind](part))
        if kind in SNAPSHOTS:
            # Images and rendered snapshots would swamp the history: it records what was added, not the bytes.
            part.save()
            summary = (
                f"{part}: {part.provenance}" if kind == "embed" else f"{part} ({len(part.image):,} bytes)"
            )
            record(
                actor,
                part,
                AuditEvent.Action.CREATED,
                changes={kind: [None, summary]},
                reason=f"Added to “{report}”",
            )
        else:
            save_audited(part, actor, reason=f"Added to “{report}”")
    return part


def save_part(report: Report, actor, part):
    check_editable(report, actor)
    return save_audited(part, actor, reason=f"Edited in “{report}”")


def remove_part(report: Report, actor, part) -> None:
    check_editable(report, actor)
    with transaction.atomic():
        record(
            actor, report, AuditEvent.Action.UPDATED, changes={type(part).__name__.lower(): [str(part), None]}
        )
        part.delete()


def move_part(report: Report, actor, part, kind: str, direction: int) -> bool:
    """Up or down one place; the numbers follow."""
    check_editable(report, actor)
    with transaction.atomic():
        moved = numbering.move(part, SIBLINGS[kind](part), direction)
        if moved:
            record(
                actor,
                report,
                AuditEvent.Action.UPDATED,
                changes={
                    "order": [
                        None,
                        f"{type(part).__name__} “{part}” moved {'up' if direction < 0 else 'down'}",
                    ]
                },
            )
    return moved


def set_topics(report: Report, actor, recommendation: Recommendation, topics) -> None:
    check_editable(report, actor)
    before = sorted(t.name for t in recommendation.topics.all())
    recommendation.topics.set(topics)
    after = sorted(t.name for t in recommendation.topics.all())
    if before != after:
        record(
            actor,
            recommendation,
            AuditEvent.Action.UPDATED,
            changes={"topics": [", ".join(before), ", ".join(after)]},
        )


def import_timeline(report: Report, actor, data: bytes | str) -> int:
    """Add the CSV's events (all or none); TimelineError names each bad row and column."""
    check_editable(report, actor)
    rows = timeline.parse(data)
    with transaction.atomic():
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    report=report, occurred_at=r.occurred_at, description=r.description, source=r.source
                )
                for r in rows
            ]
        )
        record(
            actor,
            report,
            AuditEvent.Action.UPDATED,
            changes={"timeline": [None, f"{len(rows)} events imported"]},
        )
    return len(rows)


def embed_result(
    report: Report,
    actor,
    result: dict,
    *,
    title: str = "",
    alt_text: str = "",
    finding: Finding | None = None,
) -> EmbeddedResult:
    """Snapshot an engine result (Result.to_dict()) into the report."""
    check_editable(report, actor)
    embed = embeds.snapshot(result, title=title, alt_text=alt_text)
    embed.report, embed.finding = report, finding
    return add_part(report, actor, embed, "embed")


def embed_site_result(
    report: Report, actor, result, *, title: str = "", alt_text: str = "", finding: Finding | None = None
) -> EmbeddedResult:
    """Snapshot one of the site's analysis results (datasets.Result) into the report, titled by the
    analysis's name when no title is given; the result records, audited, the report it is in."""
    from continuum.analysis.readable import analysis_name

    if result.version.data_request.site_id != report.site_id:
        raise PermissionDenied
    default = f"{analysis_name(result.analysis)} (run {result.number}) on {result.version.data_request}"
    with transaction.atomic():
        embed = embed_result(
            report, actor, result.data, title=title or default[:250], alt_text=alt_text, finding=finding
        )
        result.for_report, result.embedded_in = True, report
        save_audited(result, actor, reason=f"Embedded in “{report}”")
    return embed


def add_figure(
    report: Report,
    actor,
    *,
    image: bytes,
    content_type: str,
    caption: str,
    alt_text: str,
    finding: Finding | None = None,
) -> Figure:
    if not alt_text.strip():
        raise TransitionError("Every figure needs alt text: describe what it shows.")
    figure = Figure(
        report=report,
        finding=finding,
        image=image,
        content_type=content_type,
        caption=caption.strip(),
        alt_text=alt_text.strip(),
    )
    return add_part(report, actor, figure, "figure")


def add_action(report: Report, actor, action: ImprovementAction) -> ImprovementAction:
    return add_part(report, actor, action, "action")


# The review thread --------------------------------------------------------------------------------------------


def passages(report: Report) -> list[tuple[str, str]]:
    """What a comment can be about: the whole report, a section, a finding or a recommendation."""
    choices = [("", "The report as a whole")]
    for field, label in [
        ("executive_summary", "Executive summary"),
        ("background", "Background"),
        ("methodology", "Methodology"),
        ("conclusion", "Conclusion"),
    ]:
        if getattr(report, field).strip():
            choices.append((f"section:{field}", label))
    recs = numbering.recommendation_numbers(report)
    for number, finding in enumerate(report.findings.all(), start=1):
        choices.append((f"finding:{finding.pk}", f"Finding {number}: {finding.title}"[:120]))
        for rec in finding.recommendations.all():
            choices.append((f"recommendation:{rec.pk}", f"Recommendation {recs[rec.pk]}: {rec.text}"[:120]))
    return choices


def comment(report: Report, actor, text: str, passage: str = "", quote: str = "") -> ReviewComment:
    if not actor.has_perm("reports.comment_report", report):
        raise PermissionDenied
    if report.status not in (Report.Status.INTERNAL_REVIEW, Report.Status.AGENCY_REVIEW):
        raise TransitionError("Comments are taken while the report is in review.")
    text = (text or "").strip()
    if not text:
        raise TransitionError("Write the comment first.")
    labels = dict(passages(report))
    if passage not in labels:
        raise TransitionError("That passage is not part of this report.")
    with transaction.atomic():
        note = ReviewComment.objects.create(
            report=report,
            phase=report.status,
            passage=passage,
            passage_label=labels[passage] if passage else "",
            quote=(quote or "").strip(),
            author=actor,
            text=text,
        )
        record(
            actor,
            report,
            AuditEvent.Action.UPDATED,
            changes={"comment": [None, f"{labels[passage]}: {text}"]},
        )
    return note


def visible_comments(report: Report, user):
    """The review comments this user may read: the agency never sees the program's internal review."""
    comments = report.comments.all()
    if not user.has_perm("reports.draft_report", report.site):
        comments = comments.filter(phase=Report.Status.AGENCY_REVIEW)
    return comments


def reply(note: ReviewComment, actor, text: str, *, resolve: bool = False) -> CommentReply:
    """Answer a comment; the drafters or program staff resolve it with their reply."""
    report = note.report
    if not actor.has_perm("reports.comment_report", report):
        raise PermissionDenied
    if not visible_comments(report, actor).filter(pk=note.pk).exists():
        raise PermissionDenied
    if resolve and not actor.has_perm("reports.draft_report", report.site):
        raise PermissionDenied
    if report.is_locked:
        raise TransitionError("The report is published; its review is closed.")
    text = (text or "").strip()
    if not text:
        raise TransitionError(
            "Write the reply first." if not resolve else "Say how the comment was resolved."
        )
    with transaction.atomic():
        answer = CommentReply.objects.create(comment=note, author=actor, text=text)
        if resolve and not note.is_resolved:
            note.resolved_at, note.resolved_by = timezone.now(), actor
            note.save(update_fields=["resolved_at", "resolved_by"])
        record(
            actor,
            report,
            AuditEvent.Action.UPDATED,
            changes={"comment reply": [None, f"{'Resolved: ' if resolve else ''}{text}"]},
        )
    return answer
