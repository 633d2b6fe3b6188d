"""Tracking pages by role, the public progress report, and a walk through the pages in real Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuum.assessment import progress, tracking
from continuum.assessment.models import Implementation
from tests.browser import assert_accessible

# who → (matrix, item page, CSV export, public progress page)
MATRIX = {
    "anonymous": (302, 302, 302, 200),
    "executive_a": (200, 200, 200, 200),
    "executive_b": (404, 404, 404, 200),
    "provider_a": (200, 200, 200, 200),
    "provider_b": (404, 404, 404, 200),
    "staff": (200, 200, 200, 200),
}


@pytest.fixture
def tracked(oa_site, users):
    tracking.import_recommendations(oa_site, users["staff"])
    report = progress.draft(
        oa_site, users["staff"], as_of=timezone.localdate(oa_site.created_at), narrative="**Six** months."
    )
    progress.publish(report, users["staff"])
    return oa_site


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, users, login, tracked, who):
    if who != "anonymous":
        login(users[who])
    item = Implementation.objects.first()
    base = f"/workspace/sites/{tracked.pk}/implementation"
    got = tuple(client.get(p).status_code for p in [f"{base}/", f"{base}/{item.pk}/", f"{base}/export.csv",
                                                    f"/sites/{tracked.pk}/progress/1/"])  # fmt: skip
    assert got == MATRIX[who]


def test_unpublished_progress_reports_are_not_public(client, users, tracked):
    progress.draft(tracked, users["staff"], as_of=timezone.localdate(tracked.created_at), narrative="Draft")
    assert client.get(f"/sites/{tracked.pk}/progress/2/").status_code == 404
    tracked.is_public = False
    tracked.save()
    assert client.get(f"/sites/{tracked.pk}/progress/1/").status_code == 404


def test_public_progress_page_shows_counts_and_charts(client, tracked):
    html = client.get(f"/sites/{tracked.pk}/progress/1/").content.decode()
    assert "<strong>Six</strong> months." in html
    chart = re.search(
        r'<svg [^>]*role="img" aria-labelledby="([\w-]+)-title \1-desc"[^>]*>(.*?)</svg>', html, re.S
    )
    assert chart and '-title">Recommendations by status as of' in chart.group(2)
    assert re.search(r"<desc [^>]*>Recommendations by status [^<]*Not started: 5", chart.group(2))
    assert "Not started</th><td>5</td>" in html


def test_propose_and_verify_through_the_pages(client, users, login, tracked):
    item = Implementation.objects.get(number="1.1")
    base = f"/workspace/sites/{tracked.pk}/implementation/{item.pk}"
    login(users["executive_a"])
    bad = client.post(f"{base}/propose/", {"proposal-status": "complete", "proposal-evidence": "",
                                           "proposal-evidence_date": "2026-11-01"})  # fmt: skip
    assert bad.status_code == 422
    client.post(f"{base}/propose/", {"proposal-status": "complete", "proposal-evidence": "Directive 2.01 signed",
                                     "proposal-evidence_date": "2026-11-01"})  # fmt: skip
    proposal = item.proposals.get()
    assert client.post(f"{base}/proposals/{proposal.pk}/accept/", {}).status_code == 403
    login(users["provider_a"])
    client.post(f"{base}/proposals/{proposal.pk}/accept/", {"verify-reason": "Checked the directive"})
    item.refresh_from_db()
    assert item.status == "complete"


@pytest.mark.browser
def test_tracking_pages_are_accessible(browser, users, tracked):
    item = Implementation.objects.get(number="1.1")
    base = f"/workspace/sites/{tracked.pk}/implementation"
    page = browser.open_page(f"{base}/{item.pk}/", user=users["executive_a"])
    page.get_by_label("Proposed status").select_option("in_progress")
    page.get_by_role("textbox", name="Evidence *", exact=True).fill("Draft directive circulated for comment.")
    page.get_by_label("Date of the evidence").fill("2026-11-01")
    page.get_by_role("button", name="Send for verification").click()
    expect(page.get_by_text("Your proposal was sent for verification.")).to_be_visible()
    assert_accessible(page)
    for path, who in [(f"{base}/", "staff"), (f"{base}/{item.pk}/", "provider_a"), (f"{base}/progress/1/", "staff"),
                      (f"/sites/{tracked.pk}/progress/1/", None)]:  # fmt: skip
        page = browser.open_page(path, user=users[who] if who else None)
        assert_accessible(page)
    browser.assert_clean()
