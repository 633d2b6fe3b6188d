"""Who sees requests: staff all; an agency its own; a provider only once a site from it is assigned to it;
the public nothing (only its own request, through the status page)."""

import pytest

from continuum.intake import transitions

from .conftest import PDF

# role → (queue, own-agency request A, agency B request, internal parts shown on A, letter of A)
MATRIX = {
    "anonymous": (302, 302, 302, False, 302),
    "executive_a": (200, 200, 404, False, 200),
    "liaison_a": (200, 200, 404, False, 200),
    "executive_b": (200, 404, 200, False, 404),
    "provider_a": (200, 404, 404, False, 404),
    "sme_a": (200, 404, 404, False, 404),
    "staff": (200, 200, 200, True, 200),
    "admin": (200, 200, 200, True, 200),
}


@pytest.fixture
def two_requests(new_request, orgs, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    a = new_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH")
    a.authorization_letter.save("authorization.pdf", ContentFile(PDF))
    b = new_request(agency=orgs["agency_b"], agency_name=orgs["agency_b"].name, agency_state="ND")
    return a, b


@pytest.mark.parametrize("who", MATRIX)
def test_request_permission_matrix(client, users, login, two_requests, who):
    a, b = two_requests
    if who != "anonymous":
        login(users[who])
    queue = client.get("/requests/")
    page_a = client.get(f"/requests/{a.pk}/")
    got = (
        queue.status_code,
        page_a.status_code,
        client.get(f"/requests/{b.pk}/").status_code,
        page_a.status_code == 200 and "Internal notes" in page_a.content.decode(),
        client.get(f"/requests/{a.pk}/letter/").status_code,
    )
    assert got == MATRIX[who]
    if queue.status_code == 200:
        shown = {r.pk for r in queue.context["requests"]}
        expected = {
            "staff": {a.pk, b.pk}, "admin": {a.pk, b.pk}, "executive_a": {a.pk}, "liaison_a": {a.pk},
            "executive_b": {b.pk}, "provider_a": set(), "sme_a": set(),
        }[who]  # fmt: skip
        assert shown == expected


def test_provider_sees_a_request_once_its_site_is_assigned_to_them(client, users, orgs, login, two_requests):
    a, _ = two_requests
    transitions.accept(a, users["staff"], "ok", program="critical_response", ta_type="issue_specific_review",
                       provider=orgs["provider_a"])  # fmt: skip
    a.refresh_from_db()
    expected = [("provider_a", 200), ("sme_a", 404), ("provider_b", 404), ("executive_b", 404)]
    for who, status in expected:
        login(users[who])
        assert client.get(f"/requests/{a.pk}/").status_code == status, who
        assert client.get(f"/workspace/sites/{a.site_id}/").status_code == status, who
    a.site.members.create(user=users["sme_a"], role="sme")  # an SME sees the sites whose team they are on
    login(users["sme_a"])
    assert client.get(f"/requests/{a.pk}/").status_code == 200
    assert client.get(f"/workspace/sites/{a.site_id}/").status_code == 200
    login(users["provider_a"])
    page = client.get(f"/requests/{a.pk}/").content.decode()
    assert "Internal notes" not in page and "Screening" not in page


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "provider_a"])
def test_non_staff_cannot_act_on_requests(client, users, login, two_requests, who):
    a, _ = two_requests
    login(users[who])
    for path, data in [
        (f"/requests/{a.pk}/contacts/", {"contact-contacted_on": "2026-11-01", "contact-with_whom": "x",
                                         "contact-channel": "phone", "contact-purposes": ["assess"]}),
        (f"/requests/{a.pk}/notes/", {"note-text": "sneaky"}),
        (f"/requests/{a.pk}/triage/", {"triage-program_wanted": "cri_tac", "triage-ta_kind": "other",
                                       "triage-urgency": "soon"}),
        (f"/requests/{a.pk}/decide/decline/", {"decline-reason": "no"}),
        (f"/requests/{a.pk}/decide/accept/", {"accept-reason": "yes", "accept-program": "cri_tac",
                                              "accept-ta_type": "data_analysis"}),
    ]:  # fmt: skip
        assert client.post(path, data).status_code in (403, 404), path
    a.refresh_from_db()
    assert a.status == "submitted" and not a.contacts.exists() and not a.notes.exists()


def test_public_sees_nothing_of_requests(client, two_requests):
    a, _ = two_requests
    for path in ["/requests/", f"/requests/{a.pk}/", f"/requests/{a.pk}/letter/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(f"/request/status/{a.tracking_number}/").status_code == 404


def test_agencies_cannot_see_or_probe_screening_flags(client, users, login, new_request, orgs):
    """The queue's flag filter and count are the program's: an agency filtering by a flag code learns nothing."""
    flagged = new_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name, agency_state="OH",
                          pending_matters="yes", pending_details="State AG inquiry")  # fmt: skip
    login(users["liaison_a"])
    for code in ["pending_matters", "authority", "any", "none"]:
        response = client.get("/requests/", {"flag": code})
        assert [r.pk for r in response.context["requests"]] == [flagged.pk], code
        html = response.content.decode()
        assert "Open flags" not in html and "Screening flags" not in html
    login(users["staff"])
    assert "Open flags" in client.get("/requests/").content.decode()
    assert [r.pk for r in client.get("/requests/", {"flag": "authority"}).context["requests"]] == []
