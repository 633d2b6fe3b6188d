"""Done when: an analyst picks an analysis by its name, reads what each setting does, enters a bad value and
sees it on its field with what was typed, fixes it, runs it, watches the job finish, opens the result whose
heading is in words, and embeds it in the report by choosing it. Real Chromium, axe-core on every page."""

import re

import pytest
from django.utils.timezone import localtime
from playwright.sync_api import expect

from continuum.datasets.models import Result
from continuum.reports import editing
from tests.browser import assert_accessible

from .conftest import run_worker

pytestmark = pytest.mark.browser
VOD = "Veil of darkness: stops in daylight and in darkness"


def test_an_analyst_runs_an_analysis_by_name_and_embeds_it(browser, users, site, version):
    report = editing.create_report(site, users["provider_a"], title="Findings on traffic stops")
    report.methodology = "The team analysed the agency's traffic stops."
    editing.save_report(report, users["provider_a"])
    # on a phone: the form and its errors fit the screen
    phone = browser.open_page(f"{version.get_absolute_url()}?analysis=veil-of-darkness", user=users["provider_a"],
                              width=390)  # fmt: skip
    phone.get_by_label("Round clock times to (minutes)").fill("-3")
    phone.get_by_label("Round clock times to (minutes)").press("Enter")
    expect(phone.locator("#form-errors")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    phone.screenshot(path="/tmp/forms2-form-error-390.png", full_page=True)
    page = browser.open_page(version.get_absolute_url(), user=users["provider_a"], width=1280)
    page.get_by_label("Analysis", exact=True).select_option(label=VOD)
    page.get_by_role("button", name="Set its parameters").click()
    expect(page.get_by_role("heading", name=f"Settings of “{VOD}”")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    expect(page.get_by_text("Start of the twilight window: dusk or sunset. Default: dusk")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/forms2-form-1280.png", full_page=True)

    page.get_by_label("Round clock times to (minutes)").fill("-3")
    page.get_by_role("button", name=f"Run “{VOD}”").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("The analysis was not started")
    expect(summary.get_by_role("link", name="Round clock times to (minutes)")).to_be_visible()
    expect(page.locator("#id_run-p_round_minutes_error")).to_contain_text("greater than or equal to 0")
    expect(page.get_by_label("Round clock times to (minutes)")).to_have_value("-3")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    assert_accessible(page)
    page.screenshot(path="/tmp/forms2-form-error-1280.png", full_page=True)

    page.get_by_label("Round clock times to (minutes)").fill("10")
    page.get_by_role("button", name=f"Run “{VOD}”").click()
    status = page.locator("#job-status")
    expect(page.get_by_role("heading", name=f"Analysis: {VOD}")).to_be_visible()
    expect(status).to_contain_text("Queued")
    expect(page.get_by_role("row", name="Round clock times to (minutes) 10")).to_be_visible()
    assert_accessible(page)
    run_worker()
    expect(status).to_contain_text("Done", timeout=10_000)
    page.screenshot(path="/tmp/forms2-job-1280.png", full_page=True)
    page.get_by_role("link", name=re.compile("See the result")).click()
    expect(page.get_by_role("heading", name=f"{VOD}, run 1", exact=True)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/forms2-result-1280.png", full_page=True)

    page = browser.open_page(
        f"/workspace/sites/{site.pk}/reports/{report.pk}/", user=users["provider_a"], width=1280
    )
    page.get_by_text("Embed an analysis result").click()
    ran = localtime(Result.objects.get().created_at)
    page.locator("#id_embed-result").select_option(
        label=f"{VOD}, run 1, on Traffic stops version 1, {ran:%B %-d, %Y}"
    )
    assert_accessible(page)
    page.screenshot(path="/tmp/forms2-embed-1280.png", full_page=True)
    page.get_by_role("button", name="Embed the result").click()
    expect(page.get_by_text(f"Exhibit 1: {VOD} (run 1) on Traffic stops")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/forms2-report-1280.png", full_page=True)
    browser.assert_clean()
