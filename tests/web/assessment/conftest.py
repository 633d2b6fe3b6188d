"""An Organizational Assessment site with a published assessment report: 3 findings, 5 recommendations."""

import pytest
from django.utils import timezone

from continuum.catalog.models import Topic
from continuum.reports.models import Finding, Recommendation, Report
from continuum.sites.models import Site


@pytest.fixture
def oa_site(orgs, users):
    site = Site.objects.create(
        agency=orgs["agency_a"], program="organizational_assessment", ta_type="technical_assistance",
        provider=orgs["provider_a"], title="Columbus organizational assessment", description="x", is_public=True,
        public_summary="The intent of the assessment is …", status="published",
    )  # fmt: skip
    report = Report.objects.create(site=site, title="An Assessment of the Columbus Division of Police",
                                   created_by=users["staff"])  # fmt: skip
    force, hiring = Topic.objects.get(name="Use of force"), Topic.objects.get(name="Recruitment and hiring")
    for f, (finding, recs) in enumerate([
        ("Use-of-force reporting is incomplete.", [("Require a report for every use of force.", force, "high"),
                                                   ("Audit reports quarterly.", force, "medium")]),
        ("Hiring takes too long.", [("Shorten the background check.", hiring, "medium")]),
        ("Supervisors are not trained to review force.", [("Train every sergeant.", force, "high"),
                                                          ("=HYPERLINK(\"x\") track training", None, "low")]),
    ], start=1):  # fmt: skip
        finding_obj = Finding.objects.create(report=report, title=finding, position=f)
        for r, (text, topic, priority) in enumerate(recs, start=1):
            rec = Recommendation.objects.create(finding=finding_obj, text=text, responsible_party="The chief",
                                                priority=priority, position=r)  # fmt: skip
            if topic:
                rec.topics.add(topic)
    report.status, report.published_at = "published", timezone.now()
    report.save()
    return site


@pytest.fixture
def cr_site(orgs):
    """A Critical Response site, for contrast: it has no implementation tracking."""
    return Site.objects.create(agency=orgs["agency_b"], program="critical_response", ta_type="technical_assistance",
                               title="Fargo review", description="x")  # fmt: skip
