"""Issue 19 in Chromium, as a new chief on a phone-sized screen: the grouped topic picker found by typing, the
required markers, no selectable placeholder, the error summary focused, the urgent path, and a receipt that
summarizes what was sent; axe-core clean at 390 px."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from continuum.intake.models import Request
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CONTINUUM_SCREENSHOTS", "/tmp/continuum-shots"))


def test_a_new_chief_sends_an_urgent_request_from_a_phone(browser, users):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.open_page("/request/", width=390)
    assert_accessible(page)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height  # the 75 topics are grouped and closed, not one long list
    expect(page.get_by_role("radio", name="- Select an option -")).to_have_count(0)

    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#form-errors")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Agency name").fill("Lakeview Police Department")
    page.get_by_label("Agency type").select_option("local")
    page.get_by_label("City").fill("Lakeview")
    page.get_by_label("State or territory").select_option("OR")
    page.get_by_label("Your name").fill("Dana Reyes")
    page.get_by_label("Your title").fill("Chief of Police")
    page.get_by_label("Your e-mail address").fill("chief@lakeview.example.gov")
    page.get_by_label("Your phone number").fill("541-555-0100")
    page.locator("fieldset", has_text="Are you the agency's chief executive?").locator("label").get_by_text(
        "Yes", exact=True
    ).click()
    page.locator("label").get_by_text("Critical Response", exact=True).click()
    page.locator('label[for="id_ta_kind_0"]').click()
    page.get_by_label("Find a topic").fill("escal")
    expect(page.get_by_text("1 topic found")).to_be_attached()
    page.locator("label").get_by_text("De-escalation", exact=True).click()
    page.get_by_label("Find a topic").fill("")
    page.get_by_label("What happened").fill(
        "An officer-involved shooting last night; protests downtown are growing and we want outside help."
    )
    page.get_by_label("When it happened").fill("2026-12-03")
    expect(page.get_by_text("1-800-421-6770").first).to_be_visible()
    page.locator("label").get_by_text("Urgent: an event is unfolding or just happened", exact=True).click()
    page.locator('label[for="id_pending_matters_1"]').click()  # No
    page.get_by_label("What you are asking for").fill(
        "An immediate peer briefing and community outreach support, then an after-action review."
    )
    page.locator('label[for="id_asks_for_costs_1"]').click()  # No
    page.screenshot(path=SHOTS / "request-phone-filled.png", full_page=True)
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("heading", name="Your request was received")).to_be_visible()
    expect(page.get_by_role("table", name="What you sent")).to_contain_text("De-escalation")
    expect(page.get_by_text("every program staff member was alerted")).to_be_visible()
    expect(page.get_by_role("button", name="Print this receipt")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=SHOTS / "request-phone-receipt.png", full_page=True)
    request = Request.objects.get()
    assert request.urgency == "urgent" and [t.name for t in request.topics.all()] == ["De-escalation"]
    browser.assert_clean()
