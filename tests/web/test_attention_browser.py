"""Issue 16 in real Chromium with axe: a new agency's chief executive, invited, signs up, finds the work plan in
"Needs your attention" (and the count in the navigation), approves it, and reads the notification; staff's and a
provider's workspaces, the notifications list and the deadlines page with the calendar feed."""

import datetime
import re
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from continuum.accounts import invitations
from continuum.intake import transitions as intake
from continuum.intake.models import Request
from continuum.notifications.models import Notification
from continuum.workplans import plans
from continuum.workplans.models import Activity, Deliverable, Objective
from tests.browser import assert_accessible
from tests.web.critac import factories

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-16b")
PASSWORD = "a-long-unusual-passphrase-17"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_invited_chief_finds_the_plan_waiting_and_approves_it(browser, users, orgs, live_server):
    staff, provider = users["staff"], users["provider_a"]
    request = Request.objects.create(
        submission_token=uuid.uuid4(), agency=None, agency_name="Springfield (IL) Police Department",
        agency_type="local", agency_state="IL", agency_sworn_officers=230, agency_population_served=114000,
        requester_name="Chief Ada Park", requester_title="Chief of Police",
        requester_email="ada.park@springfield.example.gov", requester_phone="217-555-0142",
        requester_is_chief_executive=True, program_wanted="critical_response", ta_kind="after_action_review",
        what_happened="A protest turned violent over two nights.", urgency="urgent", pending_matters="no",
        asked_for="An independent after-action review.", asks_for_costs=False,
    )  # fmt: skip
    Request.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=12))
    intake.start_review(request, staff, "Assessment call")
    site = intake.accept(request, staff, "In scope", program="critical_response", ta_type="after_action_review",
                         title="Springfield after-action review", provider=orgs["provider_a"]).site  # fmt: skip
    invitations.invite(staff, site.agency, "ada.park@springfield.example.gov", "agency_executive")
    link = re.search(r"/invitations/\S+/", mail.outbox[-1].body).group(0)

    # the chief signs up from the invitation: nothing waits yet
    page = browser.open_page(link)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Park")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Your workspace")).to_be_visible()
    expect(page.get_by_text("Nothing needs you now.")).to_be_visible()

    # the provider drafts the plan and sends it for approval
    plan = plans.open_draft(site, provider)
    plans.add_item(plan, provider, Objective(text="Reconstruct the two nights' command decisions."))
    plans.add_item(plan, provider, Activity(kind="interview", title="Command staff interviews"))
    in_60_days = timezone.localdate() + datetime.timedelta(days=60)
    plans.add_item(plan, provider, Deliverable(title="Draft report", due_on=in_60_days))
    plans.send_for_review(plan, provider, message="The plan for your approval.")

    page.reload()
    attention = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Needs your attention"))
    )
    expect(attention.get_by_role("heading")).to_have_text("Needs your attention (1)")
    row = attention.get_by_role("row", name=re.compile("Work plan v1"))
    expect(row).to_contain_text("Work plan to approve")
    expect(row).to_contain_text("Springfield after-action review")
    expect(page.get_by_role("link", name="Workspace 1 need your attention")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    assert_accessible(page)
    shot(page, "1-chief-workspace-plan-waiting")

    row.get_by_role("link", name="Work plan v1").click()
    page.get_by_role("button", name="Approve this version").click()
    expect(page.get_by_text(re.compile("approved", re.I)).first).to_be_visible()
    page.goto(browser.url("/workspace/"))
    expect(page.get_by_text("Nothing needs you now.")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by.email == "ada.park@springfield.example.gov"

    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text("The plan for your approval.")).to_be_visible()
    assert_accessible(page)
    shot(page, "2-chief-notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("0 unread")).to_be_visible()

    page.goto(browser.url("/workspace/"))
    page.get_by_role("link", name="All your deadlines").click()
    expect(page.get_by_role("row", name=re.compile("Draft report"))).to_contain_text("Milestone")
    page.get_by_role("button", name="Make my calendar feed").click()
    expect(page.get_by_text("Copy your feed's address now")).to_be_visible()
    feed_url = page.locator("code.continuum-token").inner_text()
    assert_accessible(page)
    shot(page, "3-chief-deadlines-feed")
    ics = page.request.get(feed_url)
    assert ics.ok and "SUMMARY:Milestone: Draft report" in ics.text()

    # the provider hears of the approval. Elsewhere an urgent request waits for staff, uncontacted for nine
    # days, and a milestone of another site is late
    assert Notification.objects.filter(user=provider, text__contains="Approve this version").exists()
    factories.make_request(orgs["agency_b"], urgency="urgent")
    Request.objects.filter(agency=orgs["agency_b"]).update(
        submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    other = factories.engagement(orgs["agency_a"], orgs["provider_a"], program="critical_response",
                                 title="Columbus use of force review")  # fmt: skip
    late = plans.open_draft(other, provider)
    plans.add_item(late, provider, Objective(text="Review the use-of-force policy."))
    plans.add_item(late, provider, Activity(kind="site_visit", title="Site visit"))
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    plans.add_item(late, provider, Deliverable(title="Inception memo", due_on=three_days_ago))
    plans.send_for_review(late, provider)
    plans.approve(late, users["executive_a"])
    page = browser.open_page("/workspace/", user=staff)
    expect(page.get_by_role("row", name=re.compile("Fargo"))).to_contain_text(
        "Request: urgent, unassigned, past the contact target"
    )
    expect(page.get_by_role("row", name=re.compile("Inception memo"))).to_contain_text("Overdue milestone")
    assert_accessible(page)
    shot(page, "4-staff-workspace")
    page = browser.open_page("/workspace/", user=provider)
    expect(page.get_by_role("row", name=re.compile("Inception memo"))).to_contain_text("3 days late")
    assert_accessible(page)
    shot(page, "5-provider-workspace")
    page = browser.open_page("/workspace/notifications/", user=provider)
    expect(page.get_by_text("Springfield after-action review").first).to_be_visible()
    assert_accessible(page)
    shot(page, "6-provider-notifications")
    browser.assert_clean()
