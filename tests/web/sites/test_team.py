"""Teams by organization: the picker names each person's organization, role and e-mail and offers the roster;
another provider's SME joins only deliberately, with a conflict-of-interest statement, both recorded."""

import pytest

from continuum.audit.models import AuditEvent
from continuum.sites import team
from continuum.sites.models import Site, SiteMember
from tests.conftest import make_user


@pytest.fixture
def sme_b(orgs):
    return make_user("sme_b@example.gov", "sme", orgs["provider_b"], first_name="Bea", last_name="Other")


def test_the_picker_names_organization_role_and_email_and_offers_the_roster(
    client, login, users, site, sme_b
):
    login(users["staff"])
    page = client.get(site.get_absolute_url()).content.decode()
    assert team.label(users["sme_a"]) in page  # "Sme SME_A — <provider A>, Subject-matter expert, sme_a@…"
    assert users["sme_a"].email in page and str(users["sme_a"].organization) in page
    roster = set(team.roster(site))
    assert {users["staff"], users["provider_a"], users["sme_a"]} <= roster
    assert users["provider_b"] not in roster and sme_b not in roster and users["liaison_a"] not in roster
    assert set(team.other_smes(site)) == {sme_b}


def test_another_providers_sme_does_not_join_without_confirmation(client, login, users, site, sme_b):
    """The leak this closes: an SME of provider B put on provider A's site, seeing its data, with no one asked."""
    login(users["staff"])
    client.post(f"/workspace/sites/{site.pk}/team/", {"user": sme_b.pk, "role": "sme"})
    assert not SiteMember.objects.filter(site=site, user=sme_b).exists()
    assert not Site.objects.visible_to(sme_b).filter(pk=site.pk).exists()
    assert not sme_b.has_perm("sites.view_site", site)
    no_statement = client.post(f"/workspace/sites/{site.pk}/team/",
                               {"user": sme_b.pk, "role": "sme", "other_organization": "on"})  # fmt: skip
    assert no_statement.status_code == 302 and not SiteMember.objects.filter(user=sme_b).exists()

    client.post(f"/workspace/sites/{site.pk}/team/", {
        "user": sme_b.pk, "role": "sme", "other_organization": "on",
        "conflict_statement": "No tie to the agency; I reviewed a neighbouring county in 2024.",
    })  # fmt: skip
    member = SiteMember.objects.get(site=site, user=sme_b)
    assert member.added_by == users["staff"] and "neighbouring county" in member.conflict_statement
    event = AuditEvent.objects.filter(
        object_id=str(site.pk), changes__has_key="conflict-of-interest statement"
    )
    assert event.count() == 1


def test_the_sites_own_people_join_without_a_statement(users, site):
    member = team.add_member(site, users["sme_a"], "sme", users["staff"])
    assert member.conflict_statement == "" and users["sme_a"].has_perm("sites.view_site", site)


def test_agency_people_and_another_providers_staff_never_join(users, site):
    for who in ("liaison_a", "executive_a", "provider_b"):
        with pytest.raises(team.TeamError, match="cannot join this site's team"):
            team.add_member(
                site, users[who], "sme", users["staff"], confirmed=True, conflict_statement="None"
            )
    assert not site.members.exists()
