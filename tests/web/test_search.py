"""Search for signed-in users: every source scoped as its own list, on SQLite (word matching) and PostgreSQL
(full-text search, stemmed)."""

import pytest
from django.db import connection

from continuum.delivery.models import Document
from continuum.reports.models import Report
from continuum.search import query
from continuum.sites.models import Site
from tests.web.intake.conftest import make_request


@pytest.fixture
def world(orgs, users):
    site_a = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
                                 provider=orgs["provider_a"], title="Pursuit policy review",
                                 description="Vehicle pursuits and crashes")  # fmt: skip
    site_b = Site.objects.create(agency=orgs["agency_b"], program="critical_response", ta_type="issue_specific_review",
                                 provider=orgs["provider_b"], title="Pursuit training review",
                                 description="Vehicle pursuits and training")  # fmt: skip
    team_only = Document.objects.create(site=site_a, title="Pursuit data notes", created_by=users["staff"])
    shared = Document.objects.create(site=site_a, title="Pursuit policy draft", created_by=users["staff"],
                                     visibility=Document.Visibility.TEAM_AND_AGENCY)  # fmt: skip
    draft = Report.objects.create(
        site=site_a,
        title="Pursuits in Columbus",
        created_by=users["staff"],
        executive_summary="Pursuits ended in crashes.",
    )
    request_a = make_request(agency=orgs["agency_a"], what_happened="Two pursuits ended in crashes downtown.")
    request_b = make_request(
        agency=orgs["agency_b"], what_happened="A pursuit ended in a crash on the interstate."
    )
    return locals()


def _found(user, q):
    return {
        label: [text for text, _ in hits]
        for label, hits in ((g.label, g.hits) for g in query.search(user, q))
    }


def test_staff_find_everything_and_each_role_only_its_own(world, users):
    staff = _found(users["staff"], "pursuit")
    assert len(staff["Sites"]) == 2 and len(staff["Documents"]) == 2 and len(staff["Requests"]) == 2

    chief_a = _found(users["executive_a"], "pursuit")
    assert [t.split(" — ")[0] for t in chief_a["Sites"]] == ["Pursuit policy review"]
    assert [t.split(" — ")[0] for t in chief_a["Documents"]] == ["Pursuit policy draft"]  # shared only
    assert [t.split(" — ")[0] for t in chief_a["Requests"]] == [world["request_a"].tracking_number]
    assert chief_a["Reports"] == []  # a draft is the team's until the factual review

    provider_b = _found(users["provider_b"], "pursuit")
    assert [t.split(" — ")[0] for t in provider_b["Sites"]] == ["Pursuit training review"]
    assert provider_b["Documents"] == [] and provider_b["Agencies"] == []

    sme_a = _found(users["sme_a"], "pursuit")
    assert sme_a["Sites"] == []  # not on any team yet


def test_every_word_must_match(world, users):
    hits = _found(users["staff"], "pursuit training")
    assert [t.split(" — ")[0] for t in hits["Sites"]] == ["Pursuit training review"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text stemming: PostgreSQL (CI runs it)")
def test_postgresql_stems_words(world, users):
    hits = _found(users["staff"], "crashed")
    assert len(hits["Requests"]) == 2  # "crash", "crashes"


def test_the_page_and_the_nav_box(client, login, users, world):
    login(users["liaison_a"])
    page = client.get("/workspace/search/", {"q": "pursuit"}).content.decode()
    assert "Pursuit policy review" in page and "Pursuit training review" not in page
    assert 'action="/workspace/search/"' in client.get("/workspace/").content.decode()
