"""Issue 19, items 2, 3 and 5 in Chromium, on the demo program: a visitor finds Boston's engagement among the
announced sites, the use-of-force reports, and every recommendation about de-escalation, on a desktop screen and
on a phone; staff announce a site and it is listed at once. axe-core clean on every page, at both widths."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from continuum.accounts.models import User
from continuum.agencies.models import Agency, ProviderOrganization
from continuum.catalog.models import Topic
from continuum.reports.library import published_recommendations
from continuum.sites.models import Site
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CONTINUUM_SCREENSHOTS", "/tmp/shots-19"))


@pytest.fixture
def demo(transactional_db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("CONTINUUM_DEMO_PASSWORD", "demo-password-for-the-test")
    call_command("load_demo", quiet=True, throwaway_database=True)


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_finds_boston_the_use_of_force_reports_and_the_de_escalation_recommendations(
    browser, demo, width
):
    suffix = "phone" if width == 390 else "desktop"
    page = browser.open_page("/", width=width)
    if width == 390:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Sites", exact=True).first.click()
    expect(page.get_by_role("heading", name="Active sites", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Map of the United States"))).to_be_visible()
    assert_accessible(page)
    _shoot(page, f"sites-{suffix}")

    page.get_by_label("State or territory").select_option("MA")
    page.get_by_role("button", name="Apply the filters").click()
    expect(page).to_have_url(re.compile(r"state=MA"))
    page.get_by_role("link", name="Boston Police Department").click()
    expect(page.get_by_role("heading", name="Boston Police Department", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Announced"))).to_be_visible()
    expect(page.get_by_text("Human resources").first).to_be_visible()
    assert_accessible(page)
    _shoot(page, f"boston-{suffix}")

    page = browser.open_page("/reports/", width=width)
    page.get_by_label("Search", exact=True).fill("use of force")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=use\+of\+force"))
    results = page.locator("#report-results")
    expect(
        results.get_by_role("link", name=re.compile("Officer-Involved Shootings in Indianapolis"))
    ).to_be_visible()
    assert "**" not in results.inner_text() and "[^" not in results.inner_text()
    assert_accessible(page)
    _shoot(page, f"reports-use-of-force-{suffix}")

    page.get_by_role("link", name=re.compile("library of findings and recommendations")).click()
    page.get_by_label("Search the recommendations").fill("de-escalation")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=de-escalation"))
    items = page.locator(".continuum-library > li")
    expected = sum(
        "de-escalation" in f"{r.text} {r.finding.title} {r.finding.body}".lower()
        or r.topics.filter(name__icontains="de-escalation").exists()
        for r in published_recommendations().select_related("finding")
    )
    assert expected >= 5
    expect(items).to_have_count(expected)
    expect(page.get_by_text(re.compile(r"\(progress report 2, ")).first).to_be_visible()
    assert_accessible(page)
    _shoot(page, f"library-de-escalation-{suffix}")
    browser.assert_clean()


def test_staff_announce_a_site_and_visitors_see_it_listed(browser, demo):
    staff = User.objects.get(email="staff@continuum.example.gov")
    agency = Agency.objects.create(name="Lakeview (OR) Police Department", agency_type="local", city="Lakeview",
                                   state="OR", sworn_officers=42)  # fmt: skip
    provider = ProviderOrganization.objects.get(name="Jensen Hughes")
    site = Site.objects.create(agency=agency, program="critical_response", ta_type="after_action_review",
                               provider=provider, title="Lakeview review", description="x")  # fmt: skip
    site.topics.add(Topic.objects.get(name="Critical incidents"))
    page = browser.open_page(site.get_absolute_url(), user=staff)
    page.get_by_label("Announced on").fill("2026-10-01")
    page.get_by_label("Announcement").fill(
        "The COPS Office in conjunction with Jensen Hughes is conducting an after-action review of the Lakeview "
        "Police Department's response to the October flood."
    )
    page.get_by_label("Intent of the review").fill(
        "To document the response and share lessons with the field."
    )
    page.get_by_label("Agency's consent").fill("Chief Reyes agreed by letter on September 28, 2026.")
    assert_accessible(page)
    page.get_by_role("button", name="Announce publicly").click()
    expect(page.get_by_role("button", name="Announce publicly")).to_have_count(0)

    page = browser.open_page("/sites/?state=OR", width=390)
    expect(page.get_by_role("link", name="Lakeview (OR) Police Department")).to_be_visible()
    expect(page.get_by_text("October 1, 2026")).to_be_visible()
    expect(page.get_by_role("row", name="Oregon 1")).to_be_visible()  # the map's table
    assert_accessible(page)
    browser.assert_clean()
