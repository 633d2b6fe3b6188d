"""The six seed sites as the program pages describe them: public summaries, plans, teams, at different stages.

Fargo and Indianapolis are closed (their reports are out; `finish` closes them once the reports are published
and the sites have followed); Columbus is in delivery with a second plan version being drafted; Philadelphia is
drafting its report; Cleveland's plan is with the agency; Boston is planning. All of them, and Spokane's
assessment, were announced by the program (`announce`), so all are listed publicly, Boston too.
"""

from datetime import timedelta

from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.reports import editing
from continuum.sites import transitions
from continuum.sites.models import Site
from continuum.workflow import take
from continuum.workplans import plans
from continuum.workplans.models import Activity, Assignment, Deliverable, Objective

from .chronology import day

SUMMARIES = {
    "Columbus (OH) Division of Police": (
        "The COPS Office in conjunction with the National Policing Institute is conducting an issue-specific "
        "review of the Columbus Division of Police's use of force. The intent of the review is to assess the "
        "division's use-of-force policies, training, supervision and reporting, analyze its use-of-force data, "
        "and recommend ways to reduce force and strengthen accountability and community trust."
    ),
    "Philadelphia Police Department": (
        "The COPS Office in conjunction with Jensen Hughes is providing technical assistance to the Philadelphia "
        "Police Department on police vehicle crashes. The intent of the review is to identify the causes of crashes "
        "involving department vehicles and recommend policy, training and supervision changes that prevent them."
    ),
    "Cleveland (OH) Division of Police": (
        "The COPS Office in conjunction with the National Policing Institute is providing technical assistance to "
        "the Cleveland Division of Police on community engagement, problem-oriented policing, and recruitment and "
        "hiring. The intent of the assistance is to help the division build lasting partnerships with residents "
        "and a workforce that reflects the city."
    ),
    "Fargo (ND) Police Department": (
        "The COPS Office in conjunction with Jensen Hughes conducted an after-action review of the Fargo Police "
        "Department's response to the July 14, 2023 ambush of its officers. The intent of the review was to "
        "document what happened, identify lessons learned and promising practices, and share them with the field."
    ),
    "Indianapolis Metropolitan Police Department": (
        "The COPS Office in conjunction with the National Policing Institute conducted an issue-specific review of "
        "officer-involved shootings by the Indianapolis Metropolitan Police Department. The intent of the review "
        "was to analyze shooting incidents over several years and recommend changes to policy, training and "
        "investigations."
    ),
    "Boston Police Department": (
        "The COPS Office in conjunction with Jensen Hughes is providing technical assistance to the Boston Police "
        "Department on human resources. The intent of the assistance is to review how the department hires, "
        "promotes, assigns and disciplines personnel."
    ),
}

# What each review examines and why, as the public list shows it beside the announcement.
INTENTS = {
    "Columbus (OH) Division of Police": "To assess use-of-force policy, training, supervision and reporting, analyze "
    "force data, and recommend ways to reduce force and strengthen accountability.",
    "Philadelphia Police Department": "To identify the causes of crashes involving department vehicles and "
    "recommend policy, training and supervision changes that prevent them.",
    "Cleveland (OH) Division of Police": "To help the division build lasting partnerships with residents and a "
    "workforce that reflects the city.",
    "Fargo (ND) Police Department": "To document the response to the July 14, 2023 ambush, and share lessons "
    "learned and promising practices with the field.",
    "Indianapolis Metropolitan Police Department": "To analyze officer-involved shootings and the use of deadly "
    "force over several years and recommend changes to policy, training and investigations.",
    "Boston Police Department": "To review how the department hires, promotes, assigns and disciplines personnel.",
    "Spokane (WA) Police Department": "To review the department's policies, practices and community relations, "
    "recommend improvements and follow their implementation.",
}

# Where each seed site stands; "public" marks those the program lists.
STAGES = {
    "Columbus (OH) Division of Police": ("delivery", True),
    "Philadelphia Police Department": ("report_drafting", True),
    "Cleveland (OH) Division of Police": ("agency_review", True),
    "Fargo (ND) Police Department": ("closed", True),
    "Indianapolis Metropolitan Police Department": ("closed", True),
    "Boston Police Department": ("work_plan", True),
}
ORDER = ["work_plan", "agency_review", "delivery", "report_drafting", "report_review", "published", "closed"]
REPORT_TITLES = {"Philadelphia Police Department": "Police Vehicle Crashes in Philadelphia: Findings and "
                 "Recommendations"}  # fmt: skip


def finish(staff: User) -> None:
    """After the demo reports are published (the sites followed them): close those whose stage says so."""
    for site in Site.objects.filter(agency__name__in=STAGES, status=Site.Status.PUBLISHED):
        if STAGES[site.agency.name][0] == "closed":
            take(transitions.LIFECYCLE, "close", site, staff, reason="Engagement complete",
                 message="The final report is published. Critical Response has no post-report monitoring; "
                 "the program remains available for further assistance.")  # fmt: skip


def announce(staff: User) -> None:
    """Announce every named site the program lists, through the site's own step, on the date its chronology
    gives, with the press-release text and the chief's consent on record."""
    for site in Site.objects.filter(agency__name__in=INTENTS, announced_on__isnull=True).select_related(
        "agency"
    ):
        if site.agency.name in STAGES and not STAGES[site.agency.name][1]:
            continue
        chief = site.agency.chief_executive_name or "the chief executive"
        take(transitions.LIFECYCLE, "announce", site, staff, announced_on=day(site.agency.name, "announced"),
             announcement=site.public_summary, intent=INTENTS[site.agency.name],
             agency_consent=f"{chief} agreed to the announcement in writing before the press release.")  # fmt: skip


def _chief(site: Site) -> User:
    """The agency's chief executive account (the demo prints only Columbus's; the others exist to approve)."""
    agency = site.agency
    existing = User.objects.filter(organization=agency, role=Role.AGENCY_EXECUTIVE).first()
    if existing is not None:
        return existing
    first, _, last = (agency.chief_executive_name or "Chief Executive").partition(" ")
    user = User(email=f"chief@{agency.ori.lower()}.example.gov", first_name=first, last_name=last or "Chief",
                role=Role.AGENCY_EXECUTIVE, organization=agency, job_title=agency.chief_executive_title)  # fmt: skip
    user.set_unusable_password()
    user.save()
    return user


def _draft(site: Site, staff: User, sme: User, provider_user: User | None, start) -> None:
    plan = plans.open_draft(site, staff)
    topic = ", ".join(t.name.lower() for t in site.topics.all())
    for text in [
        f"Understand the department's current policies, training and practice on {topic}.",
        "Hear from officers, supervisors, command staff, municipal officials and community members.",
        "Deliver findings and actionable recommendations in a public report.",
    ]:
        plans.add_item(plan, staff, Objective(text=text))
    activities = [
        (Activity.Kind.DATA_REQUEST, "Request policies, training curricula and five years of data", 0, 14),
        (Activity.Kind.SITE_VISIT, "First site visit: interviews with command staff and unions", 30, 33),
        (Activity.Kind.FOCUS_GROUP, "Focus groups with patrol officers and supervisors", 31, 32),
        (Activity.Kind.LISTENING_SESSION, "Community listening sessions", 45, 45),
        (Activity.Kind.DATA_ANALYSIS, "Analysis of the department's data", 40, 90),
    ]
    for kind, title, begin, end in activities:
        plans.add_item(plan, staff, Activity(kind=kind, title=title, starts_on=start + timedelta(days=begin),
                                             ends_on=start + timedelta(days=end), owner=provider_user or staff))  # fmt: skip
    for title, due in [("Document and data review memo", 45), ("Preliminary findings briefing", 120),
                       ("Draft report for the agency's factual-accuracy review", 180), ("Final public report", 240)]:  # fmt: skip
        plans.add_item(plan, staff, Deliverable(title=title, due_on=start + timedelta(days=due),
                                                owner=provider_user or staff))  # fmt: skip
    plans.add_item(plan, staff, Assignment(user=staff, role="program_manager"))
    if provider_user is not None:
        plans.add_item(plan, staff, Assignment(user=provider_user, role="project_lead"))
    plans.add_item(plan, staff, Assignment(user=sme, role="sme"))


def _provider_user(site: Site) -> User | None:
    return User.objects.filter(organization=site.provider_id, role=Role.PROVIDER_STAFF).first()


def load(staff: User) -> None:
    sme = User.objects.get(email="sme@jensenhughes.example.com")
    for site in Site.objects.filter(agency__name__in=STAGES).select_related("agency"):
        if site.plans.exists():
            continue  # already built; the demo is idempotent
        stage, public = STAGES[site.agency.name]
        site.public_summary = SUMMARIES[site.agency.name]
        site.is_public = public
        site.save()
        target = ORDER.index(stage)
        provider_user = _provider_user(site)
        _draft(site, staff, sme, provider_user, start=day(site.agency.name, "approved"))
        plan = plans.latest(site)
        if target >= ORDER.index("agency_review"):
            plans.comment(plan, _chief(site), "Please add a session with our civilian oversight board.", "")
            plans.send_for_review(plan, staff, "First version for the chief's review")
        if target >= ORDER.index("delivery"):
            plans.approve(plan, _chief(site), "Approved as discussed with the team.")
        if site.agency.name in REPORT_TITLES:
            editing.create_report(site, staff, title=REPORT_TITLES[site.agency.name])
        if site.agency.name == "Columbus (OH) Division of Police":
            # A second version in drafting, so the demo shows versions and their differences.
            draft = plans.open_draft(site, staff)
            plans.add_item(draft, staff, Activity(kind=Activity.Kind.PEER_EXCHANGE,
                                                  title="Peer exchange with a department that cut force",
                                                  starts_on=timezone.localdate() + timedelta(days=20)))  # fmt: skip
