"""Site pages in real Chromium with axe: the workspace list, the site page, the work plan through approval,
the version comparison, and the public lists."""

import pytest
from playwright.sync_api import expect

from continuum.sites import transitions
from continuum.sites.models import Site
from continuum.workflow import take
from continuum.workplans import plans
from continuum.workplans.models import Objective
from tests.browser import assert_accessible

from .conftest import published_report

pytestmark = pytest.mark.browser


def test_plan_drafted_approved_and_pages_accessible(browser, users, site):
    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=users["provider_a"])
    assert_accessible(page)
    page.get_by_role("button", name="Start drafting the work plan").click()
    page.get_by_text("Add an objective").click()
    page.get_by_role("textbox", name="Objective").fill(
        "Assess use-of-force policy, training and supervision."
    )
    page.get_by_role("button", name="Add the objective").click()
    page.get_by_text("Add an activity").click()
    activity = page.locator("form", has=page.get_by_role("button", name="Add the activity"))
    activity.get_by_label("Kind").select_option("site_visit")
    activity.get_by_label("Title").fill("First site visit")
    activity.get_by_label("Start").fill("2026-12-01")
    page.get_by_role("button", name="Add the activity").click()
    page.get_by_text("Add a deliverable").click()
    deliverable = page.locator("form", has=page.get_by_role("button", name="Add the deliverable"))
    deliverable.get_by_label("Title").fill("Final report")
    deliverable.get_by_label("Due date").fill("2027-06-30")
    page.get_by_role("button", name="Add the deliverable").click()
    expect(page.get_by_role("row", name="Final report")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send to the agency for approval").click()
    expect(page.get_by_text("Version 1 is now with the agency for review.")).to_be_visible()

    page = browser.open_page(f"/workspace/sites/{site.pk}/plan/", user=users["executive_a"])
    page.get_by_role("textbox", name="Comment").fill("Please include our civilian oversight board.")
    page.get_by_role("button", name="Add the comment").click()
    expect(page.get_by_text("Please include our civilian oversight board.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve this version").click()
    expect(page.get_by_text("Version 1 is now approved.")).to_be_visible()
    assert_accessible(page)

    page = browser.open_page(f"/workspace/sites/{site.pk}/", user=users["provider_a"])
    expect(page.get_by_text("Delivery", exact=True).first).to_be_visible()  # the approval started delivery
    assert_accessible(page)
    browser.assert_clean()


def test_lists_and_public_pages_accessible(browser, users, approved_site):
    site = approved_site
    site.is_public, site.public_summary = True, "The intent of the review is to assess use of force."
    site.save()
    v2 = plans.open_draft(site, users["staff"])
    plans.add_item(v2, users["staff"], Objective(text="Also review supervision."))
    for path, who in [
        ("/workspace/sites/", "staff"),
        ("/workspace/sites/", "executive_a"),
        (f"/workspace/sites/{site.pk}/", "staff"),
        (f"/workspace/sites/{site.pk}/edit/", "staff"),
        (f"/workspace/sites/{site.pk}/plan/compare/?old=1&new=2", "staff"),
        (f"/workspace/sites/{site.pk}/plan/v1/", "executive_a"),
        ("/sites/", None),
        (f"/sites/{site.pk}/", None),
    ]:
        page = browser.open_page(path, user=users[who] if who else None)
        assert_accessible(page)
    Site.objects.filter(pk=site.pk).update(status="published")  # as its report's publication leaves it
    published_report(site, users["staff"])
    take(transitions.LIFECYCLE, "close", site, users["staff"], message="Report published")
    page = browser.open_page("/sites/closed/")
    expect(page.get_by_role("link", name="Columbus (OH) Division of Police")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()
