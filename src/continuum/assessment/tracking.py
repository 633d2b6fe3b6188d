"""Implementation tracking as plain functions: import, propose, verify, plan, snapshot, export.

Every change is permission-checked against the site, runs in a transaction and is written to the audit log
(on the implementation record and on the site, so the site's history tells the whole story)."""

import csv
import io
from collections import Counter
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Program
from continuum.delivery.documents import check_upload
from continuum.portal.spreadsheets import formula_safe
from continuum.reports.models import Recommendation, Report
from continuum.reports.numbering import recommendation_numbers
from continuum.sites.models import Site
from continuum.workflow import Lifecycle, Move, Step, TransitionError, take

from .models import Implementation, Proposal, Status

STATUS_ORDER = [value for value, _ in Status.choices]
DONE = {Status.COMPLETE, Status.ALTERNATIVE, Status.NOT_APPLICABLE}


class TrackingError(TransitionError):
    """The input or the record's state does not allow the change; the message says why."""


def _require(actor, permission: str, site: Site) -> None:
    if not actor.has_perm(permission, site):
        raise PermissionDenied


def assessment_report(site: Site) -> Report | None:
    """The published assessment report whose recommendations are tracked (the newest published version)."""
    return site.reports.filter(status=Report.Status.PUBLISHED).order_by("-version").first()


@transaction.atomic
def import_recommendations(site: Site, actor) -> int:
    """Give every recommendation of the published assessment report an implementation record (once)."""
    _require(actor, "assessment.manage", site)
    if site.program != Program.ORGANIZATIONAL_ASSESSMENT:
        raise TrackingError(
            "Only Organizational Assessment sites track the implementation of recommendations."
        )
    report = assessment_report(site)
    if report is None:
        raise TrackingError(
            "The assessment report must be published before its recommendations can be tracked."
        )
    numbers = recommendation_numbers(report)
    existing = set(site.implementations.values_list("recommendation_id", flat=True))
    created = 0
    for recommendation in Recommendation.objects.filter(finding__report=report).order_by("pk"):
        if recommendation.pk in existing:
            continue
        Implementation.objects.create(
            site=site, recommendation=recommendation, number=numbers[recommendation.pk],
            responsible=recommendation.responsible_party,
        )  # fmt: skip
        created += 1
    if created:
        record(actor, site, AuditEvent.Action.UPDATED, changes={"implementation records": [None, created]},
               reason=f"Recommendations of “{report}” imported for tracking")  # fmt: skip
    return created


def propose(
    item: Implementation, actor, *, status: str, evidence: str, evidence_date: date, upload=None
) -> Proposal:
    """The agency proposes a new status with its evidence; it counts only once verified."""
    _require(actor, "assessment.propose", item.site)
    if status not in STATUS_ORDER:
        raise TrackingError("Choose one of the implementation statuses.")
    if status == item.status:
        raise TrackingError(f"Recommendation {item.number} is already “{item.get_status_display()}”.")
    if not evidence.strip():
        raise TrackingError("Describe the evidence: what was done, when, and where it can be seen.")
    if evidence_date > timezone.localdate():
        raise TrackingError("The date of the evidence cannot be in the future.")
    checked = check_upload(upload) if upload else None  # raises ValidationError naming the file and why
    with transaction.atomic():
        Implementation.objects.select_for_update().get(pk=item.pk)
        if item.proposals.filter(decision=Proposal.Decision.PENDING).exists():
            raise TrackingError(
                f"A proposal for recommendation {item.number} is already awaiting verification."
            )
        proposal = Proposal(implementation=item, proposed_status=status, evidence=evidence.strip(),
                            evidence_date=evidence_date, proposed_by=actor)  # fmt: skip
        if checked is not None:
            proposal.document_name = checked.name
            upload.seek(0)
            proposal.document.save(checked.name, upload, save=False)
        proposal.save()
        record(actor, item, AuditEvent.Action.UPDATED,
               changes={"proposal": [item.get_status_display(), proposal.get_proposed_status_display()]},
               reason=proposal.evidence)  # fmt: skip
    return proposal


def _decided(proposal: Proposal, move: Move) -> None:
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = (
        move.actor,
        timezone.now(),
        move.reason,
    )


def _accepted(proposal: Proposal, move: Move) -> None:
    """The recommendation takes the proposed status, dated by its evidence; the site's history tells it too."""
    _decided(proposal, move)
    item = Implementation.objects.select_for_update().get(pk=proposal.implementation_id)
    before = item.get_status_display()
    item.status, item.status_changed_on = proposal.proposed_status, proposal.evidence_date
    item.save()
    record(move.actor, item, AuditEvent.Action.TRANSITION, from_state=before,
           to_state=item.get_status_display(), reason=move.reason or "Evidence verified")  # fmt: skip
    record(move.actor, item.site, AuditEvent.Action.UPDATED,
           changes={f"recommendation {item.number}": [before, item.get_status_display()]})  # fmt: skip


def _more_evidence(proposal: Proposal, move: Move) -> None:
    _decided(proposal, move)
    record(move.actor, proposal.implementation, AuditEvent.Action.UPDATED,
           changes={"proposal": ["pending", "needs more evidence"]}, reason=move.reason)  # fmt: skip


D = Proposal.Decision
PROPOSAL = Lifecycle(
    model=Proposal,
    noun="proposal",
    field="decision",
    subject=lambda proposal: proposal.implementation.site,
    steps=(
        Step("accept", "Accept the evidence", (D.PENDING,), D.ACCEPTED, "assessment.verify",
             actor="The assessors", reason="optional", apply=_accepted),
        Step("more_evidence", "Ask for more evidence", (D.PENDING,), D.MORE_EVIDENCE, "assessment.verify",
             actor="The assessors", reason="required", reason_label="What evidence is missing",
             apply=_more_evidence),
    ),
)  # fmt: skip


def verify(proposal: Proposal, actor, *, accept: bool, reason: str = "") -> Proposal:
    """The assessor accepts the proposal (the status changes) or asks for more evidence (with reasons)."""
    if not accept and not reason.strip():
        raise TrackingError("Say what evidence is missing.")
    return take(PROPOSAL, "accept" if accept else "more_evidence", proposal, actor, reason=reason)


def update_plan(item: Implementation, actor, *, responsible: str, target_date: date | None) -> Implementation:
    _require(actor, "assessment.manage", item.site)
    item.responsible, item.target_date = responsible.strip(), target_date
    return save_audited(item, actor, reason="Responsible people and target date")


def snapshot(site: Site) -> dict:
    """Every recommendation's status now: counts by status, by topic, and the items (what a progress report
    freezes when it is published)."""
    items = list(
        site.implementations.select_related("recommendation__finding")
        .prefetch_related("recommendation__topics")
        .order_by("sort_key")
    )
    counts = Counter(item.status for item in items)
    by_topic: dict[str, Counter] = {}
    rows = []
    for item in items:
        topics = [t.name for t in item.recommendation.topics.all()] or ["Other"]
        for topic in topics:
            by_topic.setdefault(topic, Counter())[item.status] += 1
        rows.append({
            "number": item.number, "finding": item.recommendation.finding.title, "text": item.recommendation.text,
            "priority": item.recommendation.get_priority_display(), "status": item.status,
            "status_label": item.get_status_display(), "responsible": item.responsible, "topics": topics,
        })  # fmt: skip
    return {
        "total": len(items),
        "counts": {status: counts.get(status, 0) for status in STATUS_ORDER},
        "by_topic": {topic: {s: c.get(s, 0) for s in STATUS_ORDER} for topic, c in sorted(by_topic.items())},
        "items": rows,
    }


def export_csv(site: Site) -> str:
    """The tracking matrix, one row per recommendation (columns like the San Francisco matrix)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Objective", "Finding", "Recommendation number", "Recommendation", "Priority", "Status",
                     "Owner", "Target date", "Status changed on"])  # fmt: skip
    for item in site.implementations.select_related("recommendation__finding").prefetch_related(
        "recommendation__topics"
    ):
        rec = item.recommendation
        writer.writerow([formula_safe(v) for v in [
            "; ".join(t.name for t in rec.topics.all()), rec.finding.title, item.number, rec.text,
            rec.get_priority_display(), item.get_status_display(), item.responsible,
            item.target_date.isoformat() if item.target_date else "",
            item.status_changed_on.isoformat() if item.status_changed_on else "",
        ]])  # fmt: skip
    return out.getvalue()
