"""A Critical Response site with a report drafted through the real operations."""

import datetime

import pytest
from django.utils import timezone

from continuum.catalog.models import Topic
from continuum.reports import editing, transitions
from continuum.reports.models import Finding, Footnote, Recommendation, Report
from continuum.sites.models import Site, SiteMember
from tests.web.sites.conftest import site as planned_site  # noqa: F401  (the fixture the one below builds on)

RESULT = {
    "analysis": "veil-of-darkness",
    "estimates": {
        "is_dark": {"coef": 0.08, "se": 0.03, "odds_ratio": 1.083, "odds_ratio_ci95": [1.02, 1.15]},
        "n_groups": 212,
        "converged": True,
    },
    "n_input": 48210,
    "n_used": 40112,
    "n_excluded": {"total": 8098, "reasons": {"missing race": 8098}},
    "params": {"lat": 39.77, "lng": -86.16},
    "input_sha256": "ab" * 32,
    "engine_version": "0.1.0",
    "run_on": "2026-11-20",
}


# The same result with its estimates but no interval: embedded, it is a table and no chart.
TABLE_ONLY = {
    **RESULT,
    "estimates": {"is_dark": {"coef": 0.08, "se": 0.03}, "n_groups": 212, "converged": True},
}


def fill(report, author, result=RESULT):
    """Two findings, three recommendations, a note, an embedded result: enough to review and publish."""
    report.executive_summary = "The department asked for a review of its use of force.[^policy]"
    report.background = "Background on the department."
    report.methodology = (
        "The team reviewed **documents**, interviewed personnel at every level and analyzed data."
    )
    report.conclusion = "The department has made progress."
    editing.save_report(report, author)
    one = editing.add_part(
        report,
        author,
        Finding(
            report=report,
            title="Use-of-force policy lacks a de-escalation requirement.",
            body="Policy 1.3 does not require de-escalation.",
        ),
        "finding",
    )
    two = editing.add_part(
        report,
        author,
        Finding(
            report=report,
            title="Supervisors rarely review force reports on time.",
            body="Reviews took 41 days on average.",
        ),
        "finding",
    )
    topic = Topic.objects.get(name="Use of force")
    for finding, text, party in [
        (one, "Revise the policy to require de-escalation when feasible.", "The chief of police"),
        (one, "Train every officer on the revised policy within a year.", "The training academy"),
        (
            two,
            "Require supervisory review of each force report within 72 hours.",
            "Patrol division commanders",
        ),
    ]:
        rec = editing.add_part(
            report,
            author,
            Recommendation(finding=finding, text=text, responsible_party=party, priority="high"),
            "recommendation",
        )
        editing.set_topics(report, author, rec, [topic])
    editing.add_part(
        report, author, Footnote(report=report, key="policy", text="Policy 1.3, revised 2019."), "footnote"
    )
    editing.embed_result(report, author, result, title="Veil of darkness test", finding=two)
    return report


@pytest.fixture
def site(planned_site):  # noqa: F811
    """The site in delivery, as the agency's approval of its plan leaves it: reports start from there."""
    planned_site.status = "delivery"
    planned_site.save(update_fields=["status"])
    return planned_site


@pytest.fixture
def report(site, users):
    """A report of a publicly listed site (a site kept off the list keeps its report off it too)."""
    return listed_report(site, users, RESULT)


def listed_report(site, users, result):
    site.is_public = True
    site.save(update_fields=["is_public"])
    SiteMember.objects.get_or_create(site=site, user=users["sme_a"], defaults={"role": "sme"})
    made = editing.create_report(site, users["provider_a"], title="Columbus use of force review")
    return fill(made, users["provider_a"], result)


def publish(report, users):
    """Walk a report through the whole review to publication."""
    chief = next(
        users[k] for k in ("executive_a", "executive_b") if users[k].organization_id == report.site.agency_id
    )
    report = transitions.submit(report, report.created_by)
    report = transitions.send_to_agency(report, users["reviewer"])
    report = transitions.close_factual_review(report, chief, "Checked.")
    report = transitions.approve(report, users["reviewer"])
    return transitions.publish(report, users["reviewer"])


@pytest.fixture
def report_without_chart(site, users):
    """The report above with its exhibit a table alone, for the tests of the review steps (each such module
    overrides `report` with this one): they copy, return and publish exhibits but never look at a chart, and
    drawing one (vl-convert starting in each new process) took most of each run of these tests in mutation
    testing."""
    return listed_report(site, users, TABLE_ONLY)


@pytest.fixture
def published(report, users):
    return publish(report, users)


DATE = datetime.date(2026, 11, 20)


@pytest.fixture
def catalogue(report, users, orgs):
    """Columbus (OH, Critical Response, 2026, use of force), Fargo (ND, CRI-TAC, 2024, staffing), and an
    unpublished draft that must never show."""
    columbus = publish(report, users)
    fargo_site = Site.objects.create(
        agency=orgs["agency_b"],
        program="cri_tac",
        ta_type="technical_assistance",
        provider=orgs["provider_a"],
        title="Fargo staffing",
        description="x",
        is_public=True,
        status="delivery",
    )
    fargo_site.topics.add(Topic.objects.get(name="Staffing"))
    fargo = editing.create_report(fargo_site, users["staff"], title="Fargo patrol staffing study")
    fill(fargo, users["staff"])
    for rec in fargo.findings.first().recommendations.all():
        editing.set_topics(fargo, users["staff"], rec, [])
    for rec in fargo.findings.last().recommendations.all():
        editing.set_topics(fargo, users["staff"], rec, [])
    fargo = publish(fargo, users)
    Report.objects.filter(pk=fargo.pk).update(published_at=timezone.make_aware(datetime.datetime(2024, 5, 1)))
    draft_site = Site.objects.create(
        agency=orgs["agency_a"],
        program="critical_response",
        ta_type="after_action_review",
        title="Draft",
        description="x",
        status="delivery",
    )
    editing.create_report(draft_site, users["staff"], title="Unpublished draft about use of force")
    return columbus, fargo
