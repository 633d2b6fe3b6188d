"""Every page of the foundation passes axe-core's WCAG 2.1 A/AA rules in real Chromium, with no CSP error."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/", "/accounts/login/", "/accounts/password/reset/", "/programs/", "/programs/cri-tac/",
    "/programs/critical-response/", "/programs/organizational-assessment/", "/faq/", "/contact/",
    "/sites/", "/sites/closed/", "/reports/", "/reports/recommendations/",
    "/methods/", "/methods/veil-of-darkness/", "/methods/use-of-force/", "/methods/staffing/",
]  # fmt: skip


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(browser, path):
    page = browser.open_page(path)
    assert (
        page.locator(".usa-banner").get_by_text("An official website of the United States government").count()
    )
    assert_accessible(page)
    browser.assert_clean()


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "provider_a", "sme_a", "staff", "admin"])
def test_workspace_is_accessible_for_every_role(browser, users, who):
    page = browser.open_page("/workspace/", user=users[who])
    assert page.get_by_role("heading", name="Your workspace").is_visible()
    assert_accessible(page)
    browser.assert_clean()


@pytest.mark.parametrize("who", ["executive_a", "provider_a", "staff"])
def test_notifications_and_deadlines_are_accessible(browser, users, who):
    for path in ["/workspace/notifications/", "/workspace/deadlines/"]:
        page = browser.open_page(path, user=users[who])
        assert_accessible(page)
    browser.assert_clean()


def test_staff_pages_are_accessible(browser, users, orgs):
    agency = orgs["agency_a"]
    for path in [
        "/agencies/",
        f"/agencies/{agency.pk}/",
        f"/agencies/{agency.pk}/edit/",
        f"/workspace/organizations/{agency.pk}/invitations/",
        f"/history/agencies/agency/{agency.pk}/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]:
        page = browser.open_page(path, user=users["staff"])
        assert_accessible(page)
    browser.assert_clean()


def test_form_errors_are_accessible(browser, users, orgs):
    page = browser.open_page(f"/agencies/{orgs['agency_a'].pk}/edit/", user=users["executive_a"])
    page.get_by_label("Sworn officers").fill("-5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".usa-error-message").count() == 1
    assert_accessible(page)
    browser.assert_clean()


def test_login_with_wrong_password_is_accessible(browser, users):
    page = browser.open_page("/accounts/login/")
    page.get_by_label("Email").fill(users["staff"].email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_text("not correct").count() >= 1
    assert_accessible(page)
    browser.assert_clean()


def test_agency_filter_updates_live(browser, users, orgs):
    """htmx swaps the result table in as the user types, without a page load."""
    page = browser.open_page("/agencies/", user=users["staff"])
    assert page.locator("#agency-results tbody tr").count() == 2
    page.get_by_label("Search by name, city or ORI").fill("Fargo")
    expect(page.locator("#agency-results tbody tr")).to_have_count(1)
    assert page.locator("#agency-results").get_by_text("Fargo (ND) Police Department").is_visible()
    assert "q=Fargo" in page.url
    assert_accessible(page)
    browser.assert_clean()


def test_data_dictionary_is_accessible(browser, users):
    """The data dictionary (issue 18, item 2): every table's columns and every analysis's settings, in tables
    that stack on a narrow screen."""
    page = browser.open_page("/workspace/data-dictionary/", user=users["liaison_a"])
    assert page.get_by_role("heading", name="Data dictionary", level=1).is_visible()
    assert page.get_by_role("heading", name="Use of force", level=2).is_visible()
    assert_accessible(page)
    page.screenshot(path=_shot("data-dictionary.png"))
    page.locator("#table-stops").scroll_into_view_if_needed()
    page.screenshot(path=_shot("data-dictionary-stops.png"))
    page.locator("#analysis-outcome-test").scroll_into_view_if_needed()
    page.screenshot(path=_shot("data-dictionary-settings.png"))
    page.set_viewport_size({"width": 400, "height": 900})
    assert_accessible(page)
    page.screenshot(path=_shot("data-dictionary-narrow.png"))
    browser.assert_clean()


def _shot(name: str) -> str:
    """Where a page's screenshot goes for a reviewer to look at (CONTINUUM_SHOTS), else the temporary folder."""
    import os
    import tempfile

    folder = os.environ.get("CONTINUUM_SHOTS") or tempfile.gettempdir()
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)
