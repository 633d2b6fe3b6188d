"""A site at each stage, built through the real operations."""

import datetime

import pytest

from continuum.sites.models import Site
from continuum.workplans import plans
from continuum.workplans.models import Activity, Assignment, Deliverable, Objective


@pytest.fixture
def site(orgs):
    """Agency A's Critical Response site, assigned to provider A, with no plan yet."""
    return Site.objects.create(
        agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Columbus use of force review", description="Asked for a review.",
    )  # fmt: skip


def draft_plan(site, author, sme=None):
    plan = plans.open_draft(site, author)
    plans.add_item(plan, author, Objective(text="Assess use-of-force policy and training."))
    plans.add_item(
        plan,
        author,
        Activity(
            kind="site_visit",
            title="First site visit",
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2026, 12, 3),
        ),
    )
    plans.add_item(plan, author, Deliverable(title="Final report", due_on=datetime.date(2027, 6, 30)))
    if sme is not None:
        plans.add_item(plan, author, Assignment(user=sme, role="sme"))
    return plan


@pytest.fixture
def approved_site(site, users):
    plan = draft_plan(site, users["provider_a"], sme=users["sme_a"])
    plans.send_for_review(plan, users["provider_a"])
    plans.approve(plan, users["executive_a"], "Approved")
    site.refresh_from_db()
    return site


def published_report(site, author):
    """The site's report, published (the site's own publish step requires one)."""
    from django.utils import timezone

    from continuum.reports.models import Report

    return Report.objects.create(site=site, title=f"Final report: {site.title}", created_by=author,
                                 status="published", published_at=timezone.now())  # fmt: skip
