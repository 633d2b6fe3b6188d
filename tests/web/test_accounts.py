"""Accounts: roles tied to organizations, e-mail log-in, log-out and password reset, all audited."""

import re

import pytest
from django.core.exceptions import ValidationError

from continuum.accounts.models import User
from continuum.audit.models import AuditEvent
from tests.conftest import PASSWORD


def test_role_must_match_the_kind_of_organization(orgs):
    user = User(email="x@example.gov", role="agency_liaison", organization=orgs["provider_a"])
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "must belong to a agency" in str(excinfo.value)
    user.organization = orgs["agency_a"]
    user.full_clean(exclude=["password"])


def test_every_user_needs_an_organization(db):
    user = User(email="nobody@example.gov", role="program_staff")
    with pytest.raises(ValidationError, match="Every user belongs to an organization"):
        user.full_clean(exclude=["password"])


def test_only_administrators_reach_the_admin(users):
    assert users["admin"].is_staff and users["admin"].is_superuser
    for key in ["staff", "executive_a", "provider_a", "sme_a"]:
        assert not users[key].is_staff and not users[key].is_superuser


def test_role_groups(users):
    assert users["staff"].is_program_side and users["admin"].is_program_side
    assert users["executive_a"].is_agency_user and users["liaison_a"].is_agency_user
    assert users["provider_a"].is_provider_user and users["sme_a"].is_provider_user
    assert not users["provider_a"].is_program_side
    users["staff"].is_active = False
    assert not users["staff"].is_program_side


def test_email_login_and_logout_are_audited(client, users):
    response = client.post("/accounts/login/", {"login": "LIAISON_A@example.gov", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/workspace/").status_code == 302
    states = list(
        AuditEvent.objects.filter(actor=users["liaison_a"], action="security").values_list(
            "to_state", flat=True
        )
    )
    assert sorted(states) == ["logged_in", "logged_out"]


def test_failed_login_is_audited_without_the_password(client, users):
    response = client.post("/accounts/login/", {"login": "staff@example.gov", "password": "wrong-password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    event = AuditEvent.objects.get(to_state="login_failed")
    assert event.actor_label == "staff@example.gov"
    assert "wrong-password" not in str(event.changes) + event.reason


def test_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "new@example.gov", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not User.objects.filter(email="new@example.gov").exists()
    assert response.status_code == 200


def test_password_reset_by_email(client, users, mailoutbox, settings):
    client.post("/accounts/password/reset/", {"email": "liaison_a@example.gov"})
    assert len(mailoutbox) == 1
    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-new-long-passphrase-77"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    users["liaison_a"].refresh_from_db()
    assert users["liaison_a"].check_password(new_password)
    assert AuditEvent.objects.filter(actor=users["liaison_a"], to_state="password_reset").exists()


def test_password_rules_apply(client, users, login):
    login(users["staff"])
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    users["staff"].refresh_from_db()
    assert users["staff"].check_password(PASSWORD)


def test_administrators_follow_the_programs_rules_but_keep_the_admin(users):
    """Superuser status opens the Django admin, not the agency's part of the workflow."""
    admin = users["admin"]
    assert admin.has_perm("agencies.change_agency") and admin.has_perm("accounts.add_user")
    assert admin.has_perm("assessment.publish")  # a program-side right, granted by the rule itself
    assert not admin.has_perm("assessment.propose")  # the agency's own act
