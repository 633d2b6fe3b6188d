"""Site pages by role, the staff overview's filters, and the public lists that leak nothing internal."""

import pytest

from continuum.sites import transitions
from continuum.sites.models import Site
from continuum.workflow import take

from .conftest import published_report

# who → status of agency A's site page, agency B's site page, the edit page of A's site
MATRIX = {
    "anonymous": (302, 302, 302),
    "executive_a": (200, 404, 403),
    "liaison_a": (200, 404, 403),
    "executive_b": (404, 200, 404),
    "provider_a": (200, 404, 403),
    "provider_b": (404, 404, 404),
    "sme_a": (404, 404, 404),  # not on the team
    "staff": (200, 200, 200),
    "admin": (200, 200, 200),
}


@pytest.fixture
def two_sites(site, orgs):
    other = Site.objects.create(agency=orgs["agency_b"], program="cri_tac", ta_type="technical_assistance",
                                title="Fargo training", description="x")  # fmt: skip
    return site, other


@pytest.mark.parametrize("who", MATRIX)
def test_site_page_permission_matrix(client, users, login, two_sites, who):
    a, b = two_sites
    if who != "anonymous":
        login(users[who])
    got = tuple(client.get(path).status_code for path in [
        f"/workspace/sites/{a.pk}/", f"/workspace/sites/{b.pk}/", f"/workspace/sites/{a.pk}/edit/",
    ])  # fmt: skip
    assert got == MATRIX[who]


def test_sme_sees_the_sites_whose_team_they_are_on(client, users, login, site):
    login(users["sme_a"])
    assert client.get(f"/workspace/sites/{site.pk}/").status_code == 404
    site.members.create(user=users["sme_a"], role="sme")
    assert client.get(f"/workspace/sites/{site.pk}/").status_code == 200
    assert [s.pk for s in client.get("/workspace/sites/").context["sites"]] == [site.pk]


def test_agency_does_not_see_the_internal_timeline(client, users, login, approved_site):
    login(users["executive_a"])
    html = client.get(f"/workspace/sites/{approved_site.pk}/").content.decode()
    assert "Every change to this site" not in html
    login(users["provider_a"])
    assert "Every change to this site" in client.get(f"/workspace/sites/{approved_site.pk}/").content.decode()


def test_my_sites_per_role(client, users, login, two_sites):
    a, b = two_sites
    for who, expected in [("executive_a", {a.pk}), ("provider_a", {a.pk}), ("provider_b", set()),
                          ("staff", {a.pk, b.pk})]:  # fmt: skip
        login(users[who])
        assert {s.pk for s in client.get("/workspace/sites/").context["sites"]} == expected, who


def test_staff_overview_filters(client, users, login, two_sites, orgs):
    a, b = two_sites
    login(users["staff"])
    for params, expected in [
        ({"program": "cri_tac"}, [b.pk]), ({"status": "work_plan"}, [b.pk, a.pk]),
        ({"provider": orgs["provider_a"].pk}, [a.pk]), ({"state": "ND"}, [b.pk]), ({"q": "columbus"}, [a.pk]),
    ]:  # fmt: skip
        assert sorted(s.pk for s in client.get("/workspace/sites/", params).context["sites"]) == sorted(
            expected
        )
    from continuum.catalog.models import Topic

    topic = Topic.objects.get(name="Use of force")
    a.topics.add(topic)
    assert [s.pk for s in client.get("/workspace/sites/", {"topic": topic.pk}).context["sites"]] == [a.pk]


def test_staff_edit_the_site_record_audited(client, users, login, site, orgs):
    login(users["staff"])
    data = {"title": site.title, "program": site.program, "ta_type": site.ta_type, "provider": orgs["provider_b"].pk,
            "topics": [], "public_summary": "", "is_public": "on", "target_end_on": ""}  # fmt: skip
    assert client.post(f"/workspace/sites/{site.pk}/edit/", data).status_code == 302
    site.refresh_from_db()
    assert not site.is_public and site.provider == orgs["provider_b"]  # listed only by its announcement
    site.is_public = True  # once announced, its public summary cannot be emptied
    site.save()
    bad = client.post(f"/workspace/sites/{site.pk}/edit/", data)
    assert "needs its public summary" in bad.content.decode()
    from continuum.audit.log import history

    assert history(site).first().changes["provider"] == ["Jensen Hughes", "National Policing Institute"]


def test_team_management(client, users, login, site):
    login(users["staff"])
    assert (
        client.post(
            f"/workspace/sites/{site.pk}/team/", {"user": users["sme_a"].pk, "role": "sme"}
        ).status_code
        == 302
    )
    member = site.members.get()
    # A provider's staff from another organization cannot be put on the team.
    client.post(
        f"/workspace/sites/{site.pk}/team/", {"user": users["provider_b"].pk, "role": "provider_staff"}
    )
    assert site.members.count() == 1
    client.post(f"/workspace/sites/{site.pk}/team/{member.pk}/remove/")
    assert not site.members.exists()
    login(users["provider_a"])
    assert (
        client.post(
            f"/workspace/sites/{site.pk}/team/", {"user": users["sme_a"].pk, "role": "sme"}
        ).status_code
        == 403
    )


def test_step_buttons_follow_the_table_and_permission(client, users, login, approved_site):
    login(users["executive_a"])
    html = client.get(f"/workspace/sites/{approved_site.pk}/").content.decode()
    assert "Suspend" not in html
    assert client.post(f"/workspace/sites/{approved_site.pk}/steps/suspend/").status_code == 403
    login(users["staff"])
    html = client.get(f"/workspace/sites/{approved_site.pk}/").content.decode()
    assert "Suspend" in html and "Start delivery" not in html and "Close the site" not in html
    client.post(f"/workspace/sites/{approved_site.pk}/steps/suspend/", {"suspend-reason": "Chief on leave"})
    approved_site.refresh_from_db()
    assert approved_site.status == "suspended"
    assert client.post(f"/workspace/sites/{approved_site.pk}/steps/teleport/").status_code == 404


def test_public_lists_show_only_public_sites_and_nothing_internal(client, users, approved_site, orgs):
    hidden = Site.objects.create(agency=orgs["agency_b"], program="cri_tac", ta_type="technical_assistance",
                                 title="Internal title", description="SECRET internal description")  # fmt: skip
    approved_site.is_public = True
    approved_site.public_summary = "The intent of the review is to assess use of force."
    approved_site.save()
    active = client.get("/sites/").content.decode()
    assert "Columbus (OH) Division of Police" in active and "The intent of the review" in active
    assert "Fargo" not in active and "Asked for a review." not in active
    assert "Columbus use of force review" not in active  # internal title stays internal
    assert client.get(f"/sites/{hidden.pk}/").status_code == 404
    page = client.get(f"/sites/{approved_site.pk}/").content.decode()
    assert "Jensen Hughes" in page and "Issue-Specific Review" in page and "sme_a" not in page
    assert "Columbus" not in client.get("/sites/closed/").content.decode()


def test_closing_moves_a_site_to_the_closed_list(client, users, approved_site):
    site = approved_site
    site.is_public, site.public_summary = True, "The intent of the review is to assess use of force."
    site.save()
    Site.objects.filter(pk=site.pk).update(status="published")  # as its report's publication leaves it
    published_report(site, users["staff"])
    assert "Columbus" in client.get("/sites/").content.decode()
    take(transitions.LIFECYCLE, "close", site, users["staff"], message="Done")
    assert "Columbus" not in client.get("/sites/").content.decode()
    assert "Columbus" in client.get("/sites/closed/").content.decode()


def test_site_page_links_to_delivery_records_and_feedback(client, users, login, orgs):
    cri_tac = Site.objects.create(
        agency=orgs["agency_a"], program="cri_tac", ta_type="technical_assistance", provider=orgs["provider_a"],
        title="De-escalation training", description="x",
    )  # fmt: skip
    login(users["provider_a"])
    html = client.get(f"/workspace/sites/{cri_tac.pk}/").content.decode()
    assert (
        f"/workspace/sites/{cri_tac.pk}/cri-tac/" in html
        and f"/workspace/sites/{cri_tac.pk}/feedback/" in html
    )
    login(users["executive_a"])
    html = client.get(f"/workspace/sites/{cri_tac.pk}/").content.decode()
    assert "/cri-tac/" in html and "/feedback/" not in html  # feedback results are the team's


def test_the_timeline_shows_the_latest_changes_and_links_to_every_change(client, users, login, site):
    """A site's history runs to hundreds of changes: its page shows the latest ten, and program staff follow a
    link to every change, a page at a time; a provider sees the latest and how many there are."""
    from continuum.audit.log import history, record
    from continuum.audit.models import AuditEvent
    from continuum.audit.views import PER_PAGE
    from continuum.sites.views import TIMELINE_SHOWN

    for n in range(PER_PAGE + 5):
        record(users["staff"], site, AuditEvent.Action.UPDATED, changes={"note": [None, f"change {n}"]})
    total = history(site).count()
    login(users["staff"])
    page = client.get(site.get_absolute_url())
    assert len(page.context["events"]) == TIMELINE_SHOWN and page.context["events_total"] == total
    assert (
        f"change {PER_PAGE + 4}" in page.text and f"change {PER_PAGE - 10}" not in page.text
    )  # newest first
    link = f"/history/sites/site/{site.pk}/"
    assert f'href="{link}">Every change to this site ({total})' in page.text
    first, second = client.get(link), client.get(link, {"page": 2})
    assert len(first.context["events"].object_list) == PER_PAGE
    assert len(second.context["events"].object_list) == total - PER_PAGE and "change 0" in second.text
    login(users["provider_a"])
    page = client.get(site.get_absolute_url())
    assert f"The {TIMELINE_SHOWN} latest of {total} changes." in page.text and link not in page.text


def test_a_step_that_keeps_the_status_is_not_shown_as_a_change_of_status(client, users, login, approved_site):
    inputs = {
        "announcement": "The COPS Office is conducting a review.",
        "agency_consent": "The chief's letter.",
    }
    take(transitions.LIFECYCLE, "announce", approved_site, users["staff"], **inputs)
    login(users["staff"])
    page = client.get(approved_site.get_absolute_url()).text
    assert "Step taken (status unchanged)" in page
