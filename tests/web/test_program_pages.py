"""The program's public pages (issue 19, item 1): the initiative's goals and its three programs, each with what it
offers, who may ask, what happens, its providers and examples from the records; the FAQ; the contact page; the
home page and every page's footer lead to them and to "Request assistance"."""

import html
import re

import pytest
from django.utils import timezone

from continuum.agencies.models import ProviderOrganization
from continuum.critac.models import Partner
from continuum.portal import programs
from continuum.reports.models import Report
from continuum.sites.models import Site

PAGES = ["/programs/", *(f"/programs/{p.slug}/" for p in programs.PROGRAMS), "/faq/", "/contact/"]


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize("path", PAGES)
def test_every_program_page_answers_anyone_and_leads_to_a_request(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        'href="/request/"' in page
    )  # the menu's "Request assistance", and the page's own button where it has one
    assert programs.CONTACT_EMAIL in page and programs.RESPONSE_CENTER_PHONE in page  # the footer, everywhere


def test_the_home_page_leads_to_the_programs_the_faq_and_a_request(client, db):
    page = client.get("/").content.decode()
    for program in programs.PROGRAMS:
        assert f'href="/programs/{program.slug}/"' in page
    assert re.search(r'<a class="usa-button[^"]*" href="/request/">Request assistance</a>', page)
    assert 'href="/faq/"' in page and 'href="/contact/"' in page and programs.RESPONSE_CENTER_PHONE in page


def test_a_program_page_says_what_who_and_how(client, db):
    for program in programs.PROGRAMS:
        text = _text(client.get(f"/programs/{program.slug}/"))
        assert program.name in text and program.tagline in text
        for title, _ in program.offers:
            assert title in text
        for title, _ in program.steps:
            assert title in text
        assert "Who may ask" in text and program.who in text
    assert client.get("/programs/no-such-program/").status_code == 404


def test_providers_and_examples_come_from_the_records_and_only_public_ones(client, orgs, users):
    partner = ProviderOrganization.objects.create(
        name="Association of Example Chiefs", provider_type="cri_tac_partner"
    )
    Partner.objects.create(provider=partner)
    listed = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="after_action_review",
                                 provider=orgs["provider_a"], title="A", description="x", is_public=True,
                                 started_on=timezone.localdate())  # fmt: skip
    Site.objects.create(agency=orgs["agency_b"], program="critical_response", ta_type="technical_assistance",
                        provider=orgs["provider_b"], title="B", description="private", is_public=False)  # fmt: skip
    Report.objects.create(site=listed, title="The after-action review", created_by=users["staff"],
                          status="published", published_at=timezone.now())  # fmt: skip
    critical = _text(client.get("/programs/critical-response/"))
    assert orgs["provider_a"].name in critical and orgs["agency_a"].name in critical
    assert orgs["provider_b"].name not in critical and orgs["agency_b"].name not in critical  # not public
    assert "The after-action review" in critical and "1 site listed publicly" in critical
    cri_tac = _text(client.get("/programs/cri-tac/"))
    assert partner.name in cri_tac and orgs["provider_a"].name not in cri_tac
    assert "No site of this program is listed publicly yet" in _text(
        client.get("/programs/organizational-assessment/")
    )


def test_the_faq_answers_the_questions_a_chief_asks(client, db):
    page = client.get("/faq/").content.decode()
    text = _text(client.get("/faq/"))
    for _, questions in programs.FAQ:
        for question in questions:
            assert f'id="{question.slug}"' in page and question.question in text
    for needed in (
        "no cost",
        "chief executive",
        "pending investigation or litigation",
        "public report",
        "urgent",
    ):
        assert needed in text, needed


def test_the_contact_page_gives_the_address_and_the_response_center(client, db):
    page = client.get("/contact/").content.decode()
    assert f'href="mailto:{programs.CONTACT_EMAIL}"' in page
    assert 'href="tel:+18004216770"' in page and programs.RESPONSE_CENTER_HOURS in page
    assert 'href="/request/status/"' in page


def test_the_menu_offers_the_programs_to_everyone(client, users, login):
    for user in (None, users["executive_a"], users["staff"]):
        if user:
            login(user)
        nav = client.get("/faq/").content.decode().split('class="usa-nav"', 1)[1].split("</nav>", 1)[0]
        assert 'href="/programs/"' in nav
