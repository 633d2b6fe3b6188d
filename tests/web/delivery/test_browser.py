"""Every delivery page in real Chromium with axe-core, for the team and for the agency, with records in the
tables, plus an upload refused for its content and a communication logged through the form."""

import datetime

import pytest
from playwright.sync_api import expect

from continuum.delivery import documents, milestones
from continuum.delivery.models import Communication, Document
from continuum.delivery.work import log_communication
from continuum.workplans.models import Deliverable
from tests.browser import assert_accessible

from .conftest import PDF, today, upload

pytestmark = pytest.mark.browser


@pytest.fixture
def delivered(site, users):
    staff = users["staff"]
    twenty_days_ago = today() - datetime.timedelta(days=20)
    call = Communication(
        occurred_on=twenty_days_ago, kind="call", participants="Chief; lead", summary="Agreed."
    )
    log_communication(site, staff, call)
    internal = Communication(
        occurred_on=today(),
        kind="meeting",
        with_agency=False,
        participants="Team",
        summary="Internal planning.",
    )
    log_communication(site, staff, internal)
    version = documents.add_document(
        site, staff, Document(title="Use-of-force policy", kind="policy", visibility="team_and_agency"),
        upload("policy.pdf", PDF),
    )  # fmt: skip
    memo = Deliverable.objects.get(plan__site=site, title="Inception memo")
    milestones.mark_done(site, memo, staff, today())
    return version.document


def _pages(site, document):
    base = f"/workspace/sites/{site.pk}/"
    return [f"{base}communications/", f"{base}activities/", f"{base}documents/",
            f"{base}documents/{document.pk}/", f"{base}milestones/"]  # fmt: skip


@pytest.mark.parametrize("who", ["provider_a", "liaison_a"])
def test_delivery_pages_are_accessible(browser, users, site, delivered, who):
    for path in _pages(site, delivered):
        page = browser.open_page(path, user=users[who])
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text(site.title)
        assert_accessible(page)
        browser.assert_clean()


def test_forms_and_their_errors_in_the_browser(browser, users, site, delivered):
    page = browser.open_page(f"/workspace/sites/{site.pk}/documents/", user=users["staff"])
    page.get_by_label("Title").fill("Not really a PDF")
    page.get_by_label("File").set_input_files(
        files=[{"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("The file fake.pdf is named as a PDF")
    assert_accessible(page)
    assert not Document.objects.filter(title="Not really a PDF").exists()

    page = browser.open_page(f"/workspace/sites/{site.pk}/communications/", user=users["staff"])
    expect(page.locator(".usa-alert--warning")).to_contain_text("20 days since the last contact")
    page.get_by_label("Date").fill(today().isoformat())
    page.get_by_label("Kind").select_option("email")
    page.get_by_label("Participants").fill("Liaison; program manager")
    page.get_by_label("Summary").fill("Confirmed the site visit dates.")
    page.get_by_role("button", name="Log the communication").click()
    expect(page.get_by_role("status")).to_contain_text("The communication was logged.")
    expect(page.locator("table")).to_contain_text("Confirmed the site visit dates.")
    expect(page.locator(".usa-alert--warning")).to_have_count(0)
    assert_accessible(page)
    browser.assert_clean()
