"""Decisions are server-side transitions: permission-checked, with a reason, audited, e-mailed."""

import pytest
from django.core.exceptions import PermissionDenied

from continuum.agencies.models import Agency
from continuum.audit.models import AuditEvent
from continuum.intake import transitions
from continuum.intake.models import Request
from continuum.sites.models import Site
from continuum.workflow import MESSAGE_KEY


def _transitions(request):
    return list(
        AuditEvent.objects.filter(
            object_id=str(request.pk), action="transition", content_type__model="request"
        )
        .order_by("at", "pk")
        .values_list("from_state", "to_state", "reason")
    )


def test_review_then_accept_creates_a_site_and_the_agency(new_request, users, mailoutbox,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    request = new_request()
    staff = users["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        transitions.start_review(request, staff, "Call booked with the chief")
        request = transitions.accept(
            request, staff, "Fits Critical Response", program="critical_response",
            ta_type="after_action_review", provider=None,
        )  # fmt: skip
    site = request.site
    assert request.status == "accepted" and request.decided_at is not None
    assert site.program == "critical_response" and site.ta_type == "after_action_review"
    assert site.agency.name == "Springfield (IL) Police Department" and request.agency == site.agency
    assert site.agency.sworn_officers == 230 and site.agency.chief_executive_name == "Pat Morales"
    assert list(site.topics.all()) == list(request.topics.all())
    assert "A large demonstration" in site.description and "Asked for: An independent" in site.description
    assert site.status == "work_plan" and not site.is_public
    assert _transitions(request) == [
        ("submitted", "under_review", "Call booked with the chief"),
        ("under_review", "accepted", "Fits Critical Response"),
    ]
    assert AuditEvent.objects.filter(
        content_type__model="site", object_id=str(site.pk), action="created"
    ).exists()
    assert [m.subject.rsplit(" ", 1)[-1] for m in mailoutbox] == ["review", "accepted"]
    assert "Critical Response program" in mailoutbox[-1].body


def test_accept_links_an_existing_agency_instead_of_duplicating_it(new_request, users, orgs):
    request = new_request(agency_name="COLUMBUS (OH) DIVISION OF POLICE", agency_state="OH")
    transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    assert Agency.objects.filter(name__iexact="Columbus (OH) Division of Police").count() == 1
    assert Request.objects.get(pk=request.pk).agency == orgs["agency_a"]


def test_accept_needs_every_flag_cleared(new_request, users):
    request = new_request(asks_for_costs=True)
    with pytest.raises(transitions.TransitionError, match="Clear the open screening flags"):
        transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    assert not Site.objects.exists()
    flag = transitions.clear_flag(request.flags.get(), users["staff"], "  Training costs only ")
    assert (flag.cleared_by, flag.clear_reason) == (users["staff"], "Training costs only")
    cleared = AuditEvent.objects.get(
        object_id=str(request.pk), content_type__model="request", reason="Training costs only"
    )
    assert (cleared.actor, cleared.reason) == (users["staff"], "Training costs only")
    assert cleared.changes == {f"flag {flag.code}": ["raised", "cleared"]}
    with pytest.raises(transitions.TransitionError, match="already cleared"):
        transitions.clear_flag(flag, users["staff"], "Again")
    transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    assert Site.objects.count() == 1


@pytest.mark.parametrize("who", ["liaison_a", "executive_a", "provider_a", "sme_a"])
def test_only_program_staff_clear_a_flag(new_request, users, who):
    request = new_request(asks_for_costs=True)
    with pytest.raises(PermissionDenied):
        transitions.clear_flag(request.flags.get(), users[who], "Not mine to clear")
    with pytest.raises(transitions.TransitionError, match="Say why"):
        transitions.clear_flag(request.flags.get(), users["staff"], "   ")
    assert request.flags.get().cleared_at is None


def test_every_decision_needs_a_reason(new_request, users):
    request = new_request()
    for call in [
        lambda: transitions.decline(request, users["staff"], ""),
        lambda: transitions.start_review(request, users["staff"], "   "),
        lambda: transitions.refer(request, users["staff"], "", to_program="cri_tac"),
    ]:
        with pytest.raises(transitions.TransitionError, match="Give a reason"):
            call()
    assert Request.objects.get(pk=request.pk).status == "submitted"


@pytest.mark.parametrize("final", ["declined", "withdrawn", "accepted"])
def test_decided_requests_cannot_move_again(new_request, users, final):
    request = new_request()
    if final == "declined":
        transitions.decline(request, users["staff"], "Out of scope")
    elif final == "withdrawn":
        transitions.withdraw(request, users["staff"], "Asked by phone", verified_requester=True)
    else:
        transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    with pytest.raises(
        transitions.TransitionError,
        match=f"The request is {final}: “Decline” needs it to be submitted or under review",
    ):
        transitions.decline(request, users["staff"], "again")
    with pytest.raises(transitions.TransitionError, match="“Start the review” needs it to be submitted"):
        transitions.start_review(request, users["staff"], "again")


@pytest.mark.parametrize("who", ["executive_a", "liaison_a", "provider_a", "sme_a"])
def test_only_program_staff_decide(new_request, users, who):
    request = new_request()
    with pytest.raises(PermissionDenied):
        transitions.decline(request, users[who], "no")
    with pytest.raises(PermissionDenied):
        transitions.accept(request, users[who], "yes", program="cri_tac", ta_type="technical_assistance")
    assert Request.objects.get(pk=request.pk).status == "submitted"


def test_refer_moves_the_request_to_another_program(new_request, users, mailoutbox,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    request = new_request(program_wanted="critical_response")
    with pytest.raises(transitions.TransitionError, match="already asks for that program"):
        transitions.refer(request, users["staff"], "x", to_program="critical_response")
    with django_capture_on_commit_callbacks(execute=True):
        transitions.refer(
            request,
            users["staff"],
            "Training fits CRI-TAC better",
            to_program="cri_tac",
            message="CRI-TAC will call you.",
        )
    request.refresh_from_db()
    successor = request.referrals.get()
    assert (request.status, request.referred_to) == ("referred", "cri_tac")
    assert (successor.status, successor.program_wanted) == ("submitted", "cri_tac")
    assert successor.tracking_number != request.tracking_number
    assert successor.what_happened == request.what_happened
    assert list(successor.topics.all()) == list(request.topics.all())
    assert not successor.flags.filter(code="duplicate").exists()
    assert {m.subject.split(" ")[-1] for m in mailoutbox} == {"referred", "received"}
    # the successor is a new request of its own, with none of the old one's decision, and audited as created
    assert successor.pk != request.pk and successor.referred_from == request
    assert (successor.referred_to, successor.decision_reason, successor.message_to_agency) == ("", "", "")
    assert successor.decided_at is None and successor.site is None
    created = AuditEvent.objects.get(
        action="created", object_id=str(successor.pk), content_type__model="request"
    )
    assert created.actor == users["staff"]
    assert created.reason == f"Referred from {request.tracking_number}: Training fits CRI-TAC better"
    referred = AuditEvent.objects.get(action="transition", object_id=str(request.pk), to_state="referred")
    assert referred.changes == {MESSAGE_KEY: [None, "CRI-TAC will call you."]}


def test_the_review_needs_its_reason_and_tells_the_agency_only_the_message_given(new_request, users):
    """Started without a reason it is refused; without a message it tells the agency nothing; with one, the
    message is kept on the request and in the step's record."""
    quiet, told = new_request(), new_request()
    with pytest.raises(transitions.TransitionError, match="Give a reason"):
        transitions.start_review(quiet, users["staff"])
    quiet = transitions.start_review(quiet, users["staff"], "Call booked")
    told = transitions.start_review(told, users["staff"], "Call booked", "We will call you on Monday.")
    assert (quiet.message_to_agency, told.message_to_agency) == ("", "We will call you on Monday.")
    changes = {
        r.pk: AuditEvent.objects.get(
            action="transition", object_id=str(r.pk), content_type__model="request"
        ).changes
        for r in (quiet, told)
    }
    assert changes == {quiet.pk: {}, told.pk: {MESSAGE_KEY: [None, "We will call you on Monday."]}}


def test_acceptance_names_every_open_flag_and_the_missing_choice(new_request, users):
    request = new_request(asks_for_costs=True, pending_matters="yes", pending_details="A civil suit")
    with pytest.raises(
        transitions.TransitionError,
        match=r"^Clear the open screening flags first \(pending investigation or litigation, costs the program "
        r"does not cover\), each with its reason\.$",
    ):
        transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    with pytest.raises(transitions.TransitionError, match=r"^Choose the program the site will run in\.$"):
        transitions.accept(request, users["staff"], "ok", program="elsewhere", ta_type="technical_assistance")
    with pytest.raises(transitions.TransitionError, match=r"^Choose the type of technical assistance\.$"):
        transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="anything")


def test_an_accepted_request_s_site_is_named_for_its_agency_and_audited_as_created_by_the_decider(
    new_request, users
):
    """Accepted without a title or message: the site is named for the agency and the kind of TA, the agency is
    told nothing more; the site's creation is recorded as the decider's, for this request. With a message, the
    request keeps it."""
    quiet = transitions.accept(
        new_request(), users["staff"], "Fits", program="cri_tac", ta_type="technical_assistance"
    )
    site = quiet.site
    assert site.title == f"Springfield (IL) Police Department: {Site.TAType('technical_assistance').label}"
    assert quiet.message_to_agency == ""
    created = AuditEvent.objects.get(content_type__model="site", object_id=str(site.pk), action="created")
    assert (created.actor, created.reason) == (
        users["staff"],
        f"Created on accepting request {quiet.tracking_number}",
    )
    told = transitions.accept(
        new_request(agency_name="Peoria (IL) Police Department"),
        users["staff"],
        "Fits",
        program="cri_tac",
        ta_type="technical_assistance",
        message="A team will call.",
    )
    assert told.message_to_agency == "A team will call."
    assert Request.objects.get(pk=told.pk).message_to_agency == "A team will call."


def test_a_referral_needs_a_program_of_the_continuum(new_request, users):
    request = new_request(program_wanted="critical_response")
    with pytest.raises(transitions.TransitionError, match="Choose the program"):
        transitions.refer(request, users["staff"], "x", to_program="elsewhere")
    assert Request.objects.get(pk=request.pk).status == "submitted"


def test_agency_user_withdraws_own_open_request_only(new_request, users, orgs):
    own = new_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name)
    other = new_request(agency=orgs["agency_b"], agency_name=orgs["agency_b"].name)
    transitions.withdraw(own, users["liaison_a"], "Resolved locally")
    assert Request.objects.get(pk=own.pk).status == "withdrawn"
    with pytest.raises(PermissionDenied):
        transitions.withdraw(other, users["liaison_a"], "Not mine")


def test_decisions_through_the_page(client, users, login, new_request):
    request = new_request(asks_for_costs=True)
    login(users["staff"])
    url = f"/requests/{request.pk}/decide/accept/"
    data = {
        "accept-program": "critical_response",
        "accept-ta_type": "issue_specific_review",
        "accept-reason": "Fits",
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Clear the open screening flags first" in response.content.decode()
    flag = request.flags.get()
    client.post(f"/requests/{request.pk}/flags/{flag.pk}/clear/", {"reason": "Only training costs"})
    response = client.post(url, {**data, "accept-title": "Springfield protest response review"})
    assert response.status_code == 302
    site = Site.objects.get()
    assert site.title == "Springfield protest response review" and site.ta_type == "issue_specific_review"
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert site.get_absolute_url() in page
    assert client.post(f"/requests/{request.pk}/decide/nonsense/", {}).status_code == 404


def test_accepting_into_an_assessment_needs_the_assessment_type(users, new_request):
    request = new_request(program_wanted="organizational_assessment")
    with pytest.raises(transitions.TransitionError, match="Organizational Assessment"):
        transitions.accept(request, users["staff"], "Fits", program="organizational_assessment",
                           ta_type="technical_assistance")  # fmt: skip
    request.refresh_from_db()
    assert request.status == Request.Status.SUBMITTED and request.site is None
    accepted = transitions.accept(request, users["staff"], "Fits", program="organizational_assessment",
                                  ta_type="organizational_assessment")  # fmt: skip
    assert accepted.site.ta_type == "organizational_assessment"


def test_a_decline_without_a_message_leaves_the_agency_no_message(new_request, users):
    """The message to the agency is optional: declining without one records none (not a placeholder)."""
    request = transitions.decline(new_request(), users["staff"], "Out of scope")
    request.refresh_from_db()
    assert request.status == Request.Status.DECLINED and request.message_to_agency == ""
