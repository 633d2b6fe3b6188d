"""Issuing an API token in real Chromium: the owner confirms who they are, the request resumes, the token is
shown once with its expiry (issue 20, item 8)."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_liaison_confirms_their_password_and_gets_the_token_once(browser, users):
    page = browser.open_page("/workspace/api-tokens/", user=users["liaison_a"])
    expect(page.get_by_text("A new token works for 90 days")).to_be_visible()
    page.get_by_label("What the token is for").fill("Records system sync")
    page.get_by_role("button", name="Issue a token").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Copy your new token now")).to_be_visible()  # the issue resumed, no second click
    row = page.get_by_role("row", name="Records system sync")
    expect(row).to_contain_text("Never")
    assert_accessible(page)
    browser.assert_clean()
