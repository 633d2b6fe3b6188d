"""The public request form: validation field by field, nothing lost, one request per form, a letter
checked by its content, a tracking number that can't be guessed, and a rate limit for anonymous clients."""

import re

import pytest

from continuum.audit.models import AuditEvent
from continuum.intake import letters, ratelimit
from continuum.intake.models import Request

from .conftest import PDF, form_data


def test_submission_creates_a_request_and_confirms_it(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/request/", form_data())
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/request/submitted/{request.tracking_number}/?proof=")
    page = client.get(response["Location"]).content.decode()
    assert request.tracking_number in page
    assert request.status == "submitted" and request.agency is None
    assert request.agency_name == "Springfield (IL) Police Department"
    assert sorted(t.name for t in request.topics.all()) == ["De-escalation", "Use of force"]
    assert list(request.flags.all()) == []
    assert len(mailoutbox) == 1 and request.tracking_number in mailoutbox[0].body
    assert mailoutbox[0].to == ["pat.morales@springfield.example.gov"]
    event = AuditEvent.objects.get(object_id=str(request.pk), action="created")
    assert "Pat Morales" in event.reason


def test_tracking_numbers_are_random_and_well_formed(client, db):
    for n in range(3):
        client.post("/request/", form_data(agency_name=f"Agency {n}"))
    numbers = list(Request.objects.values_list("tracking_number", flat=True))
    assert len(set(numbers)) == 3
    for number in numbers:
        assert re.fullmatch(r"CRI-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", number)


def test_confirmation_page_is_only_for_the_submitting_browser(client, db):
    client.post("/request/", form_data())
    request = Request.objects.get()
    client.cookies.clear()
    assert client.get(f"/request/submitted/{request.tracking_number}/").status_code == 404


def test_a_confirmation_whose_session_write_was_lost_is_still_found(client, db, settings):
    """Two submissions from one browser at once: the session keeps one number, the other's proof is in its
    address (issue 20 item 14); a proof is for its own number, and for an hour."""
    first = client.post("/request/", form_data())
    second = client.post("/request/", form_data(agency_name="Shelbyville Police Department"))
    session = client.session
    session["intake_submitted"] = []  # as if both requests saved the session and the other write won
    session.save()
    for response in (first, second):
        assert client.get(response["Location"]).status_code == 200
    number = first["Location"].split("/")[3]
    other = second["Location"].split("?")[1]
    assert client.get(f"/request/submitted/{number}/?{other}").status_code == 404
    assert client.get(f"/request/submitted/{number}/?proof=forged").status_code == 404


def test_errors_are_per_field_and_keep_what_was_typed(client, db):
    data = form_data(
        requester_email="not-an-email", what_happened="", agency_state="", event_date="2999-01-01"
    )
    response = client.post("/request/", data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"requester_email", "what_happened", "agency_state", "event_date"}
    assert "cannot be in the future" in errors["event_date"][0]
    assert "or choose your agency from the list" in errors["agency_state"][0]
    html = response.content.decode()
    assert 'value="Pat Morales"' in html and 'value="not-an-email"' in html
    assert "Your request was not sent yet" in html
    assert not Request.objects.exists()


def test_non_chief_must_name_the_chief_executive(client, db):
    response = client.post("/request/", form_data(requester_is_chief_executive="no"))
    assert response.status_code == 422
    assert "chief_executive_name" in response.context["form"].errors


def test_pending_investigation_needs_details(client, db):
    response = client.post("/request/", form_data(pending_matters="yes"))
    assert "pending_details" in response.context["form"].errors


def test_the_public_does_not_get_the_list_of_agencies(client, orgs):
    form = client.get("/request/").context["form"]
    assert "existing_agency" not in form.fields
    assert orgs["agency_b"].name not in client.get("/request/").content.decode()
    # Naming a listed agency's id doesn't attach a public submission to that agency's records.
    client.post("/request/", form_data(existing_agency=orgs["agency_a"].pk))
    assert Request.objects.get().agency is None


def test_an_agency_user_can_only_choose_their_own_agency(client, users, orgs, login):
    login(users["executive_a"])
    choices = list(client.get("/request/").context["form"].fields["existing_agency"].queryset)
    assert choices == [orgs["agency_a"]]
    response = client.post("/request/", form_data(existing_agency=orgs["agency_b"].pk))
    assert response.status_code == 422 and "existing_agency" in response.context["form"].errors


def test_existing_agency_fills_the_agency_fields(client, orgs, users, login):
    agency = orgs["agency_a"]
    login(users["liaison_a"])
    data = form_data(existing_agency=agency.pk, agency_name="", agency_type="", agency_state="")
    assert client.post("/request/", data).status_code == 302
    request = Request.objects.get()
    assert request.agency == agency
    assert (request.agency_name, request.agency_state, request.agency_sworn_officers) == (
        agency.name,
        "OH",
        1900,
    )


def test_agency_user_gets_the_form_prefilled(client, users, login):
    login(users["executive_a"])
    form = client.get("/request/").context["form"]
    assert form.initial["existing_agency"] == users["executive_a"].organization_id
    assert form.initial["requester_email"] == "executive_a@example.gov"
    assert form.initial["requester_is_chief_executive"] is True
    login(users["liaison_a"])
    assert client.get("/request/").context["form"].initial["requester_is_chief_executive"] is False


def test_the_same_form_sent_twice_makes_one_request(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/request/", data)
        second = client.post("/request/", data)
    assert Request.objects.count() == 1
    # the same confirmation page (its signed proof carries the second it was made: compare the page, not that)
    assert first["Location"].split("?")[0] == second["Location"].split("?")[0]
    assert len(mailoutbox) == 1


def test_letter_must_be_a_pdf_by_content(client, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile(
        "letter.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    data = form_data(requester_is_chief_executive="no", chief_executive_name="Chief Ada Park")
    response = client.post("/request/", {**data, "authorization_letter": fake})
    assert response.status_code == 422
    assert "is not a PDF" in response.context["form"].errors["authorization_letter"][0]
    assert not Request.objects.exists()


def test_letter_size_is_limited(client, db, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(letters, "MAX_LETTER_BYTES", 100)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("letter.pdf", PDF + b"0" * 200, content_type="application/pdf")
    response = client.post("/request/", {**form_data(), "authorization_letter": big})
    assert "the limit is 10 MB" in response.context["form"].errors["authorization_letter"][0]


def test_a_valid_letter_is_kept_while_other_fields_are_corrected(
    client, db, tmp_path, settings, users, login
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(
        requester_is_chief_executive="no", chief_executive_name="Chief Ada Park", requester_phone=""
    )
    letter = SimpleUploadedFile("authorization.pdf", PDF, content_type="application/pdf")
    response = client.post("/request/", {**data, "authorization_letter": letter})
    assert response.status_code == 422
    assert "Authorization letter received" in response.content.decode()
    response = client.post("/request/", {**data, "requester_phone": "217-555-0101"})  # no file chosen again
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.authorization_letter.read() == PDF
    assert not request.flags.filter(code="authority").exists()
    assert letters.pending_letter(data["submission_token"]) is None


def test_anonymous_submissions_are_rate_limited(client, db, monkeypatch):
    monkeypatch.setattr(ratelimit, "ANONYMOUS_LIMIT", 2)
    for n in range(2):
        assert client.post("/request/", form_data(agency_name=f"Agency {n}")).status_code == 302
    response = client.post("/request/", form_data(agency_name="Agency 3"))
    assert response.status_code == 429
    assert Request.objects.count() == 2


def test_signed_in_agency_users_are_not_rate_limited(client, users, login, monkeypatch):
    monkeypatch.setattr(ratelimit, "ANONYMOUS_LIMIT", 1)
    login(users["executive_a"])
    for n in range(3):
        assert client.post("/request/", form_data(agency_name=f"Agency {n}")).status_code == 302
    assert Request.objects.filter(submitted_by=users["executive_a"]).count() == 3


@pytest.mark.parametrize(
    "tracking,email,found", [(True, True, True), (True, False, False), (False, True, False)]
)
def test_status_page_needs_number_and_email(client, db, tracking, email, found):
    client.post("/request/", form_data())
    request = Request.objects.get()
    client.cookies.clear()
    lookup = {
        "tracking_number": request.tracking_number.lower() if tracking else "CRI-AAAA-BBBB-CCCC",
        "email": "PAT.MORALES@springfield.example.gov" if email else "someone@else.example",
    }
    response = client.post("/request/status/", lookup)
    if found:
        assert response["Location"] == f"/request/status/{request.tracking_number}/"
        assert "Submitted" in client.get(response["Location"]).content.decode()
    else:
        assert response.status_code == 200
        assert "No request matches" in response.content.decode()
        assert client.get(f"/request/status/{request.tracking_number}/").status_code == 404


def test_requester_withdraws_from_the_status_page(client, db, mailoutbox, django_capture_on_commit_callbacks):
    client.post("/request/", form_data())
    request = Request.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/request/status/{request.tracking_number}/withdraw/", {"withdraw-reason": "Handled locally."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.decision_reason == "Handled locally."
    event = AuditEvent.objects.get(action="transition", object_id=str(request.pk))
    assert (event.from_state, event.to_state) == ("submitted", "withdrawn")
    assert "withdrawn" in mailoutbox[-1].subject


def test_failed_posts_cannot_pile_letters_up_on_disk(client, db, tmp_path, settings):
    """One pending letter per browser session; a new attempt replaces it; abandoned ones expire."""
    import os
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pending = tmp_path / "intake" / "pending"
    for _ in range(4):
        data = form_data(
            requester_is_chief_executive="no", chief_executive_name="Chief Ada Park", requester_phone=""
        )
        letter = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        assert client.post("/request/", {**data, "authorization_letter": letter}).status_code == 422
    assert len(list(pending.glob("*.pdf"))) == 1
    old = pending / "abandoned.pdf"
    old.write_bytes(PDF)
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert letters.purge_stale(pending) == 1 and not old.exists()


def test_required_choices_offer_no_empty_option_to_pick(client, db):
    """Issue 19 item 4: "- Select an option -" showed as a radio button a requester could choose."""
    page = client.get("/request/").content.decode()
    for name in ("program_wanted", "urgency", "pending_matters"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', page)
        assert radios and not [r for r in radios if 'value=""' in r], name
    labels = re.findall(r'<label class="usa-radio__label"[^>]*>([^<]*)</label>', page)
    assert labels and not [label for label in labels if "Select" in label]
