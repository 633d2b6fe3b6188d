"""The JSON API: tokens, scoping identical to the web, public reads of published records only, writes through
the same functions as the forms, a stable error format."""

import uuid

import pytest
from django.utils import timezone

from continuum.api.models import ApiToken
from continuum.audit.models import AuditEvent
from continuum.intake.models import Request
from continuum.sites.models import Site
from tests.web.intake.conftest import form_data, make_request


@pytest.fixture
def token_for(db):
    def _token(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}

    return _token


@pytest.fixture
def world(orgs):
    a = Site.objects.create(agency=orgs["agency_a"], program="critical_response", ta_type="issue_specific_review",
                            provider=orgs["provider_a"], title="Internal A title", description="internal",
                            is_public=True, public_summary="The intent of the review is …")  # fmt: skip
    b = Site.objects.create(agency=orgs["agency_b"], program="cri_tac", ta_type="technical_assistance",
                            title="B", description="internal")  # fmt: skip
    ra = make_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH")
    rb = make_request(agency=orgs["agency_b"], agency_name=orgs["agency_b"].name, agency_state="ND")
    return {"site_a": a, "site_b": b, "request_a": ra, "request_b": rb}


def _ids(response):
    return {item["id"] for item in response.json()["items"]}


def test_token_is_required_and_revocable(client, users, world, token_for):
    response = client.get("/api/sites")
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid API token is required (Authorization: Bearer <token>).",
                               "errors": []}  # fmt: skip
    token, value = ApiToken.issue(users["staff"], "sync")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    assert client.get("/api/sites", **headers).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert token.key_hash != value and value not in str(ApiToken.objects.values())
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/sites", **headers).status_code == 401
    users["staff"].is_active = False
    users["staff"].save()


@pytest.mark.parametrize(
    "who,sites,requests",
    [
        ("executive_a", {"site_a"}, {"request_a"}),
        ("executive_b", {"site_b"}, {"request_b"}),
        ("provider_a", {"site_a"}, set()),
        ("provider_b", set(), set()),
        ("sme_a", set(), set()),
        ("staff", {"site_a", "site_b"}, {"request_a", "request_b"}),
    ],
)
def test_scoping_matches_the_web(client, users, world, token_for, who, sites, requests):
    headers = token_for(users[who])
    assert _ids(client.get("/api/sites", **headers)) == {world[k].pk for k in sites}
    assert _ids(client.get("/api/requests", **headers)) == {world[k].pk for k in requests}
    hidden = {"site_a", "site_b"} - sites
    for key in hidden:
        response = client.get(f"/api/sites/{world[key].pk}", **headers)
        assert response.status_code == 404 and response.json()["detail"] == "Not found."


def test_public_reads_only_published(client, world):
    body = client.get("/api/public/sites").json()
    assert body["count"] == 1
    site = body["items"][0]
    assert site["agency"] == "Columbus (OH) Division of Police" and site["status"] == "active"
    assert "Internal A title" not in str(body) and "internal" not in site.values()
    assert client.get(f"/api/public/sites/{world['site_b'].pk}").status_code == 404
    assert client.get("/api/public/reports").json() == {"items": [], "count": 0}


def test_submit_request_is_idempotent_and_screened(client, users, token_for, orgs, mailoutbox,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    data = form_data()
    payload = {k: v for k, v in data.items() if k not in {"submission_token", "existing_agency"}}
    payload.update(requester_is_chief_executive=False, chief_executive_name="Chief Ada Park", asks_for_costs=False,
                   agency_sworn_officers=230, agency_population_served=114000)  # fmt: skip
    headers = {**token_for(users["executive_a"]), "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/requests", payload, content_type="application/json", **headers)
        again = client.post("/api/requests", payload, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Request.objects.count() == 1
    request = Request.objects.get()
    assert request.submitted_by == users["executive_a"]
    assert [f.code for f in request.open_flags] == ["authority"]
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="created").exists()


def test_submit_request_reports_field_errors(client, users, token_for):
    payload = {k: v for k, v in form_data().items() if k not in {"submission_token", "existing_agency"}}
    payload.update(requester_is_chief_executive=True, asks_for_costs=False, requester_email="nope",
                   event_date="2999-01-01")  # fmt: skip
    response = client.post(
        "/api/requests", payload, content_type="application/json", **token_for(users["staff"])
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert {e["field"] for e in body["errors"]} == {"requester_email", "event_date"}
    bad_type = client.post("/api/requests", {"topics": "x"}, content_type="application/json",
                           **token_for(users["staff"]))  # fmt: skip
    assert bad_type.status_code == 422 and bad_type.json()["errors"]
    assert not Request.objects.exists()


def test_log_communication_through_the_api(client, users, world, token_for):
    site = world["site_a"]
    payload = {
        "occurred_on": "2026-11-20",
        "kind": "call",
        "participants": "Chief, PM",
        "summary": "Check-in",
    }
    response = client.post(f"/api/sites/{site.pk}/communications", payload, content_type="application/json",
                           **token_for(users["provider_a"]))  # fmt: skip
    assert response.status_code == 201
    assert site.communications.get().logged_by == users["provider_a"]
    refused = client.post(f"/api/sites/{site.pk}/communications", payload, content_type="application/json",
                          **token_for(users["executive_a"]))  # fmt: skip
    assert refused.status_code == 403 and refused.json()["detail"] == "You do not have permission to do that."
    future = client.post(f"/api/sites/{site.pk}/communications", {**payload, "occurred_on": "2999-01-01"},
                         content_type="application/json", **token_for(users["staff"]))  # fmt: skip
    assert future.status_code == 409 and "future" in future.json()["detail"]
    hidden = client.post(f"/api/sites/{world['site_b'].pk}/communications", payload,
                         content_type="application/json", **token_for(users["provider_a"]))  # fmt: skip
    assert hidden.status_code == 404


def test_openapi_document_and_docs(client, users, login):
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Continuum API"
    assert {"/api/public/sites", "/api/requests", "/api/sites/{site_id}/communications"} <= set(spec["paths"])
    assert client.get("/api/docs").status_code == 302  # the interactive docs are for signed-in users
    login(users["executive_a"])
    assert client.get("/api/docs").status_code == 200


def test_token_page_issues_once_and_revokes(client, users, login):
    login(users["liaison_a"])
    page = client.post("/workspace/api-tokens/", {"name": "RMS export"}).content.decode()
    token = ApiToken.objects.get(user=users["liaison_a"])
    assert "ctm_" in page and "Copy your new token now" in page
    assert "ctm_" not in client.get("/workspace/api-tokens/").content.decode().replace(token.hint, "")
    client.post(f"/workspace/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    login(users["liaison_b"])
    assert client.post(f"/workspace/api-tokens/{token.pk}/revoke/").status_code == 404
    assert AuditEvent.objects.filter(to_state__in=["api_token_issued", "api_token_revoked"]).count() == 2


def test_absurd_ids_are_client_errors_not_crashes(client, users, token_for, db):
    huge = "9" * 30
    assert client.get(f"/api/sites/{huge}", **token_for(users["staff"])).status_code in (404, 422)
    assert client.get(f"/api/public/sites/{huge}").status_code in (404, 422)
    response = client.post("/request/", {**form_data(), "existing_agency": huge, "topics": [f"-{huge}"]})
    assert response.status_code == 422
    assert "topics" in response.context["form"].errors
