"""Log-in security: two factors for the roles that handle other agencies' cases, lock-out after failed
attempts, session expiry, password rules, and every such event in the audit log."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from continuum.accounts import security
from continuum.accounts.models import User
from continuum.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user, totp_code


def password_step(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def security_events(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(action="security", **filters).values_list("to_state", flat=True))


# --- two factors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["staff", "admin", "provider_a", "sme_a"])
def test_roles_that_require_mfa_sign_in_with_a_code(client, users, key):
    user = users[key]
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    # the password alone opens nothing
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert sorted(security_events(actor=user)) == ["logged_in", "mfa_failed"]


def test_a_code_is_accepted_once(client, users):
    code = totp_code(users["staff"])
    password_step(client, "staff@example.gov")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, "staff@example.gov")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200


def test_agency_users_are_not_required_to_use_mfa(client, users):
    response = password_step(client, "liaison_a@example.gov")
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth acts on commit, inside the request, as in production
def test_staff_without_an_authenticator_must_set_one_up_before_anything_else(client, orgs):
    user = User.objects.create_user(
        email="new-staff@example.gov", password=PASSWORD, role="program_staff", organization=orgs["office"]
    )
    response = password_step(client, user.email)
    assert response["Location"] == "/workspace/"
    for path in ["/workspace/", "/requests/", "/workspace/sites/", "/api/docs"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", path
    # changing one's authenticators asks for the password again (allauth's re-authentication)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/workspace/").status_code == 200
    # the secret is stored encrypted, and recovery codes were made with it
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert stored != secret and decrypt(stored) == secret
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    assert "mfa_added:totp" in security_events(actor=user)


def test_a_recovery_code_signs_in_once(client, users):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(users["provider_a"]).get_unused_codes()
    assert len(codes) == 10
    password_step(client, "provider_a@example.gov")
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/workspace/").status_code == 200
    client.post("/accounts/logout/")
    password_step(client, "provider_a@example.gov")
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200


def test_a_session_that_skipped_the_second_factor_is_ended(client, users):
    """A log-in by any other path (here Django's own) leaves no second-factor record: signed out, audited."""
    client.force_login(users["staff"], backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/workspace/sites/")
    assert (
        response.status_code == 302
        and response["Location"] == "/accounts/login/?next=%2Fworkspace%2Fsites%2F"
    )
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")
    assert "session_without_mfa_ended" in security_events(actor=users["staff"])


def test_the_admin_signs_in_through_the_same_log_in(client, users):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # and its own form is not a way around the second factor: it is never even shown or processed
    response = client.post("/admin/login/", {"username": "admin@example.gov", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "logged_in" not in security_events(actor=users["admin"])


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, users, settings):
    password_step(client, "staff@example.gov")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 429 and "Sign-in temporarily locked" in response.content.decode()
    # the right code is not even checked now, and the password step is locked too
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(users["staff"])})
    assert "locked" in response.content.decode()
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")
    events = security_events()
    assert events.count("mfa_failed") == settings.AXES_FAILURE_LIMIT and "login_failed" not in events
    assert AuditEvent.objects.filter(to_state="locked_out", actor_label="staff@example.gov").exists()
    assert password_step(Client(), "staff@example.gov").status_code == 429


def test_mfa_roles_cannot_remove_their_authenticator(client, users, login):
    login(users["provider_a"])
    response = client.get("/accounts/2fa/totp/deactivate/")
    client.post(response["Location"], {"code": totp_code(users["provider_a"])})  # re-authenticate
    client.post("/accounts/2fa/totp/deactivate/")
    assert security.has_totp(users["provider_a"])
    assert client.get("/workspace/").status_code == 200


def test_authenticator_secrets_follow_a_rotated_secret_key(users, settings):
    from allauth.mfa.utils import encrypt

    token = encrypt("JBSWY3DPEHPK3PXP")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert decrypt(token) == "JBSWY3DPEHPK3PXP"


# --- lock-out ------------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_whatever_its_case(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "Liaison_A@example.gov" if attempt % 2 else "liaison_a@example.gov"
        response = password_step(client, email, "wrong-password")
    assert response.status_code == 429
    # now even the right password is refused, with a page that says why and for how long
    response = password_step(client, "liaison_a@example.gov")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in temporarily locked" in page and "0:15:00" in page
    assert client.get("/workspace/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(to_state="locked_out", actor_label="liaison_a@example.gov").exists()
    # another account from the same address is not locked
    assert password_step(client, "executive_a@example.gov")["Location"] == "/workspace/"


def test_the_lock_lifts_after_the_cool_off(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, "liaison_a@example.gov", "wrong-password")
    assert password_step(client, "liaison_a@example.gov").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert password_step(client, "liaison_a@example.gov")["Location"] == "/workspace/"


def test_a_success_resets_the_count(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, "liaison_a@example.gov", "wrong-password")
    assert password_step(client, "liaison_a@example.gov")["Location"] == "/workspace/"
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, "liaison_a@example.gov", "wrong-password")
    assert password_step(client, "liaison_a@example.gov")["Location"] == "/workspace/"


# --- session expiry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "age", "reason"),
    [(security.LAST_SEEN, "idle", "idle"), (security.LOGIN_AT, "absolute", "absolute")],
)
def test_sessions_expire(client, users, login, settings, field, age, reason):
    login(users["executive_a"])
    assert client.get("/workspace/").status_code == 200
    session = client.session
    limit = settings.SESSION_IDLE_TIMEOUT if age == "idle" else settings.SESSION_COOKIE_AGE
    session[field] = time.time() - limit - 1
    if age == "absolute":
        session[security.LAST_SEEN] = time.time()
    session.save()
    response = client.get("/workspace/sites/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fworkspace%2Fsites%2F"
    assert client.get("/workspace/").status_code == 302
    event = AuditEvent.objects.get(to_state="session_expired")
    assert event.actor == users["executive_a"] and event.reason == reason


def test_activity_keeps_a_session_alive(client, users, login, settings):
    login(users["executive_a"])
    session = client.session
    session[security.LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT + 5
    session.save()
    assert client.get("/workspace/").status_code == 200
    assert client.session[security.LAST_SEEN] > time.time() - 5
    assert client.get("/workspace/").status_code == 200


def test_an_expired_htmx_request_redirects_the_whole_page(client, users, login, settings):
    login(users["staff"])
    session = client.session
    session[security.LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/requests/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/accounts/login/")


def test_session_cookie_ends_with_the_browser(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_IDLE_TIMEOUT <= 30 * 60 and settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


# --- password rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-pw", "too short"),
        ("password1234", "too common"),
        ("738491027364", "entirely numeric"),
        ("liaison_a@example.gov", "too similar"),
    ],
)
def test_password_rules(client, users, login, password, why):
    login(users["liaison_a"])
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200 and why in response.content.decode()
    users["liaison_a"].refresh_from_db()
    assert users["liaison_a"].check_password(PASSWORD)


def test_a_good_password_change_is_audited(client, users, login):
    login(users["liaison_a"])
    new = "a-much-longer-passphrase-91"
    response = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    users["liaison_a"].refresh_from_db()
    assert users["liaison_a"].check_password(new)
    assert "password_changed" in security_events(actor=users["liaison_a"])


def test_make_user_gives_mfa_roles_an_authenticator(orgs):
    staff = make_user("s@example.gov", "program_staff", orgs["office"])
    liaison = make_user("l@example.gov", "agency_liaison", orgs["agency_a"])
    assert security.has_totp(staff) and not security.has_totp(liaison)
