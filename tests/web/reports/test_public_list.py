"""The public list: only published reports, searchable, filtered by agency, state, topic, program and year."""

import datetime

import pytest
from django.utils import timezone

from continuum.catalog.models import Topic
from continuum.reports import editing
from continuum.reports.models import Report
from continuum.sites.models import Site

from .conftest import fill, publish


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


def _titles(client, **params):
    response = client.get("/reports/", params)
    assert response.status_code == 200
    return [r.title for r in response.context["reports"]]


def test_only_published_reports_are_listed(client, catalogue):
    assert _titles(client) == ["Columbus use of force review", "Fargo patrol staffing study"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "staffing"}, ["Fargo patrol staffing study"]),
        ({"q": "de-escalation"}, ["Columbus use of force review", "Fargo patrol staffing study"]),
        ({"q": "unpublished"}, []),
        ({"agency": "columbus"}, ["Columbus use of force review"]),
        ({"state": "ND"}, ["Fargo patrol staffing study"]),
        ({"topic": "use-of-force"}, ["Columbus use of force review"]),
        ({"topic": "staffing"}, ["Fargo patrol staffing study"]),
        ({"program": "cri_tac"}, ["Fargo patrol staffing study"]),
        ({"program": "critical_response", "state": "OH"}, ["Columbus use of force review"]),
        ({"year": "2024"}, ["Fargo patrol staffing study"]),
    ],
)
def test_filters(client, catalogue, params, expected):
    assert _titles(client, **params) == expected


def test_htmx_answers_with_the_results_only(client, catalogue):
    response = client.get("/reports/", {"state": "OH"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="report-results"' in body and "<html" not in body
    assert "Columbus use of force review" in body


def test_nav_has_reports(client, db):
    assert 'href="/reports/"' in client.get("/").content.decode()
