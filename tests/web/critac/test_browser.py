"""Every page of CRI-TAC, feedback and metrics in real Chromium with axe-core (WCAG 2.1 AA), no console error
or CSP violation: the public catalog, routing on a request, the engagements list, a site's deliveries and feedback,
the survey behind its link (before and after answering), and the dashboard with its charts."""

import pytest
from playwright.sync_api import expect

from continuum.critac import routing
from continuum.critac.deliveries import record_delivery
from continuum.critac.models import Delivery
from continuum.feedback import surveys
from continuum.feedback.models import Response
from tests.browser import assert_accessible

from . import factories

pytestmark = pytest.mark.browser


def test_every_page_is_accessible_and_clean(browser, users, orgs, monkeypatch):
    partners = factories.standard_partners()
    partner_user = factories.provider_user(partners["iacp"].provider, "partner_iacp")
    staff = users["staff"]
    open_request = factories.make_request(orgs["agency_b"], ["De-escalation", "Rural policing"])
    routed = factories.make_request(orgs["agency_a"], ["Use of force"])
    site = routing.route(routed, staff, partners["iacp"], "IACP covers use of force.").site
    delivery = record_delivery(site, partner_user, Delivery(
        title="De-escalation training", delivery_type=factories.delivery_type("In-person training"),
        format="in_person", starts_on=factories.days_ago(2), ends_on=factories.days_ago(1), attendees=30,
        attendee_description="Patrol officers", materials="Workbook\nScenario cards",
    ))  # fmt: skip
    tokens = []
    monkeypatch.setattr(
        surveys, "new_token", lambda: tokens.append(f"t{len(tokens)}{'x' * 42}") or tokens[-1]
    )
    survey = surveys.send_survey(site, staff, [surveys.Recipient("a@x.gov", "participant", "Ana"),
                                               surveys.Recipient("b@x.gov", "requester", "Bo")],
                                 occasion="delivery", subject=str(delivery), delivery=delivery)  # fmt: skip
    surveys.submit_response(survey.invitations.get(email="b@x.gov"), Response(satisfaction=4, usefulness=5))

    pages = [
        ("/cri-tac/", None, "CRI-TAC: topics, delivery and partners"),
        (f"/requests/{open_request.pk}/", staff, f"Request {open_request.tracking_number}"),
        ("/workspace/cri-tac/", staff, "CRI-TAC engagements"),
        (f"/workspace/sites/{site.pk}/cri-tac/", partner_user, "CRI-TAC deliveries"),
        (f"/workspace/sites/{site.pk}/cri-tac/", users["liaison_a"], "CRI-TAC deliveries"),
        (f"/workspace/sites/{site.pk}/feedback/", staff, "Feedback"),
        (f"/feedback/{tokens[0]}/", None, "Your feedback"),
        (f"/feedback/{tokens[1]}/", None, "This survey was already answered"),
        ("/workspace/metrics/", staff, "Program metrics"),
    ]
    for path, user, heading in pages:
        page = browser.open_page(path, user=user)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
        browser.assert_clean()

    page = browser.open_page(f"/requests/{open_request.pk}/", user=staff)
    expect(page.get_by_role("table", name="Partner associations")).to_contain_text("National Sheriffs")

    page = browser.open_page(f"/feedback/{tokens[0]}/")
    page.locator("label").get_by_text("Very satisfied", exact=True).click()  # USWDS hides the input itself
    page.locator("label").get_by_text("Very useful", exact=True).click()
    page.get_by_label("What has changed").fill("Supervisors debrief every call.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer was received.")
    assert_accessible(page)
    browser.assert_clean()
    assert Response.objects.get(invitation__email="a@x.gov").satisfaction == 5

    page = browser.open_page("/workspace/metrics/", user=staff)
    expect(page.locator("svg.metrics-chart")).to_have_count(8)
    expect(page.get_by_role("img", name="Requests received and decided by month")).to_be_visible()
