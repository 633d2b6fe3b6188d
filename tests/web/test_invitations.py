"""Issue 16, item 1: invitations and onboarding (continuum.accounts.invitations), on the real database."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum import tokens
from continuum.accounts import invitations
from continuum.accounts.invitations import InvitationError
from continuum.accounts.models import Invitation, User
from continuum.audit.log import history
from continuum.audit.models import AuditEvent
from continuum.workflow import TransitionError
from continuum.workplans import plans
from tests.web.sites.conftest import draft_plan, site  # noqa: F401  (fixture)

NEW_PASSWORD = "a-long-unusual-passphrase-17"


def _invite(actor, org, email="new@agency-a.example.gov", role="agency_liaison"):
    """Invite and return (invitation, clear token), the token read from the e-mail's link."""
    return invitations.invite(actor, org, email, role)


def _token_from(mail) -> str:
    line = next(line for line in mail.body.splitlines() if "/invitations/" in line)
    return line.rstrip("/").rsplit("/", 1)[-1]


def _accept_post(client, token, **over):
    data = {"first_name": "Ana", "last_name": "Ruiz", "job_title": "Chief of Police", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD, **over}  # fmt: skip
    return client.post(reverse("invitations:accept", args=[token]), data)


# Who may grant which role --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inviter, org, roles",
    [
        ("staff", "agency_a", {"agency_executive", "agency_liaison"}),
        ("staff", "provider_a", set()),
        ("staff", "office", set()),
        ("admin", "agency_a", {"agency_executive", "agency_liaison"}),
        ("admin", "provider_b", {"provider_staff", "sme"}),
        ("admin", "office", {"program_staff", "administrator"}),
        ("executive_a", "agency_a", {"agency_liaison"}),
        ("executive_a", "agency_b", set()),
        ("liaison_a", "agency_a", set()),
        ("provider_a", "provider_a", {"provider_staff", "sme"}),
        ("provider_a", "provider_b", set()),
        ("sme_a", "provider_a", set()),
        ("executive_b", "agency_a", set()),
    ],
)
def test_who_may_grant_which_role(users, orgs, inviter, org, roles):
    assert set(invitations.grantable_roles(users[inviter], orgs[org])) == roles


# The life of an invitation -------------------------------------------------------------------------------------


def test_an_invitation_is_mailed_after_commit_and_stores_only_a_hash(
    users, orgs, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = _invite(
            users["staff"], orgs["agency_a"], "Chief@Agency-A.example.gov", "agency_executive"
        )
        assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    (mail,) = mailoutbox
    token = _token_from(mail)
    assert mail.to == ["chief@agency-a.example.gov"]
    assert "agency chief executive of Columbus (OH) Division of Police" in mail.body
    assert token not in invitation.token_hash and invitation.token_hash == tokens.digest(token)
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)
    assert invitation.status == "pending"
    assert history(invitation).filter(action=AuditEvent.Action.CREATED, actor=users["staff"]).exists()


def test_the_expiry_follows_the_setting(users, orgs, settings):
    settings.INVITATION_DAYS = 2
    invitation = _invite(users["staff"], orgs["agency_a"])
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=2)


def test_accepting_creates_the_user_signs_in_and_is_single_use(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(
            users["staff"], orgs["agency_a"], "chief@agency-a.example.gov", "agency_executive"
        )
    token = _token_from(mailoutbox[0])
    page = client.get(reverse("invitations:accept", args=[token]))
    assert page.status_code == 200 and b"agency chief executive of Columbus" in page.content
    response = _accept_post(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("portal:workspace")
    user = User.objects.get(email="chief@agency-a.example.gov")
    assert (user.role, user.organization_id, user.first_name) == (
        "agency_executive",
        orgs["agency_a"].pk,
        "Ana",
    )
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("portal:workspace")).status_code == 200  # signed in, no second factor required
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.user == user
    assert history(invitation).filter(to_state="accepted", actor=user).exists()
    assert history(user).filter(action=AuditEvent.Action.CREATED).exists()
    # used: a second visit is refused and changes nothing
    client.logout()
    again = _accept_post(
        client, token, password1="another-long-passphrase-9", password2="another-long-passphrase-9"
    )
    assert again.status_code == 410 and b"already been used" in again.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_roles_that_need_two_factors_are_led_into_authenticator_set_up(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(users["provider_a"], orgs["provider_a"], "analyst@provider-a.example.org", "sme")
    token = _token_from(mailoutbox[0])
    assert b"authenticator app" in client.get(reverse("invitations:accept", args=[token])).content
    _accept_post(client, token)
    response = client.get(reverse("portal:workspace"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth's activation page opens without asking for the password again (the log-in is fresh)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_the_password_must_pass_the_validators(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(users["staff"], orgs["agency_a"])
    token = _token_from(mailoutbox[0])
    for password in ("short1", "123456789012345", "new@agency-a.example.gov"):
        response = _accept_post(client, token, password1=password, password2=password)
        assert response.status_code == 422
    assert _accept_post(client, token, password2="something-else-entirely").status_code == 422
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# Bad input: refused with a clear message, nothing changed ------------------------------------------------------


def _nothing_created(email):
    assert not User.objects.filter(email=email).exists()


def test_an_expired_invitation_is_refused(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(users["staff"], orgs["agency_a"])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    token = _token_from(mailoutbox[0])
    assert b"expired" in client.get(reverse("invitations:accept", args=[token])).content
    response = _accept_post(client, token)
    assert response.status_code == 410 and b"has expired" in response.content
    _nothing_created(invitation.email)
    with pytest.raises(InvitationError, match="expired"):
        invitations.accept(token, first_name="A", last_name="B", password=NEW_PASSWORD)


def test_a_revoked_invitation_is_refused_and_cannot_be_resent(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(users["staff"], orgs["agency_a"])
    invitations.revoke(users["staff"], invitation)
    assert history(invitation).filter(from_state="pending", to_state="revoked").exists()
    response = _accept_post(client, _token_from(mailoutbox[0]))
    assert response.status_code == 410 and b"withdrawn" in response.content
    _nothing_created(invitation.email)
    with pytest.raises(InvitationError, match="revoked"):
        invitations.resend(users["staff"], invitation)
    with pytest.raises(InvitationError, match="already revoked"):
        invitations.revoke(users["staff"], invitation)


def test_an_unknown_link_is_refused(db, client):
    response = client.get(reverse("invitations:accept", args=["made-up"]))
    assert response.status_code == 404 and b"not valid" in response.content


def test_an_e_mail_already_registered_is_refused(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(InvitationError, match="already has an account"):
        _invite(users["staff"], orgs["agency_a"], "LIAISON_A@example.gov")
    # registered after the invitation was sent: the link is refused
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(users["staff"], orgs["agency_a"], "late@agency-a.example.gov")
    User.objects.create_user(
        "late@agency-a.example.gov", "x" * 20, role="agency_liaison", organization=orgs["agency_a"]
    )
    response = _accept_post(client, _token_from(mailoutbox[0]))
    assert response.status_code == 410 and b"already has an account" in response.content
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "inviter, org, role",
    [
        ("executive_a", "agency_a", "agency_executive"),  # a chief invites liaisons only
        ("liaison_a", "agency_a", "agency_liaison"),
        ("staff", "provider_a", "sme"),
        ("provider_a", "provider_b", "sme"),
        ("sme_a", "provider_a", "sme"),
        ("staff", "agency_a", "administrator"),
        ("executive_b", "agency_a", "agency_liaison"),
    ],
)
def test_a_role_the_inviter_may_not_grant_is_refused(users, orgs, inviter, org, role):
    with pytest.raises(InvitationError, match="You may not invite"):
        _invite(users[inviter], orgs[org], role=role)
    assert not Invitation.objects.exists()


def test_the_page_refuses_a_role_it_does_not_offer(users, orgs, login):
    client = login(users["executive_a"])
    url = reverse("invitations:list", args=[orgs["agency_a"].pk])
    response = client.post(url, {"email": "x@agency-a.example.gov", "role": "agency_executive"})
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_a_second_pending_invitation_for_the_same_address_is_refused(users, orgs):
    _invite(users["staff"], orgs["agency_a"])
    with pytest.raises(InvitationError, match="resend it instead"):
        _invite(users["staff"], orgs["agency_a"])
    assert Invitation.objects.count() == 1


# Resend, revoke, remove -----------------------------------------------------------------------------------------


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    users, orgs, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(users["executive_a"], orgs["agency_a"])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        invitations.resend(users["executive_a"], invitation)
    old, new = _token_from(mailoutbox[0]), _token_from(mailoutbox[1])
    invitation.refresh_from_db()
    assert invitation.status == "pending" and invitation.times_sent == 2
    assert history(invitation).filter(reason="Invitation resent with a new link").exists()
    assert client.get(reverse("invitations:accept", args=[old])).status_code == 404
    assert _accept_post(client, new).status_code == 302


def test_resend_and_revoke_through_the_pages(users, orgs, login, django_capture_on_commit_callbacks):
    invitation = _invite(users["staff"], orgs["agency_a"])
    client = login(users["executive_a"])  # the chief manages the agency's liaison invitations too
    page = client.get(reverse("invitations:list", args=[orgs["agency_a"].pk]))
    assert b"new@agency-a.example.gov" in page.content and b"Pending" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("invitations:resend", args=[invitation.pk])).status_code == 302
    assert client.post(reverse("invitations:revoke", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert b"Revoked" in client.get(reverse("invitations:list", args=[orgs["agency_a"].pk])).content


def test_a_liaison_cannot_manage_invitations(users, orgs, login):
    invitation = _invite(users["staff"], orgs["agency_a"])
    client = login(users["liaison_a"])
    assert client.post(reverse("invitations:revoke", args=[invitation.pk])).status_code == 403
    assert client.get(reverse("invitations:list", args=[orgs["agency_a"].pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_chief_executive_removes_a_liaison(users, orgs, login):
    client = login(users["executive_a"])
    liaison = users["liaison_a"]
    url = reverse("invitations:remove_member", args=[orgs["agency_a"].pk, liaison.pk])
    assert client.post(url).status_code == 302
    liaison.refresh_from_db()
    assert not liaison.is_active
    assert history(liaison).filter(actor=users["executive_a"], changes__is_active=[True, False]).exists()


def test_a_chief_executive_cannot_remove_another_agencys_liaison_or_a_chief(users, orgs, login):
    client = login(users["executive_a"])
    other = reverse("invitations:remove_member", args=[orgs["agency_b"].pk, users["liaison_b"].pk])
    assert client.post(other).status_code == 404
    with pytest.raises(InvitationError):
        invitations.remove_member(users["liaison_a"], users["executive_a"])
    assert (
        client.post(
            reverse("invitations:remove_member", args=[orgs["agency_a"].pk, users["executive_a"].pk])
        ).status_code
        == 403
    )
    assert User.objects.filter(is_active=False).count() == 0


# Where invitations start ---------------------------------------------------------------------------------------


def test_the_agency_page_links_to_invitations_for_those_who_may_invite(users, orgs, login):
    url = reverse("agencies:detail", args=[orgs["agency_a"].pk])
    link = reverse("invitations:list", args=[orgs["agency_a"].pk]).encode()
    assert link in login(users["staff"]).get(url).content
    assert link not in login(users["liaison_a"]).get(url).content


# A plan needs a chief executive to approve it ------------------------------------------------------------------


def test_sending_a_plan_to_an_agency_without_an_active_chief_is_refused(site, users):  # noqa: F811
    plan = draft_plan(site, users["provider_a"])
    User.objects.filter(pk=users["executive_a"].pk).update(is_active=False)
    with pytest.raises(TransitionError, match="no active chief executive") as refused:
        plans.send_for_review(plan, users["provider_a"])
    assert reverse("invitations:list", args=[site.agency_id]) in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == "draft"
    User.objects.filter(pk=users["executive_a"].pk).update(is_active=True)
    plans.send_for_review(plan, users["provider_a"])
    plan.refresh_from_db()
    assert plan.status == "in_review"
