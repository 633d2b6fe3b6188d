"""Demo delivery on the sites with an approved plan: a communications log (one site gone quiet, so the silence
flag shows; every other active site has a recent check-in), the plan's activities done, documents in several versions, and milestones done, done late or late.

Everything goes through the delivery functions (permission checks, content checks of the uploads, the audit
log); closed sites are back-filled. A site that already has communications is skipped, so loading is
idempotent.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import AGENCY_ROLES, Role
from continuum.delivery import documents, milestones
from continuum.delivery.contact import QUIET_STATUSES, days_since_last_contact, thresholds
from continuum.delivery.models import DEFAULT_SILENCE_DAYS, ActivityDone, Communication, Document
from continuum.delivery.work import log_activity, log_communication
from continuum.sites.models import Site
from continuum.workplans import plans
from continuum.workplans.models import Activity, WorkPlan

# (kind, with the agency, summary); the log cycles through them.
EXCHANGES = [
    ("meeting", True, "Kick-off meeting with the chief and command staff: scope, timeline, points of contact and "
     "how the team will share drafts were agreed."),
    ("email", True, "Sent the data and document request; the records unit confirmed receipt and a delivery date."),
    ("meeting", False, "Team meeting: first read of the policies received; questions listed for the liaison."),
    ("call", True, "Bi-weekly call with the liaison: interview schedule for the site visit and room bookings."),
    ("site_visit", True, "Site visit: interviews with command staff, the training academy and union "
     "representatives; ride-alongs on two shifts."),
    ("call", True, "Call with the records unit on data quality: missing fields in 2021 and how incidents are coded."),
    ("meeting", False, "Analysis check-in with the data analyst and SMEs: preliminary patterns and next steps."),
    ("email", True, "Shared the outline of the findings with the liaison ahead of the briefing."),
    ("meeting", True, "Briefing for the chief on preliminary observations; the agency raised two factual points."),
    ("call", True, "Check-in with the liaison on the policy revisions the agency has started."),
]  # fmt: skip

PARTICIPANTS = {
    Activity.Kind.DATA_REQUEST: "Records unit commander; provider project lead; data analyst",
    Activity.Kind.SITE_VISIT: "Command staff, union representatives; provider project lead; two SMEs",
    Activity.Kind.FOCUS_GROUP: "Patrol officers and first-line supervisors (three groups); two SMEs",
    Activity.Kind.LISTENING_SESSION: "Residents, faith and neighborhood leaders; liaison; provider team",
    Activity.Kind.DATA_ANALYSIS: "Data analyst; SME; records unit for questions",
}

# Which seed site goes quiet (no contact with the agency for weeks) so the silence flag shows.
QUIET_SITE = "Philadelphia Police Department"


def pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica text), enough for the demo's documents."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = [f"BT /F1 16 Tf 72 720 Td ({text(title)}) Tj ET"]
    ops += [f"BT /F1 11 Tf 72 {690 - 16 * i} Td ({text(line)}) Tj ET" for i, line in enumerate(lines)]
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def data_request_csv(site: Site) -> bytes:
    rows = [
        "item,years,format,status",
        "Use-of-force reports,2019-2024,CSV export,received",
        "Calls for service,2019-2024,CSV export,received",
        "Policies and general orders,current,PDF,received",
        "Training curricula,2022-2024,PDF,outstanding",
        f"Personnel roster ({site.agency.name}),current,XLSX,outstanding",
    ]
    return ("\n".join(rows) + "\n").encode()


def load(staff: User) -> int:
    """Fill delivery on every site with an approved plan and no communications yet; returns how many."""
    filled = 0
    for site in Site.objects.select_related("agency", "provider").order_by("pk"):
        plan = plans.approved(site)
        if plan is None or site.communications.exists():
            continue
        with transaction.atomic():
            _fill(site, plan, staff)
        filled += 1
    return filled


# What a recent check-in with the agency was about, by where the site stands.
CHECK_INS = {
    Site.Status.WORK_PLAN: "Scoping call with the chief: the questions the work plan should answer.",
    Site.Status.AGENCY_REVIEW: "Call with the chief about the draft work plan and the agency's questions on it.",
    Site.Status.DELIVERY: "Call with the liaison: dates for the next session and who will attend.",
    Site.Status.IMPLEMENTATION: "Implementation check-in with the liaison: evidence gathered for the next "
    "progress report.",
}


def keep_in_touch(staff: User) -> int:
    """Every active site but the quiet one had a recent exchange with its agency, as a program that keeps in
    touch does, so the silence flag marks the one site that is silent (run after the chronology, which dates
    the sites). Idempotent: a site already in touch is left alone. Returns how many were logged."""
    today, logged = timezone.localdate(), 0
    limits = thresholds()
    for site in (
        Site.objects.exclude(status__in=QUIET_STATUSES).exclude(agency__name=QUIET_SITE).order_by("pk")
    ):
        limit = limits.get(site.program, DEFAULT_SILENCE_DAYS)
        if days_since_last_contact(site, today) <= limit:
            continue
        on = max(today - timedelta(days=max(1, limit // 3)), timezone.localdate(site.created_at))
        summary = CHECK_INS.get(site.status, CHECK_INS[Site.Status.DELIVERY])
        chief = site.agency.chief_executive_name or "the chief"
        lead = _team_member(site, staff)
        lead = lead if lead.has_perm("delivery.log_communication", site) else staff
        log_communication(site, lead, Communication(
            occurred_on=on, kind="call", with_agency=True, participants=f"{chief}; the liaison; {lead}",
            summary=summary))  # fmt: skip
        logged += 1
    return logged


def _team_member(site: Site, staff: User) -> User:
    """Who logs the work: the provider's staff on the site, else the program manager."""
    provider = User.objects.filter(organization=site.provider_id, role=Role.PROVIDER_STAFF, is_active=True)
    return provider.first() if site.provider_id and provider.exists() else staff


def _agency_user(site: Site) -> User | None:
    users = User.objects.filter(organization=site.agency_id, role__in=AGENCY_ROLES, is_active=True)
    return users.order_by("-role").first()  # the liaison when there is one


def _fill(site: Site, plan: WorkPlan, staff: User) -> None:
    today = timezone.localdate()
    closed = site.status == Site.Status.CLOSED
    end = site.closed_on or today
    if site.agency.name == QUIET_SITE:
        end = today - timedelta(days=19)
    elif not closed:
        end = today - timedelta(days=2)
    start = min(_plan_start(plan), end - timedelta(days=60))  # at least two months of exchanges
    lead = _team_member(site, staff)
    _communications(site, lead, staff, start, end, closed)
    _activities(site, plan, lead, today, closed)
    _documents(site, lead, staff, closed)
    _milestones(site, plan, lead, today, closed)


def _plan_start(plan: WorkPlan) -> date:
    first = plan.activities.exclude(starts_on=None).order_by("starts_on").first()
    return first.starts_on if first else timezone.localdate(plan.approved_at)


def _communications(site: Site, lead: User, staff: User, start: date, end: date, closed: bool) -> None:
    step = max(7, (end - start).days // 14 or 7)
    chief = site.agency.chief_executive_name or "the chief"
    day, index = start, 0
    while day < end:
        kind, with_agency, summary = EXCHANGES[index % len(EXCHANGES)]
        people = f"{chief}; the liaison; {lead}" if with_agency else f"{lead}; {staff}; SMEs on the team"
        log_communication(
            site, lead if index % 3 else staff,
            Communication(occurred_on=day, kind=kind, with_agency=with_agency, participants=people, summary=summary),
            backfill=closed,
        )  # fmt: skip
        day += timedelta(days=step)
        index += 1
    closing = (
        "Close-out call with the chief: the report is out" if closed else "Call with the liaison: next steps"
    )
    log_communication(
        site, lead,
        Communication(occurred_on=end, kind="call", with_agency=True, participants=f"{chief}; {lead}",
                      summary=f"{closing}."),
        backfill=closed,
    )  # fmt: skip


def _activities(site: Site, plan: WorkPlan, lead: User, today: date, closed: bool) -> None:
    for activity in plan.activities.exclude(starts_on=None).filter(starts_on__lte=today):
        done_on = min(activity.ends_on or activity.starts_on, today)
        log_activity(
            site, lead,
            ActivityDone(plan_activity=activity, done_on=done_on,
                         participants=PARTICIPANTS.get(activity.kind, "The provider team and agency staff"),
                         notes=f"Done as planned: {activity.title.lower()}."),
            backfill=closed,
        )  # fmt: skip


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _documents(site: Site, lead: User, staff: User, closed: bool) -> None:
    agency = site.agency.name
    documents.add_document(
        site, lead,
        Document(title="Data and document request", kind=Document.Kind.DATA,
                 visibility=Document.Visibility.TEAM_AND_AGENCY,
                 description="What the team asked the agency for, and what has arrived."),
        _upload("data-request.csv", data_request_csv(site)), backfill=closed,
    )  # fmt: skip
    uploader = _agency_user(site) or staff
    documents.add_document(
        site, uploader,
        Document(title="Current use-of-force and pursuit policies", kind=Document.Kind.POLICY,
                 visibility=Document.Visibility.TEAM_AND_AGENCY,
                 description="General orders in force when the review began, as provided by the agency."),
        _upload("general-orders.pdf", pdf(f"{agency}: general orders", [
            "General Order 2.01: Response to resistance", "General Order 2.14: Vehicle pursuits",
            "General Order 3.05: Body-worn cameras", "Provided to the review team by the agency.",
        ])), backfill=closed,
    )  # fmt: skip
    notes = documents.add_document(
        site, lead,
        Document(title="Site visit notes", kind=Document.Kind.MEETING_NOTES, visibility=Document.Visibility.TEAM,
                 description="The team's notes from interviews; not shared with the agency."),
        _upload("site-visit-notes.pdf", pdf("Site visit notes (day 1)", [
            "Command staff interviews: 6", "Training academy: curriculum walk-through",
            "Themes: supervision of force reporting; data entry backlog",
        ])), backfill=closed,
    )  # fmt: skip
    documents.add_version(
        notes.document, lead,
        _upload("site-visit-notes-v2.pdf", pdf("Site visit notes (days 1 and 2)", [
            "Command staff interviews: 6; union representatives: 2", "Training academy: curriculum walk-through",
            "Ride-alongs: two shifts", "Themes: supervision of force reporting; data entry backlog",
        ])), note="Added the second day's interviews and ride-alongs", backfill=closed,
    )  # fmt: skip


def _milestones(site: Site, plan: WorkPlan, lead: User, today: date, closed: bool) -> None:
    """Past-due deliverables: done a few days early, one done late; the quiet site leaves its latest one late."""
    past = list(plan.deliverables.filter(due_on__lt=today).order_by("due_on"))
    for index, deliverable in enumerate(past):
        if site.agency.name == QUIET_SITE and index == len(past) - 1:
            continue
        late = index == 1
        done_on = deliverable.due_on + timedelta(days=5 if late else -3)
        milestones.mark_done(
            site, deliverable, lead, min(done_on, today),
            "Delivered after the agency asked for more time to comment" if late else "Delivered to the agency",
            backfill=closed,
        )  # fmt: skip
