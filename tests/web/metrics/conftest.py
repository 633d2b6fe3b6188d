"""A small program with known dates, so every figure can be computed by hand (see `program`)."""

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.utils import timezone

from continuum.agencies.models import Agency
from continuum.critac.models import Delivery
from continuum.delivery.models import ActivityDone
from continuum.feedback.models import Invitation, Response, Survey
from continuum.intake.models import Request
from continuum.sites.models import Site
from continuum.workplans.models import WorkPlan
from tests.web.critac import factories

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
EVIL_TOPIC = '=HYPERLINK("http://evil.example")'
MARKUP_TOPIC = "Use <b>bold</b> tactics"


def at(day: str) -> datetime.datetime:
    """Noon, local time, on an ISO date: the local date stays the same whatever the time zone."""
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(12)))


@dataclass
class Spec:
    agency: str
    wanted: str
    submitted: str
    status: str = "submitted"
    decided: str | None = None
    site_program: str | None = None
    site_status: str = "work_plan"
    plan: str | None = None
    activity: tuple[str, ...] = ()
    delivery: str | None = None
    report: str | None = None
    topics: tuple[str, ...] = ()


SPECS = {
    "r1": Spec("a", "cri_tac", "2026-01-10", "accepted", "2026-01-15", "cri_tac", delivery="2026-02-09",
               topics=("De-escalation", "Use of force")),
    "r2": Spec("b", "critical_response", "2026-01-20", "accepted", "2026-02-03", "critical_response", "published",
               plan="2026-03-01", activity=("2026-03-21", "2026-04-01"), report="2026-06-18", topics=("Use of force",)),
    "r3": Spec("c", "cri_tac", "2026-02-05", "declined", "2026-02-07", topics=("Rural policing",)),
    "r4": Spec("d", "cri_tac", "2026-03-01", "accepted", "2026-03-21", "cri_tac", activity=("2026-04-05",),
               delivery="2026-04-10", topics=("De-escalation",)),
    "r5": Spec("a", "not_sure", "2026-03-01", "referred", "2026-03-11"),
    "r6": Spec("b", "cri_tac", "2026-04-15", topics=("Officer safety and wellness",)),
    "r7": Spec("c", "cri_tac", "2026-05-02", "withdrawn", "2026-05-04"),
    "r8": Spec("a", "cri_tac", "2025-12-20", "accepted", "2026-01-02", "cri_tac"),
    "r9": Spec("c", "cri_tac", "2026-06-01", "accepted", "2026-06-05", "cri_tac",
               topics=("Rural policing", EVIL_TOPIC, MARKUP_TOPIC)),
}  # fmt: skip


def build(spec: Spec, agency: Agency, staff, provider) -> Request:
    site = None
    if spec.site_program:
        site = factories.engagement(agency, provider, program=spec.site_program, status=spec.site_status)
        Site.objects.filter(pk=site.pk).update(created_at=at(spec.decided))
        if spec.plan:
            WorkPlan.objects.create(site=site, version=1, status="approved", created_by=staff, approved_by=staff,
                                    approved_at=at(spec.plan))  # fmt: skip
        for day in spec.activity:
            ActivityDone.objects.create(
                site=site, title="Site visit", done_on=day, participants="Team", logged_by=staff
            )
        if spec.delivery:
            Delivery.objects.create(site=site, title="Training", delivery_type=factories.delivery_type("Policy review"),
                                    format="virtual", starts_on=spec.delivery, ends_on=spec.delivery, attendees=4,
                                    recorded_by=staff)  # fmt: skip
        if spec.report and apps.is_installed("continuum.reports"):
            from continuum.reports.models import Report

            Report.objects.create(site=site, title="Report", created_by=staff, status="published",
                                  published_at=at(spec.report))  # fmt: skip
    request = factories.make_request(agency, spec.topics, program=spec.wanted, status=spec.status, site=site,
                                     referred_to="cri_tac" if spec.status == "referred" else "")  # fmt: skip
    Request.objects.filter(pk=request.pk).update(
        submitted_at=at(spec.submitted), decided_at=at(spec.decided) if spec.decided else None
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def program(orgs, users):
    """The nine requests of SPECS, agencies a to d (c small and tribal, d of unknown size), and two surveys."""
    agencies = {
        "a": orgs["agency_a"], "b": orgs["agency_b"],
        "c": Agency.objects.create(name="Pine Ridge DPS", agency_type="tribal", state="SD", sworn_officers=30),
        "d": Agency.objects.create(name="Logan Campus Police", agency_type="campus", state="UT"),
    }  # fmt: skip
    provider = orgs["provider_a"]
    made = {key: build(spec, agencies[spec.agency], users["staff"], provider) for key, spec in SPECS.items()}
    for key, answers in [
        ("r1", [(5, 4), None]),
        ("r2", [(3, 3)]),
    ]:
        survey = Survey.objects.create(
            site=made[key].site, occasion="delivery", subject="S", sent_by=users["staff"]
        )
        Survey.objects.filter(pk=survey.pk).update(sent_at=at("2026-05-01"))
        for i, answer in enumerate(answers):
            invitation = Invitation.objects.create(survey=survey, role="participant", email=f"{key}-{i}@x.gov",
                                                   token_hash=f"{key}-{i}")  # fmt: skip
            if answer:
                Response.objects.create(invitation=invitation, satisfaction=answer[0], usefulness=answer[1])
    return made
