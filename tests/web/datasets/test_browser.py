"""Done when: an agency user uploads the Rhode Island stops against a data request, maps and validates them, a
provider runs the veil of darkness from the site page and watches its progress, and the result appears on the
site. Real Chromium, axe-core on every page, no console error (a CSP violation would be one). The worker runs
in the test's thread, between the page's polls."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible

from .conftest import RI, run_worker

pytestmark = pytest.mark.browser
VOD = "Veil of darkness: stops in daylight and in darkness"


def test_upload_map_validate_analyse_and_see_the_result(browser, users, site, stops_request):
    page = browser.open_page(stops_request.get_absolute_url(), user=users["liaison_a"])
    assert_accessible(page)
    page.locator('input[type="file"][name="file"]').set_input_files(str(RI))
    page.get_by_role("button", name="Upload").click()
    # the upload leads to the guided mapping; an analyst starts from a shipped mapping in the text editor
    expect(
        page.get_by_role("heading", name="Map the columns of ri_state_police_stops_2005_2008.csv")
    ).to_be_visible()
    page.get_by_role("link", name="Traffic stops, version 1").click()
    expect(page.get_by_role("heading", name="Column mapping")).to_be_visible()
    page.get_by_text("Advanced: edit the mapping as text (for analysts)").click()
    page.get_by_label("Start from").select_option("ri_state_police")
    page.get_by_role("button", name="Propose a mapping").click()
    expect(page.get_by_label("Mapping (TOML)")).to_contain_text("Rhode Island State Police")
    assert_accessible(page)
    page.get_by_role("button", name="Save and validate").click()
    expect(page.locator("#job-status")).to_contain_text("Queued")
    assert_accessible(page)
    run_worker()
    expect(page.locator("#job-status")).to_contain_text("Validated 27,917 rows", timeout=10_000)
    page.get_by_role("link", name="See the validation report").click()
    expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
    expect(page.get_by_text("27917 rows read")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()

    page = browser.open_page(site.get_absolute_url(), user=users["provider_a"])
    expect(page.get_by_role("heading", name="Data and analyses")).to_be_visible()
    page.get_by_role("link", name="Traffic stops").click()
    page.get_by_role("link", name="Version 1").click()
    page.get_by_label("Analysis", exact=True).select_option(label=VOD)
    page.get_by_role("button", name="Set its parameters").click()
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("America/New_York")
    expect(page.get_by_label("Latitude", exact=True)).to_have_value("41.7")
    assert_accessible(page)
    page.get_by_role("button", name=f"Run “{VOD}”").click()
    status = page.locator("#job-status")
    expect(status).to_contain_text("Queued")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    assert_accessible(page)
    run_worker()
    expect(status).to_contain_text("Done", timeout=10_000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    page.get_by_role("link", name=re.compile("See the result")).click()
    expect(page.get_by_role("heading", name=f"{VOD}, run 1", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="odds ratio of a minority stop")).to_be_visible()
    assert_accessible(page)

    page = browser.open_page(site.get_absolute_url(), user=users["provider_a"])
    summary = page.get_by_text(re.compile(rf"{re.escape(VOD)} on Traffic stops \(run 1"))
    summary.click()
    expect(page.locator(".datasets-site-result .analysis-result")).to_contain_text("is_dark")
    assert_accessible(page)
    browser.assert_clean()
