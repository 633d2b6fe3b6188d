"""Announced sites (issue 19, item 2): staff announce a site through its lifecycle's step, with the date, the
announcement, its intent and the agency's consent; from then on it is listed publicly with its program, provider,
type of TA, topics, intent, date and publications; the lists filter in the address and show a map of the states
with the same counts as a table; an Atom feed carries announcements, reports and progress reports."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from continuum.assessment.models import ProgressReport
from continuum.audit.models import AuditEvent
from continuum.catalog.models import Topic
from continuum.reports.models import Report
from continuum.sites import transitions, usmap
from continuum.sites.models import Site
from continuum.workflow import TransitionError, take

ATOM = "{http://www.w3.org/2005/Atom}"


def announce(site, actor, **overrides):
    fields = dict(announced_on=datetime.date(2026, 3, 2), intent="To review the division's use of force.",
                  announcement="The COPS Office in conjunction with Jensen Hughes is conducting a review.",
                  agency_consent="The chief agreed by letter on February 20, 2026.")  # fmt: skip
    return take(transitions.LIFECYCLE, "announce", site, actor, **{**fields, **overrides})


@pytest.fixture
def boston(orgs):
    site = Site.objects.create(
        agency=orgs["agency_a"], program="critical_response", ta_type="technical_assistance",
        provider=orgs["provider_a"], title="Internal working title", description="Internal: asked after a case.",
    )  # fmt: skip
    site.topics.add(Topic.objects.get(name="Use of force"))
    return site


def test_a_site_is_listed_from_its_announcement_on_with_everything_the_program_publishes(
    client, boston, users
):
    assert "Columbus" not in client.get("/sites/").content.decode()  # planning, not announced: not listed
    announce(boston, users["staff"])
    boston.refresh_from_db()
    assert boston.is_public and boston.announced_on == datetime.date(2026, 3, 2)
    assert boston.status == Site.Status.WORK_PLAN  # announcing changes no stage
    page = client.get("/sites/").content.decode()
    for shown in ["Columbus (OH) Division of Police", "Critical Response", "Jensen Hughes", "Technical Assistance",
                  "Use of force", "To review the division&#x27;s use of force.", "March 2, 2026",
                  "Not yet published"]:  # fmt: skip
        assert shown in page, shown
    assert "Internal working title" not in page and "asked after a case" not in page
    detail = client.get(boston.get_public_url()).content.decode()
    assert "March 2, 2026" in detail and "1,900 sworn officers" in detail and "905,748 residents" in detail


def test_announcing_is_audited_with_the_consent_and_allowed_to_program_staff_only(boston, users):
    for who in ["executive_a", "provider_a", "sme_a"]:
        with pytest.raises(PermissionDenied):
            announce(boston, users[who])
    announce(boston, users["staff"])
    events = AuditEvent.objects.filter(object_id=str(boston.pk), actor=users["staff"])
    assert events.filter(action="transition", reason="Announce publicly").exists()
    consent = events.get(action="updated", reason="Announced publicly").changes["agency's consent"]
    assert consent == [None, "The chief agreed by letter on February 20, 2026."]
    with pytest.raises(TransitionError, match="announced on March 2, 2026"):
        announce(boston, users["staff"])


def test_an_announcement_needs_its_text_and_the_consent_and_a_date_not_in_the_future(boston, users):
    with pytest.raises(TransitionError, match="consented"):
        announce(boston, users["staff"], agency_consent=" ")
    with pytest.raises(TransitionError, match="not before"):
        announce(boston, users["staff"], announced_on=timezone.localdate() + datetime.timedelta(days=1))
    boston.refresh_from_db()
    assert not boston.is_public and boston.announced_on is None


def test_an_empty_announcement_or_consent_is_refused_and_an_empty_intent_keeps_the_site_s_own(boston, users):
    """Fields left empty are not filled with anything: no announcement or no consent refuses the step; no
    intent keeps the one the site has; a site with no public summary takes the announcement as its summary, one
    with a summary keeps it."""
    for empty in ["announcement", "agency_consent"]:
        with pytest.raises(TransitionError, match="Give the announcement and how the agency consented"):
            announce(boston, users["staff"], **{empty: ""})
    Site.objects.filter(pk=boston.pk).update(intent="To review stops and searches.")
    site = announce(boston, users["staff"], intent="")
    assert site.intent == "To review stops and searches."
    assert site.public_summary == "The COPS Office in conjunction with Jensen Hughes is conducting a review."
    kept = Site.objects.create(agency=boston.agency, program="critical_response", ta_type="technical_assistance",
                               title="Kept", description="x", public_summary="Our own summary.")  # fmt: skip
    assert announce(kept, users["staff"]).public_summary == "Our own summary."


def test_the_announce_button_is_offered_to_staff_until_the_site_is_announced(client, boston, users, login):
    login(users["staff"])
    page = client.get(boston.get_absolute_url()).content.decode()
    assert 'type="submit">Announce publicly</button>' in page and "Agency&#x27;s consent" in page
    response = client.post(f"/workspace/sites/{boston.pk}/steps/announce/", {
        "announce-announced_on": "2026-03-02", "announce-announcement": "The COPS Office … is conducting a review.",
        "announce-agency_consent": "The chief's letter.", "announce-intent": "",
    })  # fmt: skip
    assert response.status_code == 302
    boston.refresh_from_db()
    assert boston.announced_on == datetime.date(2026, 3, 2)
    assert ">Announce publicly</button>" not in client.get(boston.get_absolute_url()).content.decode()


def test_announcing_clears_the_cached_public_pages(
    client, boston, users, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    assert "Columbus" not in client.get("/sites/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        announce(boston, users["staff"])
    assert "Columbus" in client.get("/sites/").content.decode()


def test_a_closed_site_keeps_its_closing_date(client, boston, users):
    announce(boston, users["staff"])
    Site.objects.filter(pk=boston.pk).update(status=Site.Status.CLOSED, closed_on=datetime.date(2026, 9, 30))
    assert "Columbus" not in client.get("/sites/").content.decode()
    page = client.get("/sites/closed/").content.decode()
    assert "Columbus (OH) Division of Police" in page and "September 30, 2026" in page


def test_an_organizational_assessment_is_its_own_type_of_ta(boston):
    boston.program = "organizational_assessment"
    with pytest.raises(ValidationError):
        boston.full_clean()
    boston.ta_type = Site.TAType.ORGANIZATIONAL_ASSESSMENT
    boston.full_clean()
    boston.program = "critical_response"
    with pytest.raises(ValidationError):
        boston.full_clean()


@pytest.fixture
def listed(orgs, users):
    """Three announced sites: Columbus (OH, Critical Response, use of force), Fargo (ND, after-action review)
    and a second Ohio site (Organizational Assessment)."""
    force = Topic.objects.get(name="Use of force")
    made = []
    for agency, program, ta_type, topic in [
        (orgs["agency_a"], "critical_response", "issue_specific_review", force),
        (orgs["agency_b"], "critical_response", "after_action_review", Topic.objects.get(name="Critical incidents")),
        (orgs["agency_a"], "organizational_assessment", "organizational_assessment", None),
    ]:  # fmt: skip
        site = Site.objects.create(agency=agency, program=program, ta_type=ta_type, title="t", description="d",
                                   status="delivery")  # fmt: skip
        if topic:
            site.topics.add(topic)
        announce(site, users["staff"])
        made.append(site)
    return made


def _rows(page: str) -> int:
    return len(re.findall(r'<th scope="row" data-label="Agency">', page))


@pytest.mark.parametrize("query, expected", [
    ("", 3), ("?program=organizational_assessment", 1), ("?ta_type=after_action_review", 1),
    ("?topic=use-of-force", 1), ("?state=OH", 2), ("?state=OH&program=critical_response", 1),
])  # fmt: skip
def test_the_list_filters_by_program_type_topic_and_state_in_the_address(client, listed, query, expected):
    assert _rows(client.get(f"/sites/{query}").content.decode()) == expected


def test_the_map_and_its_table_give_the_same_counts_by_state(client, listed):
    page = client.get("/sites/").content.decode()
    svg = page[page.index("<svg viewBox") : page.index("</svg>")]
    assert '<title id="map-title">' in svg and '<desc id="map-desc">' in svg and 'role="img"' in svg
    assert "<title>Ohio: 2 sites</title>" in svg and "<title>North Dakota: 1 site</title>" in svg
    assert "<title>Texas: 0 sites</title>" in svg
    assert re.search(r'state=OH">Ohio</a></th><td class="text-right">2<', page)
    assert re.search(r'state=ND">North Dakota</a></th><td class="text-right">1<', page)
    # the map keeps every state's count while the list is narrowed to one state, which it outlines
    narrowed = client.get("/sites/?state=ND").content.decode()
    assert "<title>Ohio: 2 sites</title>" in narrowed and _rows(narrowed) == 1


def test_the_tile_grid_has_every_state_and_territory_once_without_overlap():
    tiles = usmap.tiles({"OH": 4, "MA": 1})
    assert {t.code for t in tiles} == set(usmap.NAMES)
    assert len({(t.x, t.y) for t in tiles}) == len(tiles)
    by_code = {t.code: t for t in tiles}
    assert by_code["OH"].fill != by_code["MA"].fill != by_code["TX"].fill


def test_a_listed_site_shows_its_published_report_and_progress_reports_only(client, listed, users):
    site = listed[2]
    Report.objects.create(site=site, title="Assessment report", created_by=users["staff"], status="published",
                          published_at=timezone.now())  # fmt: skip
    Report.objects.create(site=site, kind="after_action", title="Draft report", created_by=users["staff"])
    for number, state in [(1, "published"), (2, "draft")]:
        ProgressReport.objects.create(site=site, number=number, as_of=datetime.date(2026, 6, 30), narrative="n",
                                      state=state, created_by=users["staff"],
                                      published_at=timezone.now() if state == "published" else None)  # fmt: skip
    page = client.get("/sites/?program=organizational_assessment").content.decode()
    assert "Assessment report" in page and "Progress report 1 (June 2026)" in page
    assert "Draft report" not in page and "Progress report 2" not in page


def test_the_feed_carries_announcements_reports_and_progress_reports_and_nothing_unpublished(
    client, listed, boston, users
):
    site = listed[0]
    Report.objects.create(site=site, title="Use of force report", created_by=users["staff"], status="published",
                          published_at=timezone.now(), executive_summary="It found **four** things.[^n]")  # fmt: skip
    Report.objects.create(site=site, kind="after_action", title="Draft report", created_by=users["staff"])
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Report: Use of force report" in titles
    assert sum(t.startswith("Announced: ") for t in titles) == 3  # not the unannounced site
    assert not any("Draft" in t for t in titles)
    summary = next(e.findtext(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry") if "Use of force" in
                   e.findtext(f"{ATOM}title"))  # fmt: skip
    assert summary == "It found four things."


def withdraw(site, actor, reason="The agency withdrew its consent to the announcement."):
    return take(transitions.LIFECYCLE, "withdraw", site, actor, reason=reason)


def test_a_listing_is_withdrawn_with_a_reason_and_can_be_announced_again(client, boston, users, login):
    announce(boston, users["staff"])
    with pytest.raises(PermissionDenied):
        withdraw(boston, users["provider_a"])
    with pytest.raises(TransitionError, match="reason"):
        withdraw(boston, users["staff"], reason=" ")
    withdraw(boston, users["staff"])
    boston.refresh_from_db()
    assert not boston.is_public and boston.announced_on == datetime.date(2026, 3, 2)  # the record keeps it
    assert "Columbus" not in client.get("/sites/").content.decode()
    assert client.get(boston.get_public_url()).status_code == 404
    reason = "The agency withdrew its consent to the announcement."
    assert AuditEvent.objects.filter(object_id=str(boston.pk), action="transition", reason=reason).exists()
    with pytest.raises(TransitionError, match="not listed publicly"):
        withdraw(boston, users["staff"])
    login(users["staff"])
    page = client.get(boston.get_absolute_url()).content.decode()
    assert ">Announce publicly</button>" in page and ">Withdraw from the public list</button>" not in page
    announce(boston, users["staff"], announced_on=datetime.date(2026, 4, 1))
    boston.refresh_from_db()
    assert boston.is_public and boston.announced_on == datetime.date(2026, 4, 1)
    page = client.get(boston.get_absolute_url()).content.decode()
    assert ">Withdraw from the public list</button>" in page and ">Announce publicly</button>" not in page


def test_a_site_whose_report_is_published_stays_listed(listed, users):
    site = listed[0]
    Report.objects.create(site=site, title="Final report", created_by=users["staff"], status="published",
                          published_at=timezone.now())  # fmt: skip
    with pytest.raises(TransitionError, match="is published and stays public"):
        withdraw(site, users["staff"])
    site.refresh_from_db()
    assert site.is_public
