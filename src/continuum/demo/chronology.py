"""When things happened in the demo: each named site's history spread over the last two years, in the order the
program works (request, decision, announcement, plan, delivery, report, closure), counted back from today.

The demo makes its records through the real transitions, which stamp them with today; `apply` then dates them
as this schedule says, so no page shows a report published before its request was decided or a progress
report published before the date it reports on."""

import datetime

from django.utils import timezone

from continuum.assessment.models import Implementation, ProgressReport, Proposal
from continuum.intake.models import Contact, Request
from continuum.reports.models import FactualReview, Report
from continuum.sites.models import Site
from continuum.workplans.models import WorkPlan

# Days before today. requested → accepted → announced → plan sent → approved (delivery starts) → report
# published → closed; None: not reached.
SCHEDULE = {
    "Spokane (WA) Police Department": dict(requested=790, accepted=770, announced=745, sent=735, approved=720,
                                           published=540, closed=None),
    "Indianapolis Metropolitan Police Department": dict(requested=730, accepted=712, announced=690, sent=680,
                                                        approved=665, published=400, closed=385),
    "Fargo (ND) Police Department": dict(requested=700, accepted=690, announced=672, sent=660, approved=650,
                                         published=330, closed=318),
    # approved 200 and 150 days ago: their plans' first two deliverables are past (Philadelphia's draft report,
    # due 20 days ago, is late), the final report still to come
    "Philadelphia Police Department": dict(requested=300, accepted=282, announced=250, sent=215, approved=200,
                                           published=None, closed=None),
    "Columbus (OH) Division of Police": dict(requested=235, accepted=218, announced=190, sent=165, approved=150,
                                             published=None, closed=None),
    "Cleveland (OH) Division of Police": dict(requested=215, accepted=196, announced=160, sent=20, approved=None,
                                              published=None, closed=None),
    "Boston Police Department": dict(requested=140, accepted=121, announced=74, sent=None, approved=None,
                                     published=None, closed=None),
}  # fmt: skip
PLANNED_START = (
    30  # days from the announcement to the plan's first activity when the plan is not yet approved
)
DRAFT_STARTED = 40  # days ago a report now in drafting was started
PROGRESS_PUBLISHED_AFTER = 21  # days from the date a progress report reports on to its publication


def day(agency: str, event: str) -> datetime.date:
    """The date of `event` for the named agency's site (for a step not reached yet: when it is planned)."""
    schedule = SCHEDULE[agency]
    if schedule.get(event) is None:
        return timezone.localdate() - datetime.timedelta(days=schedule["announced"] - PLANNED_START)
    return timezone.localdate() - datetime.timedelta(days=schedule[event])


def moment(agency: str, event: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(agency, event), datetime.time(hour)))


def apply() -> None:
    """Date the named sites' records by the schedule (idempotent: the same dates every time it runs today)."""
    for site in Site.objects.filter(agency__name__in=SCHEDULE).select_related("agency"):
        name, schedule = site.agency.name, SCHEDULE[site.agency.name]
        accepted = moment(name, "accepted")
        Request.objects.filter(site=site).update(submitted_at=moment(name, "requested"), decided_at=accepted)
        Contact.objects.filter(request__site=site).update(
            contacted_on=day(name, "requested") + datetime.timedelta(days=6)
        )
        Site.objects.filter(pk=site.pk).update(
            created_at=accepted,
            started_on=day(name, "approved") if schedule["approved"] else None,
            closed_on=day(name, "closed") if schedule["closed"] else None,
        )
        _plans(site, name, schedule)
        if schedule["published"]:
            _report(site, name)
        else:  # a report being drafted was started a few weeks ago
            Report.objects.filter(site=site, status=Report.Status.DRAFT).update(
                created_at=timezone.now() - datetime.timedelta(days=DRAFT_STARTED)
            )
    _progress()


def _plans(site: Site, name: str, schedule: dict) -> None:
    plans = list(WorkPlan.objects.filter(site=site).order_by("pk"))
    for index, plan in enumerate(plans):
        if index == 0:
            fields = {"created_at": moment(name, "accepted", 14) + datetime.timedelta(days=5)}
            if plan.sent_at and schedule["sent"]:
                fields["sent_at"] = moment(name, "sent")
            if plan.approved_at and schedule["approved"]:
                fields["approved_at"] = moment(name, "approved")
        else:  # a later version, being drafted now
            fields = {"created_at": timezone.now() - datetime.timedelta(days=9 + index)}
        WorkPlan.objects.filter(pk=plan.pk).update(**fields)


def _report(site: Site, name: str) -> None:
    published = moment(name, "published")
    for report in Report.objects.filter(site=site, status=Report.Status.PUBLISHED):
        Report.objects.filter(pk=report.pk).update(
            created_at=published - datetime.timedelta(days=150), published_at=published,
            approved_at=published - datetime.timedelta(days=6) if report.approved_at else None,
        )  # fmt: skip
        sent = published - datetime.timedelta(days=60)
        FactualReview.objects.filter(report=report).update(
            sent_at=sent, due_on=(sent + datetime.timedelta(days=30)).date(),
            closed_at=sent + datetime.timedelta(days=24),
        )  # fmt: skip


def _progress() -> None:
    """A progress report is published three weeks after the date it reports on; the statuses it shows were
    proposed and verified before that date."""
    named = {"site__agency__name__in": SCHEDULE}
    for report in ProgressReport.objects.filter(state=ProgressReport.State.PUBLISHED, **named):
        published = timezone.make_aware(
            datetime.datetime.combine(report.as_of + datetime.timedelta(days=PROGRESS_PUBLISHED_AFTER),
                                      datetime.time(10))
        )  # fmt: skip
        ProgressReport.objects.filter(pk=report.pk).update(
            created_at=published - datetime.timedelta(days=10), published_at=published
        )
    for proposal in Proposal.objects.filter(
        decided_at__isnull=False, implementation__site__agency__name__in=SCHEDULE
    ):
        evidence = timezone.make_aware(datetime.datetime.combine(proposal.evidence_date, datetime.time(9)))
        if proposal.proposed_at > evidence + datetime.timedelta(days=14):
            Proposal.objects.filter(pk=proposal.pk).update(
                proposed_at=evidence - datetime.timedelta(days=7), decided_at=evidence
            )
            Implementation.objects.filter(
                pk=proposal.implementation_id, status=proposal.proposed_status
            ).update(status_changed_on=proposal.evidence_date)
