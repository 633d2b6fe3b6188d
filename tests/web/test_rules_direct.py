"""Every object-level permission asked directly (`user.has_perm(perm, obj)`), not through a view.

Views scope their querysets before they ask, so the permission matrix alone never notices a rule that lost its
ownership half (`approve_plan` as "is a chief executive" instead of "is *this agency's* chief executive"). Here
each rule is asked about agency A's objects by every role of agency A, provider A and the program, and by the
same roles of agency B and provider B, who must be refused everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from continuum.accounts.models import Invitation
from continuum.intake.models import Request
from continuum.reports.models import Report
from continuum.sites.models import Site, SiteMember
from tests.conftest import make_user
from tests.web.critac import factories

INSIDERS = ["executive_a", "liaison_a", "provider_a", "sme_a", "staff", "admin"]
OUTSIDERS = ["executive_b", "liaison_b", "provider_b", "sme_b", "sme_off_team"]
PROGRAM = {"staff", "admin"}
TEAM = PROGRAM | {"provider_a", "sme_a"}
AGENCY = {"executive_a", "liaison_a"}

# permission -> which of INSIDERS may, on agency A's site (provider A assigned, SME A on the team).
SITE_RULES = {
    "sites.view_site": TEAM | AGENCY,
    "sites.view_internal": TEAM,
    "sites.manage_site": PROGRAM,
    "sites.deliver": PROGRAM | {"provider_a"},
    "sites.edit_plan": PROGRAM | {"provider_a"},
    "sites.comment_plan": TEAM | AGENCY,
    "sites.approve_plan": {"executive_a"},
    "sites.return_plan": PROGRAM | {"executive_a"},
    "assessment.view_tracking": TEAM | AGENCY,
    "assessment.propose": AGENCY,
    "assessment.verify": TEAM,
    "assessment.manage": PROGRAM | {"provider_a"},
    "assessment.publish": PROGRAM,
    "critac.view_deliveries": TEAM | AGENCY,
    "critac.record_delivery": PROGRAM | {"provider_a"},
    "datasets.view_data": TEAM | AGENCY,
    "datasets.request_data": TEAM,
    "datasets.upload_data": TEAM | AGENCY,
    "datasets.accept_data": TEAM,
    "datasets.view_standard": TEAM,
    "datasets.run_analysis": TEAM,
    "datasets.mark_for_report": PROGRAM | {"provider_a"},
    "delivery.view_delivery": TEAM | AGENCY,
    "delivery.view_internal": TEAM,
    "delivery.log_activity": TEAM,
    "delivery.log_communication": TEAM,
    "delivery.upload_document": TEAM | AGENCY,
    "delivery.choose_visibility": TEAM,
    "delivery.mark_milestone": PROGRAM | {"provider_a"},
    "feedback.view_results": TEAM,
    "reports.view_site_reports": TEAM | AGENCY,
    "reports.draft_report": PROGRAM | {"provider_a"},
    "reports.review_report": PROGRAM,
    "reports.factual_review": AGENCY,
}
# On a report of that site in the agency's factual-accuracy review; a draft is the team's alone.
REPORT_RULES = {
    "reports.view_report": (TEAM | AGENCY, TEAM),
    "reports.comment_report": (TEAM | AGENCY, TEAM),
    "reports.draft_report": (PROGRAM | {"provider_a"}, PROGRAM | {"provider_a"}),
    "reports.factual_review": (AGENCY, AGENCY),
}
# On agency A itself.
AGENCY_RULES = {
    "agencies.view_agency": PROGRAM | AGENCY,
    "agencies.change_agency": PROGRAM | {"executive_a"},
}
# On a request of agency A that became the site.
REQUEST_RULES = {
    "intake.view_request": TEAM | AGENCY,
    "intake.view_letter": PROGRAM | AGENCY,
    "intake.withdraw_request": AGENCY,
    "intake.view_internal": PROGRAM,
    "intake.triage_request": PROGRAM,
    "intake.ask_authorization": PROGRAM | AGENCY,
    "intake.attach_letter": PROGRAM | AGENCY,
    "intake.authorize_request": {"executive_a"},
    "intake.assign_request": PROGRAM,
}


@pytest.fixture
def people(users, orgs):
    """The shared users plus SME B (provider B's) and an SME of provider A on no team."""
    return {
        **users,
        "sme_b": make_user("sme_b@example.gov", "sme", orgs["provider_b"]),
        "sme_off_team": make_user("sme_off@example.gov", "sme", orgs["provider_a"]),
    }


@pytest.fixture
def site_a(orgs, people):
    site = Site.objects.create(
        agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_a"], title="Columbus use of force review", description="Asked for a review.",
    )  # fmt: skip
    SiteMember.objects.create(site=site, user=people["sme_a"], role="sme")
    # Agency B's site, with provider B and SME B on its team: their access there must not leak to A's.
    site_b = Site.objects.create(
        agency=orgs["agency_b"], program="critical_response", ta_type="issue_specific_review",
        provider=orgs["provider_b"], title="Fargo review", description="Asked for a review.",
    )  # fmt: skip
    SiteMember.objects.create(site=site_b, user=people["sme_b"], role="sme")
    return site


def _check(people, perm, obj, allowed):
    got = {key for key in INSIDERS + OUTSIDERS if people[key].has_perm(perm, obj)}
    assert got == set(allowed), f"{perm} on {obj!r}"


@pytest.mark.parametrize("perm", sorted(SITE_RULES))
def test_site_rules(people, site_a, perm):
    _check(people, perm, site_a, SITE_RULES[perm])


@pytest.mark.parametrize("perm", sorted(REPORT_RULES))
def test_report_rules(people, site_a, perm):
    in_review, draft = REPORT_RULES[perm]
    report = Report.objects.create(
        site=site_a, title="Review", created_by=people["staff"], status="agency_review"
    )
    _check(people, perm, report, in_review)
    report.status = Report.Status.DRAFT
    _check(people, perm, report, draft)


@pytest.mark.parametrize("perm", sorted(AGENCY_RULES))
def test_agency_rules(people, orgs, perm):
    _check(people, perm, orgs["agency_a"], AGENCY_RULES[perm])


@pytest.mark.parametrize("perm", sorted(REQUEST_RULES))
def test_request_rules(people, orgs, site_a, perm):
    request = factories.make_request(orgs["agency_a"], ["Use of force"], program="critical_response")
    Request.objects.filter(pk=request.pk).update(site=site_a)
    request.refresh_from_db()
    _check(people, perm, request, REQUEST_RULES[perm])


# Invitations and members: who may grant the role in that organization (continuum.accounts.invitations).
INVITE_RULES = {
    "agency_a": PROGRAM | {"executive_a"},  # the chief executive invites liaisons; staff, chiefs and liaisons
    "provider_a": {"admin", "provider_a"},  # the provider's staff invite staff and SMEs; program staff do not
}
INVITATION_RULES = {
    ("agency_a", "agency_liaison"): PROGRAM | {"executive_a"},
    ("agency_a", "agency_executive"): PROGRAM,
    ("provider_a", "sme"): {"admin", "provider_a"},
}
MEMBER_RULES = {
    "liaison_a": {"admin", "executive_a"},  # the agency's chief removes its liaisons
    "executive_a": {"admin"},  # and nobody else, not even themselves
    "sme_a": {"admin"},
}


@pytest.mark.parametrize("organization", sorted(INVITE_RULES))
def test_invite_rules(people, orgs, organization):
    _check(people, "accounts.invite", orgs[organization], INVITE_RULES[organization])


@pytest.mark.parametrize("organization,role", sorted(INVITATION_RULES))
def test_invitation_rules(people, orgs, organization, role):
    now = timezone.now()
    invitation = Invitation.objects.create(
        email="new@example.gov", role=role, organization=orgs[organization], token_hash="0" * 64,
        invited_by=people["admin"], sent_at=now, expires_at=now + timedelta(days=7),
    )  # fmt: skip
    _check(people, "accounts.manage_invitation", invitation, INVITATION_RULES[(organization, role)])


@pytest.mark.parametrize("member", sorted(MEMBER_RULES))
def test_member_rules(people, member):
    _check(people, "accounts.remove_member", people[member], MEMBER_RULES[member])


def test_a_request_without_a_site_is_not_the_providers(people, orgs):
    request = factories.make_request(orgs["agency_a"], ["Use of force"])
    assert not people["provider_a"].has_perm("intake.view_request", request)
    assert not people["sme_a"].has_perm("intake.view_request", request)
    assert people["liaison_a"].has_perm("intake.view_request", request)


def test_no_object_no_ownership(people):
    """A rule asked about nothing grants only what the role alone grants: nothing of an owner's."""
    for key in ["executive_a", "liaison_a", "provider_a", "sme_a"]:
        user = people[key]
        assert not user.has_perm("sites.approve_plan", None)
        assert not user.has_perm("agencies.change_agency", None)
        assert not user.has_perm("sites.view_site", None)


def test_an_inactive_user_has_nothing(people, site_a):
    chief = people["executive_a"]
    chief.is_active = False
    assert not chief.has_perm("sites.approve_plan", site_a)
    assert not chief.has_perm("sites.view_site", site_a)
