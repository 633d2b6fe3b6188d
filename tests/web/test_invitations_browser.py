"""Invitations in real Chromium with axe: staff accept a new agency's request and invite its chief executive from
the request page; the chief opens the link, sets a password and lands in the workspace. A provider's lead
invites an SME, who sets a password, then an authenticator app, before the workspace."""

import re
import time
import uuid
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from continuum.accounts.models import User
from continuum.intake.models import Request
from tests.browser import assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/continuum-shots")
PASSWORD = "a-long-unusual-passphrase-17"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"invitations-{name}.png"), full_page=True)


def link_in_last_mail(live_server) -> str:
    url = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    return "/invitations/" + url.split("/invitations/", 1)[1]


def tick(scope, label: str) -> None:
    scope.locator("label").get_by_text(label, exact=True).click()


def test_staff_invite_a_new_agencys_chief_who_signs_up(browser, users, orgs, live_server):
    request = Request.objects.create(
        submission_token=uuid.uuid4(), agency=None, agency_name="Springfield (IL) Police Department",
        agency_type="local", agency_state="IL", agency_sworn_officers=230, agency_population_served=114000,
        requester_name="Chief Ada Park", requester_title="Chief of Police",
        requester_email="ada.park@springfield.example.gov", requester_phone="217-555-0142",
        requester_is_chief_executive=True, program_wanted="critical_response", ta_kind="after_action_review",
        what_happened="A protest turned violent over two nights.", urgency="soon", pending_matters="no",
        asked_for="An independent after-action review.", asks_for_costs=False,
    )  # fmt: skip
    page = browser.open_page(f"/requests/{request.pk}/", user=users["staff"])
    page.get_by_text("Accept and create a site").click()
    accept = page.locator("form", has=page.get_by_role("button", name="Accept"))
    accept.get_by_label("Program").select_option("critical_response")
    accept.get_by_label("Type of technical assistance").select_option("after_action_review")
    accept.get_by_label("Reason").fill("An after-action review fits Critical Response.")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The request is now accepted.")).to_be_visible()

    # the new agency has no chief executive with an account: the invitation is offered, filled in
    section = page.locator("section", has=page.get_by_role("heading", name="The agency's accounts"))
    expect(section).to_contain_text("has no chief executive with an account yet")
    form = section.locator("form")
    expect(form.get_by_label("E-mail address")).to_have_value("ada.park@springfield.example.gov")
    expect(form.get_by_label("Agency chief executive")).to_be_checked()
    assert_accessible(page)
    shot(page, "1-request-invite")
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation was sent to ada.park@springfield.example.gov.")).to_be_visible()
    expect(page.get_by_text("Pending invitations: ada.park@springfield.example.gov")).to_be_visible()
    assert_accessible(page)

    # the chief opens the link from the e-mail
    link = link_in_last_mail(live_server)
    page = browser.open_page(link)
    expect(page.get_by_text("agency chief executive of Springfield (IL) Police Department")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Park")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("short")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("This password is too short")).to_be_visible()
    assert_accessible(page)
    shot(page, "2-accept-error")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Your workspace")).to_be_visible()
    expect(page.get_by_text("Welcome to Continuum, Ada.")).to_be_visible()
    assert_accessible(page)
    shot(page, "3-chief-workspace")
    chief = User.objects.get(email="ada.park@springfield.example.gov")
    assert (
        chief.role == "agency_executive" and chief.organization.name == "Springfield (IL) Police Department"
    )

    # the link is used up
    page.goto(browser.url(link))
    expect(page.get_by_text("This invitation has already been used.")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()


def test_a_provider_lead_invites_an_sme_who_sets_up_two_factors(browser, users, orgs, live_server):
    page = browser.open_page(
        f"/workspace/organizations/{orgs['provider_a'].pk}/invitations/", user=users["provider_a"]
    )
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("analyst@jensen.example.com")
    tick(page, "Subject-matter expert")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation was sent to analyst@jensen.example.com.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("analyst@jensen.example.com"))).to_contain_text("Pending")
    assert_accessible(page)
    shot(page, "4-provider-list")

    page = browser.open_page(link_in_last_mail(live_server))
    expect(page.get_by_text("set up an authenticator app")).to_be_visible()
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Lee")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url
    assert_accessible(page)
    shot(page, "5-sme-totp")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    page.goto(browser.url("/workspace/"))
    expect(page.get_by_role("heading", name="Your workspace")).to_be_visible()
    assert_accessible(page)
    shot(page, "6-sme-workspace")
    browser.assert_clean()
