"""The chief executive's written authorization of a liaison's request, in the platform: asked for, signed or
refused by the chief, or a letter attached later by the requester from the status page."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from continuum.audit.models import AuditEvent
from continuum.intake import authorization, transitions
from continuum.intake.models import Flag, Request

from .conftest import PDF

A = Request.Authorization


@pytest.fixture
def liaison_request(new_request, orgs):
    """A liaison's request for agency A, linked to its record, with no letter: screening flags the authority."""
    return new_request(
        requester_is_chief_executive=False, chief_executive_name="Chief Elaine Bryant",
        requester_name="Sam Liaison", requester_email="sam@columbus.example.gov", agency=orgs["agency_a"],
    )  # fmt: skip


def _authority_flag(request):
    return request.flags.get(code=Flag.Code.AUTHORITY)


def test_a_liaison_request_starts_missing_and_the_chief_request_needs_nothing(liaison_request, new_request):
    assert liaison_request.authorization == A.MISSING and not liaison_request.is_authorized
    assert _authority_flag(liaison_request).cleared_at is None
    chief = new_request()
    assert chief.authorization == A.NOT_NEEDED and chief.is_authorized


def test_sent_to_the_chief_who_authorizes_it_in_the_platform(
    client, login, users, liaison_request, django_capture_on_commit_callbacks
):
    login(users["staff"])
    page = client.get(liaison_request.get_absolute_url()).content.decode()
    assert "Send to the chief executive to authorize" in page and "Authorize this request" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/requests/{liaison_request.pk}/authorization/ask_chief/", {})
    assert response.status_code == 302
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.REQUESTED
    assert mail.outbox[-1].to == [users["executive_a"].email]
    assert liaison_request.get_absolute_url() in mail.outbox[-1].body
    assert len([m for m in mail.outbox if users["executive_a"].email in m.to]) == 1  # told once, not twice

    # The chief of another agency, the liaison and staff cannot sign; the chief of agency A can, on the page.
    for who in ("executive_b", "liaison_a", "staff"):
        assert not users[who].has_perm("intake.authorize_request", liaison_request)
    login(users["executive_a"])
    page = client.get(liaison_request.get_absolute_url()).content.decode()
    assert "Authorize this request" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{liaison_request.pk}/authorization/sign/", {})
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.SIGNED and liaison_request.authorized_by == users["executive_a"]
    flag = _authority_flag(liaison_request)
    assert flag.cleared_at is not None and "Authorized in Continuum" in flag.clear_reason
    assert AuditEvent.objects.filter(object_id=str(liaison_request.pk), to_state=A.SIGNED).count() == 1
    assert "authorized your request" in mail.outbox[-1].body and mail.outbox[-1].to == [
        "sam@columbus.example.gov"
    ]


def test_asking_needs_a_chief_account_and_says_how_to_get_one(users, new_request, orgs):
    request = new_request(requester_is_chief_executive=False, agency=orgs["agency_b"])
    users["executive_b"].is_active = False
    users["executive_b"].save()
    with pytest.raises(transitions.TransitionError, match="invite the chief executive"):
        authorization.ask_chief(request, users["staff"])
    request.refresh_from_db()
    assert request.authorization == A.MISSING


def test_the_chief_can_refuse_with_a_reason_staff_read(client, login, users, liaison_request):
    login(users["executive_a"])
    empty = client.post(f"/requests/{liaison_request.pk}/authorization/refuse/", {"refuse-reason": ""})
    assert empty.status_code == 422
    client.post(f"/requests/{liaison_request.pk}/authorization/refuse/", {"refuse-reason": "Not now"})
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.REFUSED and _authority_flag(liaison_request).cleared_at is None
    event = AuditEvent.objects.get(object_id=str(liaison_request.pk), to_state=A.REFUSED)
    assert event.reason == "Not now"


def test_other_agencies_and_providers_cannot_take_any_authorization_step(
    client, login, users, liaison_request
):
    for who in ("executive_b", "liaison_b", "provider_a", "sme_a"):
        login(users[who])
        for step in ("ask_chief", "sign", "refuse"):
            response = client.post(f"/requests/{liaison_request.pk}/authorization/{step}/", {})
            assert response.status_code in (403, 404), (who, step)
        with pytest.raises(PermissionDenied):
            authorization.sign(liaison_request, users[who])
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.MISSING


def test_the_requester_attaches_the_letter_later_from_the_status_page(client, liaison_request):
    client.post("/request/status/", {"tracking_number": liaison_request.tracking_number,
                                     "email": "sam@columbus.example.gov"})  # fmt: skip
    url = f"/request/status/{liaison_request.tracking_number}/"
    page = client.get(url).content.decode()
    assert "Written authorization" in page and "Attach the letter" in page
    bad = client.post(f"{url}letter/", {"letter": SimpleUploadedFile("letter.pdf", b"MZ not a pdf")})
    assert bad.status_code == 422 and "is not a PDF" in bad.content.decode()
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.MISSING and not liaison_request.authorization_letter
    ok = client.post(f"{url}letter/", {"letter": SimpleUploadedFile("letter.pdf", PDF)})
    assert ok.status_code == 302
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.LETTER and liaison_request.authorization_letter
    assert _authority_flag(liaison_request).cleared_at is not None
    event = AuditEvent.objects.get(object_id=str(liaison_request.pk), to_state=A.LETTER)
    assert event.changes == {"on the authority of": [None, authorization.REQUESTER_PROOF]}
    assert "Attach the letter" not in client.get(url).content.decode()  # nothing more to attach


def test_a_browser_that_did_not_prove_the_request_cannot_attach(client, liaison_request):
    url = f"/request/status/{liaison_request.tracking_number}/letter/"
    assert client.post(url, {"letter": SimpleUploadedFile("letter.pdf", PDF)}).status_code == 404
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.MISSING


def test_staff_attach_a_letter_and_then_can_accept(client, login, users, liaison_request):
    login(users["staff"])
    client.post(
        f"/requests/{liaison_request.pk}/letter/attach/", {"letter": SimpleUploadedFile("l.pdf", PDF)}
    )
    liaison_request.refresh_from_db()
    assert liaison_request.authorization == A.LETTER
    accepted = transitions.accept(liaison_request, users["staff"], "Fits", program="critical_response",
                                  ta_type="after_action_review")  # fmt: skip
    assert accepted.status == Request.Status.ACCEPTED


def test_nothing_to_authorize_once_decided(users, liaison_request):
    transitions.decline(liaison_request, users["staff"], "Out of scope")
    with pytest.raises(transitions.TransitionError, match="nothing is left to authorize"):
        authorization.sign(liaison_request, users["executive_a"])


def test_signing_clears_the_authority_flag_alone_in_the_chiefs_name(users, liaison_request):
    """Only the open authority flag is cleared, by the chief who signed, and the request's log says so; a flag
    of another kind raised before it stays open for staff."""
    other = liaison_request.flags.create(code=Flag.Code.DUPLICATE, reason="Another open request")
    Flag.objects.filter(pk=other.pk).update(
        raised_at=_authority_flag(liaison_request).raised_at.replace(year=2000)
    )
    authorization.sign(liaison_request, users["executive_a"])
    flag = _authority_flag(liaison_request)
    assert flag.cleared_at is not None and flag.cleared_by == users["executive_a"]
    assert liaison_request.flags.get(code=Flag.Code.DUPLICATE).cleared_at is None
    event = AuditEvent.objects.get(reason__startswith="Cleared flag:")
    assert (event.actor, event.object_id, event.content_type.model) == (
        users["executive_a"],
        str(liaison_request.pk),
        "request",
    )
    assert event.reason == f"Cleared flag: Requester authority: {flag.clear_reason}"


def test_signing_keeps_the_reason_staff_gave_when_they_cleared_the_flag_first(users, liaison_request):
    transitions.clear_flag(_authority_flag(liaison_request), users["staff"], "The chief confirmed by phone")
    logged = AuditEvent.objects.count()
    authorization.sign(liaison_request, users["executive_a"])
    flag = _authority_flag(liaison_request)
    assert (flag.cleared_by, flag.clear_reason) == (users["staff"], "The chief confirmed by phone")
    assert not AuditEvent.objects.filter(reason__startswith="Cleared flag:").exists()
    assert AuditEvent.objects.count() == logged + 1  # the signature alone


def test_a_decided_request_says_its_state_in_words(users, liaison_request):
    request = transitions.decline(liaison_request, users["staff"], "Out of scope")
    state = request.get_status_display().lower()
    with pytest.raises(transitions.TransitionError, match=rf"^The request is {state}: nothing is left"):
        authorization.sign(request, users["executive_a"])
