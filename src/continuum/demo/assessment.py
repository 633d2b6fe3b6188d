"""An Organizational Assessment in its implementation phase: Spokane's assessment report with 45
recommendations, statuses verified over a year, and two published progress reports."""

import datetime

from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.agencies.models import Agency, ProviderOrganization
from continuum.assessment import progress, tracking
from continuum.assessment.models import Implementation
from continuum.audit.log import record
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Topic
from continuum.reports.models import Finding, Recommendation, Report
from continuum.sites.models import Site

AGENCY = {
    "name": "Spokane (WA) Police Department", "agency_type": "local", "city": "Spokane", "state": "WA",
    "ori": "WASPD0000", "sworn_officers": 310, "population_served": 229000,
    "chief_executive_name": "Kevin Hall", "chief_executive_title": "Chief of Police",
}  # fmt: skip

FINDINGS = [
    ("Use of force", "Use-of-force policy does not define reportable force clearly.",
     ["Define every level of reportable force in policy", "Require a supervisor's review of every force report",
      "Publish annual use-of-force statistics", "Track force by officer in the early intervention system",
      "Train all officers on the revised policy"]),
    ("De-escalation", "De-escalation is taught but not reinforced in the field.",
     ["Add scenario-based de-escalation training each year", "Recognize de-escalation in performance reviews",
      "Review body-worn camera footage for de-escalation", "Adopt a critical-decision-making model",
      "Include de-escalation in field training"]),
    ("Accountability and discipline", "Internal investigations take too long and are not tracked.",
     ["Set time limits for internal investigations", "Adopt a case-management system for complaints",
      "Publish a discipline matrix", "Report complaint outcomes to complainants", "Audit closed cases yearly"]),
    ("Community engagement", "The community has few ways to shape policing priorities.",
     ["Create a community advisory board", "Hold quarterly district meetings", "Publish a community survey",
      "Assign officers to neighborhood beats for at least two years", "Report on engagement activities"]),
    ("Body-worn cameras", "Camera activation rules are inconsistent.",
     ["Define mandatory activation events", "Audit activation compliance monthly",
      "Set a release policy for critical-incident video", "Train supervisors on camera review",
      "Budget for camera storage"]),
    ("Recruitment and hiring", "The department does not reflect the community it serves.",
     ["Set recruitment goals by demographic group", "Shorten time from application to offer",
      "Partner with local colleges", "Mentor new recruits", "Track attrition by group"]),
    ("Early intervention", "There is no early intervention system.",
     ["Adopt an early intervention system", "Set indicators and thresholds", "Train supervisors on interventions",
      "Review the system's results yearly", "Protect the system from disciplinary use"]),
    ("Officer safety and wellness", "Wellness resources are underused.",
     ["Create a peer-support team", "Offer annual wellness checks", "Train supervisors to recognize stress",
      "Fund confidential counseling", "Review shift schedules for fatigue"]),
    ("Crisis response", "Calls involving people in crisis lack a coordinated response.",
     ["Co-respond with mental-health clinicians", "Train crisis intervention teams",
      "Track crisis calls and outcomes", "Build a referral network", "Review crisis-call policy"]),
]  # fmt: skip

# Statuses after the first six months, then after a year (by recommendation index, 0-based).
FIRST = {0: "complete", 1: "in_progress", 5: "in_progress", 10: "in_progress", 15: "complete", 20: "in_progress",
         25: "in_progress", 30: "in_progress", 35: "in_progress", 40: "in_progress", 11: "pending_labor"}  # fmt: skip
SECOND = {1: "complete", 2: "in_progress", 3: "partially_complete", 5: "complete", 6: "in_progress",
          10: "complete", 12: "outside_control", 16: "in_progress", 20: "complete", 21: "alternative",
          25: "complete", 26: "in_progress", 30: "partially_complete", 31: "in_progress", 35: "complete",
          36: "in_progress", 40: "complete", 41: "in_progress", 44: "not_applicable"}  # fmt: skip


def _site(staff: User) -> Site:
    agency, _ = Agency.objects.update_or_create(name=AGENCY["name"], defaults=AGENCY)
    provider = ProviderOrganization.objects.get(name="National Policing Institute")
    site, _ = Site.objects.get_or_create(
        agency=agency, program="organizational_assessment",
        defaults={
            "ta_type": "organizational_assessment", "provider": provider, "title": "Spokane Police Department: "
            "organizational assessment", "description": "A comprehensive assessment requested by the chief.",
            "public_summary": "The COPS Office in conjunction with the National Policing Institute conducted an "
            "organizational assessment of the Spokane Police Department. The intent of the assessment was to "
            "review the department's policies, practices and community relations and recommend improvements; "
            "progress reports follow the department's implementation.", "is_public": True, "status": "implementation",
            "started_on": timezone.localdate() - datetime.timedelta(days=720),
        },
    )  # fmt: skip
    if (
        site.ta_type != Site.TAType.ORGANIZATIONAL_ASSESSMENT or not site.topics.exists()
    ):  # an older demo's record
        Site.objects.filter(pk=site.pk).update(ta_type=Site.TAType.ORGANIZATIONAL_ASSESSMENT)
        site.topics.set(Topic.objects.filter(name__in=[topic for topic, _, _ in FINDINGS]))
    return site


def _report(site: Site, staff: User) -> Report:
    report = Report.objects.create(
        site=site, title="An Assessment of the Spokane Police Department", created_by=staff,
        executive_summary="The assessment examined use of force, accountability, community engagement, hiring "
        "and wellness, and makes 45 recommendations.",
        background="The chief of police asked the COPS Office for an organizational assessment after a series of "
        "use-of-force incidents and a city council resolution calling for reform.",
        methodology="The team reviewed policies, training curricula and five years of use-of-force, complaint and "
        "personnel data; interviewed personnel at every level, municipal officials and community stakeholders; "
        "held focus groups with officers and community listening sessions; and observed patrol on every shift.",
        conclusion="The department has the leadership and the will to carry these recommendations out; the "
        "progress reports that follow will show how far it has come.",
    )  # fmt: skip
    for position, (topic_name, finding_text, recommendations) in enumerate(FINDINGS, start=1):
        finding = Finding.objects.create(report=report, title=finding_text, position=position)
        topic = Topic.objects.filter(name=topic_name).first()
        for index, text in enumerate(recommendations, start=1):
            rec = Recommendation.objects.create(
                finding=finding, text=f"{text}.", responsible_party="The chief of police", position=index,
                priority="high" if index <= 2 else "medium",
            )  # fmt: skip
            if topic:
                rec.topics.add(topic)
    report.status, report.published_at, report.published_by = "published", timezone.now(), staff
    report.save()
    record(staff, report, AuditEvent.Action.TRANSITION, from_state="approved", to_state="published",
           reason="Assessment report published")  # fmt: skip
    return report


def _advance(site: Site, chief: User, assessor: User, statuses: dict[int, str], on: datetime.date) -> None:
    items = list(site.implementations.order_by("sort_key"))
    for index, status in statuses.items():
        item = items[index]
        if item.status == status:
            continue
        proposal = tracking.propose(item, chief, status=status, evidence_date=on,
                                    evidence=f"{item.recommendation.text} — documents and dates on file.")  # fmt: skip
        tracking.verify(proposal, assessor, accept=True, reason="Evidence reviewed on site")


def load(staff: User) -> None:
    site = _site(staff)
    if site.implementations.exists():
        return
    _report(site, staff)
    chief = User.objects.filter(organization=site.agency, role=Role.AGENCY_EXECUTIVE).first()
    if chief is None:
        chief = User(email="chief@waspd0000.example.gov", first_name="Kevin", last_name="Hall",
                     role=Role.AGENCY_EXECUTIVE, organization=site.agency, job_title="Chief of Police")  # fmt: skip
        chief.set_unusable_password()
        chief.save()
    tracking.import_recommendations(site, staff)
    today = timezone.localdate()
    first_as_of, second_as_of = today - datetime.timedelta(days=365), today - datetime.timedelta(days=180)
    _advance(site, chief, staff, FIRST, first_as_of)
    first = progress.draft(site, staff, as_of=first_as_of, narrative="Six months after the assessment, the "
                           "department has adopted a new use-of-force reporting policy and begun work on most "
                           "high-priority recommendations.")  # fmt: skip
    progress.publish(first, staff)
    _advance(site, chief, staff, SECOND, second_as_of)
    second = progress.draft(site, staff, as_of=second_as_of, narrative="A year on, the department has completed "
                            "a third of the recommendations; labor negotiations hold back the discipline matrix.")  # fmt: skip
    progress.publish(second, staff)
    # One proposal still awaiting verification, so the demo shows the assessor's queue.
    pending = Implementation.objects.filter(site=site, status="in_progress").order_by("sort_key").first()
    tracking.propose(pending, chief, status="complete", evidence_date=today,
                     evidence="Final training roster and the signed general order.")  # fmt: skip
