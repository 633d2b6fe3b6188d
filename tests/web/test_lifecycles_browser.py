"""Issue 15 in real Chromium: a Critical Response request from its decision to the site's closure, each step
taken on the page of the role that takes it, and the state every page shows agreeing at each step."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from continuum.reports import editing
from continuum.sites.models import Site
from continuum.workplans import plans
from tests.browser import assert_accessible
from tests.web.intake.conftest import make_request
from tests.web.sites.conftest import draft_plan
from tests.web.test_lifecycles import write_report

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CONTINUUM_SCREENSHOTS", "/tmp/continuum-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"lifecycle-{name}.png", full_page=True)


def take_step(page, button: str, *, reason: str = "", message: str = "") -> None:
    form = page.locator("form", has=page.get_by_role("button", name=button, exact=True))
    if reason:
        form.get_by_role("textbox").first.fill(reason)
    if message:
        form.get_by_role("textbox", name="Message to the agency").fill(message)
    form.get_by_role("button", name=button, exact=True).click()


def site_state(browser, site, user) -> str:
    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=user)
    return page.locator(".usa-intro .usa-tag").text_content().strip()


def test_critical_response_from_decision_to_closure(browser, users, orgs):
    staff, reviewer, chief, provider = (
        users["staff"],
        users["reviewer"],
        users["executive_a"],
        users["provider_a"],
    )
    request = make_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH")

    page = browser.open_page(request.get_absolute_url(), user=staff)
    page.get_by_text("Accept and create a site").click()
    accept = page.locator("form", has=page.get_by_role("button", name="Accept", exact=True))
    accept.get_by_label("Program").select_option("critical_response")
    accept.get_by_label("Type of technical assistance").select_option("issue_specific_review")
    accept.get_by_label("Provider").select_option(label=orgs["provider_a"].name)
    accept.get_by_label("Internal reason").fill("Within scope; the chief asked in writing.")
    accept.get_by_label("Message to the agency").fill(
        "Your request was accepted; we will call you this week."
    )
    expect(accept.get_by_text("never shown to the agency")).to_be_visible()
    assert_accessible(page)
    shot(page, "1-accept")
    accept.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_text("The request is now accepted.")).to_be_visible()
    request.refresh_from_db()
    site = request.site
    assert site_state(browser, site, chief) == "Work plan"

    draft_plan(site, provider)
    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=provider)
    take_step(page, "Send to the agency for approval")
    expect(page.get_by_text("Version 1 is now with the agency for review.")).to_be_visible()
    assert site_state(browser, site, staff) == "Agency review"

    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=chief)
    assert_accessible(page)
    shot(page, "2-chief-plan")
    take_step(page, "Request changes", reason="Add a session with our oversight board.")
    expect(page.get_by_text("Version 1 is now changes requested.")).to_be_visible()
    expect(page.get_by_text("Add a session with our oversight board.")).to_be_visible()
    assert site_state(browser, site, chief) == "Work plan"

    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=provider)
    page.get_by_role("button", name="Start version 2 from this one").click()
    take_step(page, "Send to the agency for approval")
    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/compare/", user=chief)
    expect(page.get_by_role("heading", name="What changed from version 1 to version 2")).to_be_visible()
    assert_accessible(page)
    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=chief)
    take_step(page, "Approve this version")
    expect(page.get_by_text("Version 2 is now approved.")).to_be_visible()
    assert site_state(browser, site, provider) == "Delivery"

    report = write_report(editing.create_report(site, staff, title="Final report"))
    assert site_state(browser, site, staff) == "Report drafting"
    page = browser.open_page(report.get_absolute_url(), user=staff)
    take_step(page, "Send for the program's internal review")
    expect(page.get_by_text("The report is now internal review.")).to_be_visible()
    assert site_state(browser, site, chief) == "Report review"

    page = browser.open_page(report.get_absolute_url(), user=reviewer)
    take_step(page, "Send to the agency for factual-accuracy review", message="Please check names and dates.")
    page = browser.open_page(report.get_absolute_url(), user=reviewer)
    take_step(page, "Approve the report")
    expect(
        page.get_by_text("factual-accuracy review is open until")
    ).to_be_visible()  # the agency has not acted

    page = browser.open_page(report.get_absolute_url(), user=chief)
    assert_accessible(page)
    shot(page, "3-chief-factual-review")
    take_step(page, "Factual review done", reason="Two dates corrected; nothing else.")
    expect(page.get_by_text("Marked done by the agency")).to_be_visible()

    page = browser.open_page(report.get_absolute_url(), user=staff)
    take_step(page, "Approve the report")
    expect(page.get_by_text("another program staff member approves")).to_be_visible()
    page = browser.open_page(report.get_absolute_url(), user=reviewer)
    take_step(page, "Approve the report")
    take_step(page, "Publish the report", message="The report is public on the program's site.")
    expect(page.get_by_text("The report is now published.")).to_be_visible()
    shot(page, "4-published")
    assert site_state(browser, site, chief) == "Report published"

    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=staff)
    assert [b.text_content() for b in page.locator(".continuum-step button").all()] == [
        "Announce publicly",  # never announced: staff may still list it (issue 19)
        "Close the site",
        "Suspend",
    ]
    take_step(page, "Close the site", message="The engagement is complete: no post-report monitoring.")
    expect(page.get_by_text("The site is now closed.")).to_be_visible()
    assert_accessible(page)
    shot(page, "5-closed")
    assert Site.objects.get(pk=site.pk).status == "closed"
    assert plans.approved(site).version == 2
    browser.assert_clean()


def test_cri_tac_from_routing_to_closure(browser, users, orgs):
    from tests.web.critac import factories

    partners = factories.standard_partners()
    partner_user = factories.provider_user(partners["iacp"].provider, "partner_iacp")
    staff, chief = users["staff"], users["executive_a"]
    request = factories.make_request(orgs["agency_a"], ["Use of force"])

    page = browser.open_page(request.get_absolute_url(), user=staff)
    page.get_by_text("Route to a partner and open the engagement").click()
    route = page.locator("form", has=page.get_by_role("button", name="Route the request"))
    route.get_by_label("Partner association").select_option(label=str(partners["iacp"]))
    route.get_by_label("Internal reason").fill("IACP covers use of force.")
    route.get_by_label("Message to the agency").fill("The IACP will contact you to schedule the training.")
    route.get_by_role("button", name="Route the request").click()
    request.refresh_from_db()
    site = request.site
    assert site_state(browser, site, chief) == "Work plan"

    page = browser.open_page(f"/workspace/sites/{site.pk}/cri-tac/", user=partner_user)
    form = page.locator("form", has=page.get_by_role("button", name="Record the delivery"))
    form.get_by_label("Title").fill("De-escalation training for patrol")
    form.get_by_label("Delivery type").select_option(label="In-person training")
    form.get_by_label("Format").select_option("in_person")
    form.get_by_label("First day").fill(str(factories.days_ago(3)))
    form.get_by_label("Last day").fill(str(factories.days_ago(2)))
    form.get_by_label("Number of attendees").fill("28")
    form.get_by_role("button", name="Record the delivery").click()
    expect(page.get_by_text("De-escalation training for patrol").first).to_be_visible()
    assert site_state(browser, site, staff) == "Delivery"
    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=staff)
    expect(
        page.get_by_text("2 days since the last contact")
    ).to_be_visible()  # the delivery counted as contact

    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=staff)
    take_step(page, "Close the site", message="Training delivered; thank you.")
    expect(
        page.get_by_text("Request the agency's feedback")
    ).to_be_visible()  # refused: no feedback asked yet
    page = browser.open_page(f"/workspace/sites/{site.pk}/feedback/", user=staff)
    page.locator("label").get_by_text("After a delivery", exact=True).click()  # USWDS hides the radio itself
    page.get_by_label("Participants").fill("sergeant@agency.example.gov")
    page.get_by_role("button", name="Send the survey").click()
    expect(page.get_by_role("status")).to_contain_text("sent")
    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=staff)
    take_step(page, "Close the site", message="Training delivered; thank you.")
    expect(page.get_by_text("The site is now closed.")).to_be_visible()
    assert_accessible(page)
    shot(page, "6-cri-tac-closed")
    assert site_state(browser, site, chief) == "Closed"
    browser.assert_clean()
