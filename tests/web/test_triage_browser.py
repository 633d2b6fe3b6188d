"""The triage queue and the written authorization in real Chromium with axe: staff find the urgent request
first, assign two requests at once and see the first-contact target; a liaison's request goes to the agency's
chief, who authorizes it on the request's page; the screening flag clears and the request can be accepted."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuum.intake.models import Request
from tests.browser import assert_accessible
from tests.web.intake.conftest import make_request

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/continuum-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"triage-{name}.png"), full_page=True)


def test_staff_work_the_queue_and_the_chief_authorizes(browser, users, orgs):
    routine = make_request(agency_name="Akron PD", urgency="routine")
    Request.objects.filter(pk=routine.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=12))
    urgent = make_request(agency_name="Boise PD", urgency="urgent")
    liaison = make_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name,
                           requester_is_chief_executive=False, chief_executive_name="Chief Elaine Bryant")  # fmt: skip

    page = browser.open_page("/requests/", user=users["staff"])
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Boise PD")  # urgent first, whatever its age
    expect(page.get_by_text("Contact overdue by")).to_be_visible()  # the twelve-day-old one
    assert_accessible(page)
    page.get_by_label(f"Select {urgent.tracking_number}").check()
    page.get_by_label(f"Select {routine.tracking_number}").check()
    page.get_by_label("Assign to").select_option(label=users["staff"].get_full_name())
    page.get_by_role("button", name="Assign the selected requests").click()
    expect(page.get_by_text("2 requests assigned to")).to_be_visible()
    shot(page, "queue")
    assert set(Request.objects.filter(owner=users["staff"]).values_list("pk", flat=True)) == {
        urgent.pk,
        routine.pk,
    }

    page.goto(browser.url(f"/requests/{liaison.pk}/"))
    section = page.locator("section", has=page.get_by_role("heading", name="Written authorization"))
    expect(section).to_contain_text("Missing")
    section.get_by_role("button", name="Send to the chief executive to authorize").click()
    expect(page.get_by_text("Written authorization: sent to the chief executive.")).to_be_visible()

    chief = browser.open_page(f"/requests/{liaison.pk}/", user=users["executive_a"])
    section = chief.locator("section", has=chief.get_by_role("heading", name="Written authorization"))
    assert_accessible(chief)
    shot(chief, "chief-asked")
    section.get_by_role("button", name="Authorize this request").click()
    expect(chief.get_by_text("Written authorization: authorized in continuum.")).to_be_visible()
    shot(chief, "chief-signed")
    liaison.refresh_from_db()
    assert liaison.authorization == Request.Authorization.SIGNED and not liaison.open_flags
