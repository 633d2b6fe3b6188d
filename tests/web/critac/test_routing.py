"""Routing a CRI-TAC request: suggestions ranked by topic coverage, and routing as accepting the request into a
CRI-TAC site delivered by the partner."""

import pytest
from django.core.exceptions import PermissionDenied

from continuum.audit.models import AuditEvent
from continuum.critac import routing
from continuum.intake.models import Flag, Request
from continuum.workflow import TransitionError

from . import factories


def test_suggestions_are_ranked_by_the_topics_covered(cri_tac_request, partners):
    ranked = routing.suggestions(cri_tac_request)
    # IACP: the whole use-of-force area (de-escalation, use of force) = 2 of 3; NSA: rural policing (area) and
    # de-escalation (single topic) = 2 of 3. Tie → fewest active engagements, then name.
    assert [(s.partner.provider.name, s.score, s.total) for s in ranked] == [
        ("International Association of Chiefs of Police", 2, 3),
        ("National Sheriffs' Association", 2, 3),
    ]
    assert [t.name for t in ranked[0].missing] == ["Rural policing"]
    assert [t.name for t in ranked[1].missing] == ["Use of force"]


def test_a_busy_partner_comes_after_an_equally_good_idle_one(cri_tac_request, partners, orgs):
    factories.engagement(orgs["agency_b"], partners["iacp"].provider)
    factories.engagement(orgs["agency_b"], partners["nsa"].provider, status="closed")  # closed: not busy
    ranked = routing.suggestions(cri_tac_request)
    assert [s.partner.provider.name for s in ranked] == [
        "National Sheriffs' Association",
        "International Association of Chiefs of Police",
    ]
    assert [s.active_engagements for s in ranked] == [0, 1]


def test_more_coverage_wins(orgs, partners):
    request = factories.make_request(orgs["agency_a"], ["Use of force", "Officer safety and wellness"])
    ranked = routing.suggestions(request)
    assert ranked[0].partner == partners["iacp"] and ranked[0].score == 2 and ranked[1].score == 0


def test_routing_accepts_the_request_into_a_cri_tac_site_with_the_partner(cri_tac_request, partners, users):
    routed = routing.route(cri_tac_request, users["staff"], partners["nsa"], "NSA covers rural policing.")
    assert routed.status == Request.Status.ACCEPTED and routed.decided_at is not None
    site = routed.site
    assert (site.program, site.ta_type, site.provider) == (
        "cri_tac",
        "technical_assistance",
        partners["nsa"].provider,
    )
    assert set(site.topics.values_list("name", flat=True)) == {
        "De-escalation",
        "Use of force",
        "Rural policing",
    }
    event = AuditEvent.objects.get(action="transition", object_id=str(routed.pk))
    assert (event.from_state, event.to_state, event.reason) == (
        "submitted",
        "accepted",
        "NSA covers rural policing.",
    )


def test_routing_is_refused_for_other_programs_non_partners_flags_and_non_staff(orgs, partners, users):
    critical = factories.make_request(orgs["agency_a"], ["Use of force"], program="critical_response")
    with pytest.raises(TransitionError, match="refer it to CRI-TAC"):
        routing.route(critical, users["staff"], partners["iacp"], "Reason")
    request = factories.make_request(orgs["agency_b"], ["Use of force"])
    not_partner = type(partners["iacp"])(provider=orgs["provider_a"])
    with pytest.raises(TransitionError, match="not a CRI-TAC partner"):
        routing.route(request, users["staff"], not_partner, "Reason")
    with pytest.raises(PermissionDenied):
        routing.route(request, users["executive_b"], partners["iacp"], "Reason")
    Flag.objects.create(request=request, code="costs", reason="Asks for equipment.")
    with pytest.raises(TransitionError, match="Clear the open screening flags"):
        routing.route(request, users["staff"], partners["iacp"], "Reason")
    request.refresh_from_db()
    assert request.status == "submitted" and request.site is None


def test_staff_route_from_the_request_page(client, login, users, cri_tac_request, partners):
    login(users["staff"])
    page = client.get(f"/requests/{cri_tac_request.pk}/").content.decode()
    assert "CRI-TAC routing" in page and page.index("International Association") < page.index(
        "National Sheriffs"
    )
    response = client.post(
        f"/workspace/cri-tac/requests/{cri_tac_request.pk}/route/",
        {"route-partner": partners["iacp"].pk, "route-reason": "Covers use of force.", "route-title": ""},
    )
    cri_tac_request.refresh_from_db()
    assert cri_tac_request.status == "accepted"
    assert (
        response.status_code == 302
        and response["Location"] == f"/workspace/sites/{cri_tac_request.site_id}/cri-tac/"
    )
    page = client.get(f"/requests/{cri_tac_request.pk}/").content.decode()
    assert f"/workspace/sites/{cri_tac_request.site_id}/cri-tac/" in page


def test_the_route_form_needs_a_reason(client, login, users, cri_tac_request, partners):
    login(users["staff"])
    response = client.post(
        f"/workspace/cri-tac/requests/{cri_tac_request.pk}/route/",
        {"route-partner": partners["iacp"].pk},
        follow=True,
    )
    assert "give a reason" in response.content.decode()
    cri_tac_request.refresh_from_db()
    assert cri_tac_request.status == "submitted"


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "provider_a", "sme_a"])
def test_only_program_staff_route_or_see_suggestions(client, login, users, cri_tac_request, partners, who):
    login(users[who])
    response = client.post(
        f"/workspace/cri-tac/requests/{cri_tac_request.pk}/route/",
        {"route-partner": partners["iacp"].pk, "route-reason": "Mine."},
    )
    assert response.status_code == 403
    page = client.get(f"/requests/{cri_tac_request.pk}/")
    assert "CRI-TAC routing" not in page.content.decode()
    cri_tac_request.refresh_from_db()
    assert cri_tac_request.status == "submitted"


def test_anonymous_cannot_route(client, cri_tac_request, partners):
    response = client.post(f"/workspace/cri-tac/requests/{cri_tac_request.pk}/route/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
