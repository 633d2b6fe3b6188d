"""Input that once gave 500s (issue 20, items 9 and 14): numbers past any id in addresses, filters and forms;
a record's address that is not a number; NUL and direction-changing characters in text sent by form or API."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from continuum.intake.models import Request
from continuum.sites.models import Site
from tests.web.intake.conftest import form_data

from .api.test_api import token_for  # noqa: F401 (a fixture)

HUGE = "99999999999999999999"  # past 64 bits


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_no_address_takes_a_number_of_any_length():
    unbounded = [
        route
        for route, pattern in _patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in getattr(pattern, "converters", {}).values())
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    "url",
    [
        f"/agencies/{HUGE}/",
        f"/workspace/sites/{HUGE}/",
        f"/sites/{HUGE}/",
        f"/history/agencies/agency/{HUGE}/",
        "/history/sites/site/abc/",
        "/history/sites/site/1.5/",
    ],
)
def test_a_record_address_that_names_no_record_is_not_found(url, login, users):
    assert login(users["staff"]).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/workspace/sites/?provider={HUGE}",
        f"/workspace/sites/?topic={HUGE}",
        f"/reports/?topic={HUGE}",
    ],
)
def test_a_filter_past_any_id_is_a_wrong_choice_not_an_error(url, login, users):
    response = login(users["staff"]).get(url)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_form_choice_past_any_id_is_refused_with_the_field_named(login, users, orgs):
    site = Site.objects.create(agency=orgs["agency_a"], program="cri_tac", ta_type="technical_assistance",
                               title="A", description="internal")  # fmt: skip
    response = login(users["staff"]).post(
        f"/workspace/sites/{site.pk}/edit/",
        {"title": "A", "program": "cri_tac", "ta_type": "technical_assistance", "provider": HUGE},
    )
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    site.refresh_from_db()
    assert site.provider_id is None


def test_nul_in_json_sent_as_utf16_is_refused_with_the_field_named(client, users, orgs, token_for):  # noqa: F811
    site = Site.objects.create(agency=orgs["agency_a"], program="cri_tac", ta_type="technical_assistance",
                               title="A", description="internal", provider=orgs["provider_a"])  # fmt: skip
    payload = {
        "occurred_on": "2026-11-20",
        "kind": "call",
        "participants": "Chief",
        "summary": "Check\u0000in",
    }
    body = json.dumps(payload).encode("utf-16")
    response = client.post(f"/api/sites/{site.pk}/communications", body, content_type="application/json",
                           **token_for(users["staff"]))  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"].endswith("summary") and "U+0000" in e["message"] for e in errors), errors
    assert not site.communications.exists()


def test_a_direction_override_in_the_request_form_is_refused(client, db):
    data = form_data(agency_name="Springfield \u202egnp.exe Police")
    response = client.post("/request/", data)
    page = response.content.decode()
    assert response.status_code == 422 and "hidden direction-changing character (U+202E)" in page
    assert not Request.objects.exists()


def test_a_direction_override_sent_to_the_api_is_refused(client, users, token_for):  # noqa: F811
    payload = {"requester_name": "Pat \u2066Morales"}
    response = client.post(
        "/api/requests", payload, content_type="application/json", **token_for(users["staff"])
    )
    assert response.status_code == 422
    assert any("U+2066" in e["message"] for e in response.json()["errors"])
