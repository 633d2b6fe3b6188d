"""The JSON API: tokens, scoping identical to the web, public reads of published records only, writes through
the same functions as the forms, a stable error format."""

import hashlib
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from continuum.api.models import ApiToken
from continuum.audit.models import AuditEvent
from continuum.datasets import uploads
from continuum.datasets.models import DataRequest, DatasetVersion
from continuum.intake.models import Request
from continuum.sites.models import Site
from tests.conftest import PASSWORD
from tests.web.datasets.conftest import ri_slice
from tests.web.intake.conftest import form_data, make_request

STOPS_CSV = ri_slice(50)


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
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # issuing asks who you are again
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


@pytest.fixture
def data_request(world, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return uploads.create_request(
        world["site_a"], users["staff"], DataRequest(title="Stops", table_type="stops")
    )


def _upload(client, data_request, headers, content=STOPS_CSV, name="stops.csv", **extra):
    url = f"/api/sites/{data_request.site_id}/data-requests/{data_request.pk}/versions"
    return client.post(url, {"file": SimpleUploadedFile(name, content), "note": "from the RMS", **extra},
                       **headers)  # fmt: skip


@pytest.mark.parametrize("who", ["liaison_a", "provider_a"])
def test_upload_a_dataset_version_through_the_api(client, users, token_for, data_request, who):
    response = _upload(client, data_request, token_for(users[who]))
    assert response.status_code == 201
    version = DatasetVersion.objects.get()
    assert response.json() == {
        "id": version.pk, "data_request_id": data_request.pk, "number": 1, "original_name": "stops.csv",
        "file_format": "csv", "size": len(STOPS_CSV), "sha256": hashlib.sha256(STOPS_CSV).hexdigest(),
        "status": "uploaded", "note": "from the RMS", "uploaded_at": response.json()["uploaded_at"],
        "url": version.get_absolute_url(),
    }  # fmt: skip
    assert version.uploaded_by == users[who] and Path(version.raw_file.path).read_bytes() == STOPS_CSV
    data_request.refresh_from_db()
    assert data_request.status == "received"
    assert AuditEvent.objects.filter(object_id=str(version.pk), action="created", actor=users[who]).exists()


@pytest.mark.parametrize("who", ["executive_b", "provider_b", "sme_a"])
def test_upload_is_refused_to_those_who_do_not_see_the_site(client, users, token_for, data_request, who):
    """sme_a is not on this site's team; the others belong to another agency or provider."""
    response = _upload(client, data_request, token_for(users[who]))
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "errors": []}
    assert _upload(client, data_request, {}).status_code == 401
    assert not DatasetVersion.objects.exists()


def test_upload_refuses_a_bad_file_with_the_api_error_format(
    client, users, token_for, data_request, monkeypatch
):
    headers = token_for(users["liaison_a"])
    fake = _upload(client, data_request, headers, content=b"PK\x03\x04 not a workbook", name="stops.xlsx")
    assert fake.status_code == 422
    message = "The file stops.xlsx is named as an Excel workbook (XLSX) but its content is not one."
    assert fake.json() == {
        "detail": "The request is not valid.",
        "errors": [{"field": "file", "message": message}],
    }
    missing = client.post(f"/api/sites/{data_request.site_id}/data-requests/{data_request.pk}/versions",
                          {"note": "no file"}, **headers)  # fmt: skip
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"
    monkeypatch.setattr(uploads, "MAX_DATASET_BYTES", 1000)  # stopped while it arrives, as on the web
    too_big = _upload(client, data_request, headers)
    assert too_big.status_code == 422 and "larger than the limit" in too_big.json()["errors"][0]["message"]
    not_multipart = client.post(
        f"/api/sites/{data_request.site_id}/data-requests/{data_request.pk}/versions",
        "--x\r\nbroken", content_type="multipart/form-data", **headers,
    )  # fmt: skip
    assert not_multipart.status_code == 400 and "multipart" in not_multipart.json()["detail"]
    assert not DatasetVersion.objects.exists()


def test_upload_is_idempotent_and_refused_on_a_closed_site(client, users, token_for, data_request):
    key = str(uuid.uuid4())
    headers = {**token_for(users["liaison_a"]), "HTTP_IDEMPOTENCY_KEY": key}
    first, again = _upload(client, data_request, headers), _upload(client, data_request, headers)
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    assert DatasetVersion.objects.count() == 1
    other = uploads.create_request(
        data_request.site, users["staff"], DataRequest(title="Force", table_type="use_of_force")
    )
    assert _upload(client, other, headers).status_code == 409
    Site.objects.filter(pk=data_request.site_id).update(status=Site.Status.CLOSED)
    closed = _upload(client, data_request, token_for(users["liaison_a"]))
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    assert DatasetVersion.objects.count() == 1


def test_data_requests_and_results_read_as_the_web_shows_them(client, users, token_for, orgs):
    """The agency and the team read the site's data requests and analysis results with their provenance;
    another agency's users and an unassigned provider get 404, as on the web."""
    from continuum.datasets import jobs
    from tests.web.datasets.conftest import VEIL, make_site, run_worker, validated

    site = make_site(orgs, "agency_a", "provider_a")
    asked = uploads.create_request(site, users["provider_a"], DataRequest(title="Stops", table_type="stops"))
    version = validated(asked, users["liaison_a"])
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    run_worker()
    job.refresh_from_db()
    result = job.result
    for who in ["liaison_a", "provider_a", "staff"]:
        listed = client.get(f"/api/sites/{site.pk}/data-requests", **token_for(users[who])).json()["items"]
        assert [d["title"] for d in listed] == ["Stops"]
        assert [v["sha256"] for v in listed[0]["versions"]] == [version.sha256]
        results = client.get(f"/api/sites/{site.pk}/results", **token_for(users[who])).json()["items"]
        assert [(r["id"], r["analysis"], r["input_sha256"]) for r in results] == [
            (result.pk, "veil-of-darkness", result.input_sha256)
        ]
        assert "data" not in results[0]
        detail = client.get(f"/api/sites/{site.pk}/results/{result.pk}", **token_for(users[who])).json()
        assert detail["data"] == result.data and detail["params"] == result.params
    for who in ["executive_b", "provider_b"]:
        for path in ["data-requests", "results", f"results/{result.pk}"]:
            assert client.get(f"/api/sites/{site.pk}/{path}", **token_for(users[who])).status_code == 404
    assert (
        client.get(f"/api/sites/{site.pk}/results?analysis=rates", **token_for(users["staff"])).json()[
            "items"
        ]
        == []
    )
