"""The log-in steps in real Chromium: the second-factor page, setting up an authenticator, the lock-out page —
each passes axe-core (WCAG 2.1 AA) with no CSP error."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from continuum.accounts.models import User
from tests.browser import assert_accessible
from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.browser


def _password_step(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_staff_sign_in_with_an_authenticator_code(browser, users):
    page = browser.open_page("/accounts/login/")
    _password_step(page, "staff@example.gov")
    assert "/accounts/2fa/authenticate/" in page.url
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert page.get_by_text("Incorrect code").count() >= 1
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(users["staff"]))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your workspace").is_visible()
    browser.assert_clean()


def test_new_staff_set_up_an_authenticator_first(browser, orgs):
    User.objects.create_user(
        email="new-staff@example.gov", password=PASSWORD, role="program_staff", organization=orgs["office"]
    )
    page = browser.open_page("/accounts/login/?next=/workspace/")
    _password_step(page, "new-staff@example.gov")
    # sent to set up two factors, by way of confirming the password once more
    assert "/accounts/reauthenticate/" in page.url
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/recovery-codes/" in page.url or "/accounts/2fa/" in page.url
    assert_accessible(page)
    page.goto(browser.url("/workspace/"))
    assert page.get_by_role("heading", name="Your workspace").is_visible()
    browser.assert_clean()


def test_the_lock_out_page(browser, users, settings):
    page = browser.open_page("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(page, "liaison_a@example.gov", "wrong-password")
    assert page.get_by_role("heading", name="Sign-in temporarily locked").is_visible()
    assert_accessible(page)
    browser.assert_clean()
