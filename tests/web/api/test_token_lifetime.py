"""Issue 20 item 8: a token lives no longer than its owner's standing. It expires (sooner for roles that sign
in with a second factor), a password change ends it, a lock-out suspends it, and issuing one asks the owner to
confirm who they are again."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from continuum.api.models import ApiToken
from tests.conftest import PASSWORD


def _get(client, value):
    return client.get("/api/sites", HTTP_AUTHORIZATION=f"Bearer {value}").status_code


def test_tokens_expire_sooner_for_roles_with_a_second_factor(client, users, login):
    liaison, value = ApiToken.issue(users["liaison_a"], "sync")
    staff, _ = ApiToken.issue(users["staff"], "sync")
    now = timezone.now()
    assert (
        abs(liaison.expires_at - now - datetime.timedelta(days=settings.API_TOKEN_DAYS)).total_seconds() < 60
    )
    assert (
        abs(staff.expires_at - now - datetime.timedelta(days=settings.API_TOKEN_DAYS_MFA)).total_seconds()
        < 60
    )
    assert settings.API_TOKEN_DAYS_MFA < settings.API_TOKEN_DAYS
    assert _get(client, value) == 200
    ApiToken.objects.filter(pk=liaison.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    assert _get(client, value) == 401
    page = login(users["liaison_a"]).get("/workspace/api-tokens/").content.decode()
    assert f"Expired {now:%Y-%m-%d}" in page and "Revoke “sync”" not in page


def test_a_password_change_ends_every_token(client, users, login):
    token, value = ApiToken.issue(users["liaison_a"], "sync")
    assert _get(client, value) == 200
    user = users["liaison_a"]
    user.set_password("a new and different passphrase 2026")
    user.save()
    assert _get(client, value) == 401
    assert ApiToken.objects.get(pk=token.pk).state == "Ended by a password change"
    _, fresh = ApiToken.issue(user, "after the change")  # a token issued after the change works
    assert _get(client, fresh) == 200


def test_a_locked_out_account_has_its_tokens_refused_until_the_lock_ends(client, users):
    _, value = ApiToken.issue(users["staff"], "sync")
    attempt = AccessAttempt.objects.create(
        username=users["staff"].email.lower(), ip_address="203.0.113.9", user_agent="guesser", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=settings.AXES_FAILURE_LIMIT,
    )  # fmt: skip
    assert _get(client, value) == 401  # whoever is guessing the password, from wherever
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert _get(client, value) == 200


def test_issuing_a_token_asks_the_owner_to_confirm_who_they_are(client, users, login):
    login(users["liaison_a"])  # signed in a moment ago, which is not a deliberate confirmation
    assert client.get("/workspace/api-tokens/").status_code == 200  # the list needs nothing more
    response = client.post("/workspace/api-tokens/", {"name": "records sync"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert not ApiToken.objects.exists()
    confirmed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert confirmed.status_code == 200
    assert ApiToken.objects.filter(
        user=users["liaison_a"], name="records sync"
    ).exists()  # the request resumed
    assert "Copy your new token now" in confirmed.content.decode()
