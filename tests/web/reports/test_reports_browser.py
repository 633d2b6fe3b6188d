"""A report in real Chromium: drafted by the provider, reviewed by program staff, commented on and resolved in
the agency's factual-accuracy review, approved and published; axe on the editor pages and the public pages."""

import pytest
from playwright.sync_api import expect

from continuum.reports import editing
from continuum.reports.models import Report
from tests.browser import assert_accessible

from .conftest import fill

pytestmark = pytest.mark.browser


def test_report_from_draft_to_publication(browser, users, site):
    site.is_public = True
    site.save()
    page = browser.open_page(f"/workspace/sites/{site.pk}/reports/", user=users["provider_a"])
    assert_accessible(page)
    page.get_by_label("Title").fill("Columbus use of force review")
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_text("The report was started.")).to_be_visible()
    report = Report.objects.get(site=site)
    fill(report, users["provider_a"])
    page.reload()
    page.get_by_text("Add a finding").click()
    add_finding = page.locator("form", has=page.get_by_role("button", name="Add the finding"))
    add_finding.get_by_label("Finding").fill("Body-worn camera footage is not reviewed after force.")
    add_finding.get_by_role("button", name="Add the finding").click()  # htmx swaps the editor in place
    expect(
        page.get_by_role("heading", name="Finding 3. Body-worn camera footage is not reviewed after force.")
    ).to_be_visible()
    page.get_by_text("Add a recommendation under finding 3").click()
    add_rec = page.locator("details", has_text="Add a recommendation under finding 3")
    add_rec.get_by_label("Recommendation").fill("Review footage of every use of force.")
    add_rec.get_by_label("Responsible party").fill("Shift supervisors")
    add_rec.get_by_role("button", name="Add the recommendation").click()
    expect(page.get_by_role("heading", name="Recommendation 3.1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send for the program's internal review").click()
    expect(page.get_by_text("The report is now internal review.")).to_be_visible()

    page = browser.open_page(report.get_absolute_url(), user=users["staff"])
    assert_accessible(page)
    page.get_by_role("button", name="Send to the agency for factual-accuracy review").click()
    expect(page.get_by_text("The report is now agency factual-accuracy review.")).to_be_visible()

    page = browser.open_page(report.get_absolute_url(), user=users["executive_a"])
    comment = page.locator("form", has=page.get_by_role("button", name="Add the comment"))
    comment.get_by_label("About").select_option(
        label="Finding 2: Supervisors rarely review force reports on time."
    )
    comment.get_by_label("Comment").fill("Reviews now take 30 days: the 2025 data show it.")
    comment.get_by_role("button", name="Add the comment").click()
    expect(page.get_by_text("Reviews now take 30 days")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Factual review done").click()
    expect(page.get_by_text("Marked done by the agency")).to_be_visible()

    page = browser.open_page(report.get_absolute_url(), user=users["provider_a"])
    page.get_by_label("Reply to comment 1").fill("Updated finding 2 with the 2025 figure.")
    page.get_by_role("button", name="Reply and resolve comment 1").click()
    expect(page.get_by_text("The comment is resolved.")).to_be_visible()
    assert_accessible(page)

    page = browser.open_page(report.get_absolute_url(), user=users["staff"])
    page.get_by_role("button", name="Approve the report").click()
    expect(page.get_by_text("The report is now approved.")).to_be_visible()
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text("The report is now published.")).to_be_visible()
    assert_accessible(page)

    page = browser.open_page(f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", name="Recommendation 3.1")).to_be_visible()
    expect(page.get_by_role("img", name="is dark odds ratio", exact=False)).to_be_visible()
    assert_accessible(page)
    page = browser.open_page("/reports/")
    page.get_by_label("State", exact=True).select_option("OH")
    expect(page.get_by_role("link", name="Columbus use of force review")).to_be_visible()
    assert_accessible(page)
    page = browser.open_page(f"/sites/{site.pk}/")
    expect(page.get_by_role("link", name="Columbus use of force review")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()


def test_after_action_editor_is_accessible(browser, users, site):
    report = editing.create_report(
        site, users["provider_a"], title="After-action review", kind="after_action"
    )
    page = browser.open_page(report.get_absolute_url(), user=users["provider_a"])
    expect(page.get_by_text("learning tool, not a disciplinary one").first).to_be_visible()
    page.get_by_text("Import events from a CSV file").click()
    page.locator('input[type="file"][name="import-file"]').set_input_files(
        files=[
            {
                "name": "t.csv",
                "mimeType": "text/csv",
                "buffer": b"when,description,source\nnot a time,x,CAD\n",
            }
        ]
    )
    page.get_by_role("button", name="Import the events").click()
    expect(page.get_by_text("Row 2, column “when”")).to_be_visible()
    assert_accessible(page)
    browser.assert_clean()
