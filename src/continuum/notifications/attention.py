"""What needs a user now ("Needs your attention" on the workspace, its count in the navigation) and every due
date they are concerned by (the deadlines page and the calendar feed).

Each source is one or two set queries over the records the user may see (`visible_to` of sites, requests and
reports), so the lists cost a fixed number of queries whatever the size of the data, and nobody is shown a
record that is not theirs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from continuum.accounts.roles import Role
from continuum.assessment.models import Implementation, ProgressReport
from continuum.assessment.progress import INTERVAL_MONTHS, add_months
from continuum.datasets.models import DataRequest, DatasetVersion, Job
from continuum.delivery.contact import QUIET_STATUSES, thresholds
from continuum.delivery.models import DEFAULT_SILENCE_DAYS, MilestoneCompletion
from continuum.intake.models import Contact, Request
from continuum.intake.service import contact_due
from continuum.reports.models import FactualReview, Report, ReviewComment
from continuum.sites import extensions
from continuum.sites.models import Site
from continuum.workplans.models import Deliverable, WorkPlan

PROGRESS_DUE_SOON_DAYS = 30  # a progress report enters the attention list this long before it is due


@dataclass(frozen=True)
class Item:
    """One thing a user is concerned by: what it is, the record (a link), since when it waits, when it is due."""

    kind: str
    label: str
    url: str
    since: datetime.date | None
    due_on: datetime.date | None
    today: datetime.date
    where: str = ""  # the site or agency it belongs to
    urgent: bool = False  # an urgent request: listed before everything else

    @property
    def age(self) -> int | None:
        return None if self.since is None else max(0, (self.today - self.since).days)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today

    @property
    def days_late(self) -> int:
        return max(0, (self.today - self.due_on).days) if self.due_on is not None else 0


def plan_review_due(sent_at: datetime.datetime) -> datetime.date:
    return timezone.localdate(sent_at) + datetime.timedelta(days=settings.PLAN_REVIEW_DAYS)


def unassigned(requests: QuerySet[Request]) -> QuerySet[Request]:
    """The open requests of `requests` no program staff member owns yet."""
    return requests.filter(status__in=Request.OPEN_STATUSES, owner__isnull=True)


def _date(value) -> datetime.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


# Sources --------------------------------------------------------------------------------------------------------


def request_items(user, today: datetime.date) -> list[Item]:
    """Open requests that are urgent, unassigned or past the contact target (no contact logged by then), in two
    queries; one item per request, naming every reason."""
    visible = Request.objects.visible_to(user)
    waiting = set(unassigned(visible).values_list("pk", flat=True))
    rows = (
        visible.open()
        .annotate(contacted=Exists(Contact.objects.filter(request=OuterRef("pk"))))
        .only("pk", "tracking_number", "agency_name", "urgency", "submitted_at", "status")
        .order_by("submitted_at")
    )
    items = []
    for request in rows:
        submitted = timezone.localdate(request.submitted_at)
        due = None if request.contacted else contact_due(submitted)
        reasons = []
        if request.urgency == Request.Urgency.URGENT:
            reasons.append("urgent")
        if request.pk in waiting:
            reasons.append("unassigned")
        if due is not None and due < today:
            reasons.append("past the contact target")
        if reasons:
            kind = "Request: " + ", ".join(reasons)
            items.append(Item(kind, request.agency_name, request.get_absolute_url(), submitted, due, today,
                              request.tracking_number, urgent="urgent" in reasons))  # fmt: skip
    return items


def silent_site_items(sites: QuerySet[Site], today: datetime.date) -> list[Item]:
    """Sites past their program's tolerated silence (the sites app's SILENT measures), since the last
    contact with the agency."""
    ids = extensions.silent_ids(sites)
    if not ids:
        return []
    limits = thresholds()
    rows = (
        Site.objects.filter(pk__in=ids)
        .exclude(status__in=QUIET_STATUSES)
        .annotate(last=Max("communications__occurred_on", filter=Q(communications__with_agency=True)))
        .order_by("pk")
    )
    items = []
    for site in rows:
        since = site.last or site.started_on or timezone.localdate(site.created_at)
        due = since + datetime.timedelta(days=limits.get(site.program, DEFAULT_SILENCE_DAYS))
        items.append(Item("Silent site: no contact with the agency", site.title, site.get_absolute_url(),
                          since, due, today))  # fmt: skip
    return items


def milestone_items(sites: QuerySet[Site], today: datetime.date, *, late_only: bool) -> list[Item]:
    """Deliverables of the sites' approved plans not yet done (past due only, with `late_only`)."""
    done = MilestoneCompletion.objects.filter(
        site_id=OuterRef("plan__site_id"), title=OuterRef("title"), due_on=OuterRef("due_on")
    )
    deliverables = (
        Deliverable.objects.filter(
            plan__status=WorkPlan.Status.APPROVED,
            plan__site__in=sites.exclude(status=Site.Status.CLOSED).values("pk"),
        )
        .exclude(Exists(done))
        .select_related("plan__site")
        .order_by("due_on", "pk")
    )
    if late_only:
        deliverables = deliverables.filter(due_on__lt=today)
    kind = "Overdue milestone" if late_only else "Milestone"
    return [
        Item(kind, d.title, reverse("delivery:milestones", kwargs={"site_pk": d.plan.site_id}), None, d.due_on,
             today, d.plan.site.title)
        for d in deliverables
    ]  # fmt: skip


def plan_items(sites: QuerySet[Site], today: datetime.date, kind: str) -> list[Item]:
    plans = WorkPlan.objects.filter(site__in=sites.values("pk"), status=WorkPlan.Status.IN_REVIEW)
    return [
        Item(kind, f"Work plan v{plan.version}",
             reverse("workplans:version", kwargs={"site_pk": plan.site_id, "version": plan.version}),
             _date(plan.sent_at), plan_review_due(plan.sent_at) if plan.sent_at else None, today, plan.site.title)
        for plan in plans.select_related("site").order_by("sent_at", "pk")
    ]  # fmt: skip


def factual_review_items(reports: QuerySet[Report], today: datetime.date) -> list[Item]:
    reviews = FactualReview.objects.filter(
        closed_at=None, report__status=Report.Status.AGENCY_REVIEW, report__in=reports.values("pk")
    )
    return [
        Item("Factual-accuracy review of a draft report", review.report.title, review.report.get_absolute_url(),
             _date(review.sent_at), review.due_on, today, review.report.site.title)
        for review in reviews.select_related("report__site").order_by("due_on", "pk")
    ]  # fmt: skip


def data_request_items(
    sites: QuerySet[Site], today: datetime.date, *, dated_only: bool = False
) -> list[Item]:
    requests = DataRequest.objects.filter(
        site__in=sites.values("pk"), status__in=[DataRequest.Status.REQUESTED, DataRequest.Status.PROBLEM]
    )
    if dated_only:
        requests = requests.exclude(due_on=None)
    items = []
    for data in requests.select_related("site").order_by("due_on", "pk"):
        kind = "Data to send" if data.status == DataRequest.Status.REQUESTED else "Data with a problem to fix"
        items.append(Item(kind, data.title, data.get_absolute_url(), _date(data.created_at), data.due_on, today,
                          data.site.title))  # fmt: skip
    return items


def authorization_items(user, today: datetime.date) -> list[Item]:
    """Open requests of the chief executive's agency sent by someone else, still waiting for the chief's
    written authorization (missing, or sent to the chief)."""
    A = Request.Authorization
    requests = (
        Request.objects.visible_to(user).open()
        .filter(authorization__in=[A.MISSING, A.REQUESTED])
        .order_by("submitted_at")
    )  # fmt: skip
    return [
        Item("Authorization to sign", f"Request from {r.requester_name}", r.get_absolute_url(),
             timezone.localdate(r.submitted_at), None, today, r.tracking_number)
        for r in requests
    ]  # fmt: skip


def report_approval_items(user, today: datetime.date) -> list[Item]:
    """Reports waiting for a program sign-off this user may give (never their own draft): to send to the
    agency, to approve once the agency's review is closed or lapsed, to publish."""
    R = Report.Status
    open_review = FactualReview.objects.filter(report=OuterRef("pk"), closed_at=None)
    reports = (
        Report.objects.visible_to(user)
        .filter(
            Q(status__in=[R.INTERNAL_REVIEW, R.APPROVED])
            | Q(status=R.AGENCY_REVIEW)
            & (~Exists(open_review) | Exists(open_review.filter(due_on__lt=today)))
        )
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .select_related("site")
        .order_by("updated_at", "pk")
    )
    kinds = {R.INTERNAL_REVIEW: "Report to send to the agency", R.AGENCY_REVIEW: "Report to approve",
             R.APPROVED: "Report to publish"}  # fmt: skip
    return [
        Item(kinds[r.status], r.title, r.get_absolute_url(), _date(r.updated_at), None, today, r.site.title)
        for r in reports
    ]


def progress_report_items(sites: QuerySet[Site], today: datetime.date, *, within: int | None) -> list[Item]:
    """When each tracked site's next progress report is due (six months after the last one, or after tracking
    began, as assessment.progress.next_due), in one query; with `within`, only those due in that many days."""
    first = Implementation.objects.filter(site=OuterRef("pk")).order_by("pk").values("updated_at")[:1]
    rows = (
        sites.exclude(status=Site.Status.CLOSED)
        .annotate(
            last=Max(
                "progress_reports__as_of", filter=Q(progress_reports__state=ProgressReport.State.PUBLISHED)
            ),
            first=Subquery(first),
        )
        .filter(first__isnull=False)
        .order_by("pk")
    )
    items = []
    for site in rows:
        due = add_months(site.last or timezone.localdate(site.first), INTERVAL_MONTHS)
        if within is not None and (due - today).days > within:
            continue
        url = reverse("assessment:matrix", kwargs={"site_pk": site.pk})
        items.append(Item("Progress report due", site.title, url, site.last, due, today))
    return items


def analysis_items(sites: QuerySet[Site], today: datetime.date) -> list[Item]:
    """Validated data not yet analysed."""
    analysed = Job.objects.filter(version=OuterRef("pk"), kind=Job.Kind.ANALYZE)
    versions = (
        DatasetVersion.objects.filter(
            data_request__site__in=sites.values("pk"),
            status__in=[DatasetVersion.Status.VALID, DatasetVersion.Status.ACCEPTED],
        )
        .exclude(Exists(analysed))
        .select_related("data_request__site")
        .order_by("uploaded_at", "pk")
    )
    return [
        Item("Data waiting for analysis", str(v.data_request), v.get_absolute_url(), _date(v.uploaded_at), None,
             today, v.data_request.site.title)
        for v in versions
    ]  # fmt: skip


def comment_items(user, sites: QuerySet[Site], today: datetime.date) -> list[Item]:
    """Unresolved comments by others on the drafts of the user's sites."""
    comments = (
        ReviewComment.objects.filter(
            report__site__in=sites.values("pk"), report__status__in=Report.EDITABLE, resolved_at=None
        )
        .exclude(author=user)
        .select_related("report__site")
        .order_by("created_at", "pk")
    )
    return [
        Item("Review comment to answer", c.passage_label or c.report.title, c.report.get_absolute_url(),
             _date(c.created_at), None, today, c.report.site.title)
        for c in comments
    ]  # fmt: skip


# What needs the user, and their deadlines ---------------------------------------------------------------------


def needs_attention(user, today: datetime.date | None = None) -> list[Item]:
    """What needs this user now, by role, most urgent first; each item a record they may see."""
    if not user.is_authenticated or not user.is_active:
        return []
    today = today or timezone.localdate()
    sites = Site.objects.visible_to(user)
    if user.is_program_side:
        items = [
            *request_items(user, today),
            *silent_site_items(sites, today),
            *milestone_items(sites, today, late_only=True),
            *report_approval_items(user, today),
            *progress_report_items(sites, today, within=PROGRESS_DUE_SOON_DAYS),
        ]
    elif user.is_agency_user:
        chief = user.role == Role.AGENCY_EXECUTIVE
        items = [
            *plan_items(sites, today, "Work plan to approve" if chief else "Work plan to review"),
            *factual_review_items(Report.objects.visible_to(user), today),
            *data_request_items(sites, today),
            *(authorization_items(user, today) if chief else []),
        ]
    elif user.is_provider_user:
        items = [
            *milestone_items(sites, today, late_only=True),
            *analysis_items(sites, today),
            *comment_items(user, sites, today),
        ]
    else:
        return []
    return by_urgency(items)


def by_urgency(items: list[Item]) -> list[Item]:
    """Most urgent first: urgent requests (a critical incident cannot wait its turn), then what has been overdue
    longest, then what falls due soonest; items with no due date after every dated one, the oldest first."""
    return sorted(
        items,
        key=lambda i: (not i.urgent, i.due_on is None, i.due_on or i.today, i.since or i.today, i.label),
    )


def deadlines(user, today: datetime.date | None = None) -> list[Item]:
    """Every due date the user is concerned by on the records they may see, soonest first: milestones, plan and
    factual-accuracy reviews, data requests and progress reports."""
    if not user.is_authenticated or not user.is_active:
        return []
    today = today or timezone.localdate()
    sites = Site.objects.visible_to(user)
    items = [
        *milestone_items(sites, today, late_only=False),
        *plan_items(sites, today, "Work plan review"),
        *factual_review_items(Report.objects.visible_to(user), today),
        *data_request_items(sites, today, dated_only=True),
        *progress_report_items(sites, today, within=None),
    ]
    return sorted((i for i in items if i.due_on is not None), key=lambda i: (i.due_on, i.kind, i.label))
