"""The intake, end to end in real Chromium with axe: a non-chief without a letter asks for help; staff see
the authority flag in the queue, log a contact, clear the flag with a reason and accept; the site exists and
the history shows every step."""

import pytest
from playwright.sync_api import expect

from continuum.intake.models import Request
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser


def tick(scope, label: str) -> None:
    """Click a USWDS radio or checkbox by its visible label, as a person does (the input itself is hidden)."""
    scope.locator("label").get_by_text(label, exact=True).click()


def test_request_to_site(browser, users, orgs):
    page = browser.open_page("/request/")
    assert_accessible(page)

    # First attempt with a mistake: the error summary names the field, nothing typed is lost.
    page.get_by_label("Agency name").fill("Springfield (IL) Police Department")
    page.get_by_label("Agency type").select_option("local")
    page.get_by_label("State or territory").select_option("IL")
    page.get_by_label("Sworn officers").fill("230")
    page.get_by_label("Population served").fill("114000")
    page.get_by_label("Your name").fill("Lt. Chris Doyle")
    page.get_by_label("Your title").fill("Lieutenant, Professional Standards")
    page.get_by_label("Your e-mail address").fill("not an e-mail")
    page.get_by_label("Your phone number").fill("217-555-0142")
    tick(page.get_by_role("group", name="Are you the agency's chief executive?"), "No")
    page.get_by_label("Chief executive's name").fill("Chief Ada Park")
    tick(page, "Not sure")
    tick(
        page,
        "After-action review — An independent review of how the agency prepared for and responded to an event.",
    )
    for topic in ["Use of force", "Critical incidents"]:  # found by typing in the grouped topic picker
        page.get_by_label("Find a topic").fill(topic)
        tick(page, topic)
    page.get_by_label("Find a topic").fill("")
    page.get_by_label("What happened").fill("A protest turned violent over two nights; officers used force.")
    page.get_by_label("When it happened").fill("2026-10-02")
    tick(page, "Soon: within 30 days")
    tick(page.get_by_role("group", name="Pending investigations or litigation"), "No")
    page.get_by_label("What you are asking for").fill("An independent after-action review of the response.")
    tick(
        page.get_by_role("group", name="Does the request include paying for agency personnel or equipment?"),
        "No",
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Your request was not sent yet")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_focused()  # taken to the list of what to correct
    expect(page.get_by_label("Your name")).to_have_value("Lt. Chris Doyle")
    assert_accessible(page)

    page.get_by_label("Your e-mail address").fill("chris.doyle@springfield.example.gov")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Your request was received")).to_be_visible()
    assert_accessible(page)
    request = Request.objects.get()
    assert request.tracking_number in page.content()

    # Staff: the queue shows the authority flag.
    page = browser.open_page("/requests/?flag=authority", user=users["staff"])
    row = page.get_by_role("row", name=request.tracking_number)
    expect(row).to_contain_text("Springfield (IL) Police Department")
    assert_accessible(page)
    row.get_by_role("link", name=request.tracking_number).click()
    expect(page.get_by_text("Requester authority")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Log a contact").click()
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("With whom at the agency").fill("Chief Ada Park")
    page.get_by_label("Channel").select_option("phone")
    tick(page, "Assess and define the request")
    page.get_by_role("button", name="Log the contact").click()
    expect(page.get_by_text("The contact was logged.")).to_be_visible()

    page.get_by_label("Why this flag can be cleared").fill(
        "The chief confirmed by phone and will send a letter."
    )
    page.get_by_role("button", name="Clear the flag").click()
    expect(page.get_by_text("was cleared")).to_be_visible()

    page.get_by_text("Accept and create a site").click()
    accept = page.locator("form", has=page.get_by_role("button", name="Accept"))
    accept.get_by_label("Program").select_option("critical_response")
    accept.get_by_label("Type of technical assistance").select_option("after_action_review")
    accept.get_by_label("Reason").fill("An after-action review fits Critical Response.")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The request is now accepted.")).to_be_visible()
    assert_accessible(page)

    history = page.locator("table", has_text="Every step of this request").inner_text()
    for step in [
        "Created",
        "flag authority",
        "contacts",
        "cleared",
        "Accepted",  # the state as the lifecycle names it
        "An after-action review fits",
    ]:
        assert step in history, step
    request.refresh_from_db()
    assert request.site.program == "critical_response"
    page.get_by_role("link", name=request.site.title).click()
    expect(page.get_by_role("heading", name=request.site.title)).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()


@pytest.mark.parametrize("path", ["/request/status/", "/requests/"])
def test_intake_pages_are_accessible(browser, users, path):
    page = browser.open_page(path, user=users["staff"] if path == "/requests/" else None)
    assert_accessible(page)
    browser.assert_clean()
