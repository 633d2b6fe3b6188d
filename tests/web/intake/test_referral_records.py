"""A referral's new request is screened as the referring staff member's act, and records no message unless one
was given; a flag is cleared only with a reason."""

import pytest

from continuum.audit.models import AuditEvent
from continuum.intake import transitions
from continuum.workflow import MESSAGE_KEY


def _events(request, action):
    return AuditEvent.objects.filter(object_id=str(request.pk), content_type__model="request", action=action)


def test_the_referred_request_s_flags_are_raised_by_the_referrer(new_request, users):
    request = new_request(program_wanted="critical_response", asks_for_costs=True)
    transitions.refer(request, users["staff"], "Training fits CRI-TAC better", to_program="cri_tac")
    successor = request.referrals.get()
    flag = successor.flags.get()
    assert flag.cleared_at is None
    raised = _events(successor, "updated").get()
    assert (raised.actor, raised.changes) == (users["staff"], {f"flag {flag.code}": [None, "raised"]})
    # referred without a message to the agency: none is recorded with the step
    referred = _events(request, "transition").get(to_state="referred")
    assert MESSAGE_KEY not in referred.changes


def test_a_flag_is_not_cleared_without_a_reason(new_request, users):
    request = new_request(asks_for_costs=True)
    with pytest.raises(transitions.TransitionError, match="Say why"):
        transitions.clear_flag(request.flags.get(), users["staff"], None)
    assert request.flags.get().cleared_at is None


def test_accepting_a_request_from_a_new_agency_describes_it_as_the_request_does(new_request, users):
    from continuum.agencies.models import Agency

    request = new_request(agency_name=" Dayton (OH) Police Department ", agency_city="Dayton", agency_state="OH",
                          agency_ori="OH0570300", agency_type="local", agency_sworn_officers=330,
                          agency_population_served=137000)  # fmt: skip
    transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    agency = Agency.objects.get(name="Dayton (OH) Police Department")
    assert (agency.agency_type, agency.city, agency.state, agency.ori) == (
        "local",
        "Dayton",
        "OH",
        "OH0570300",
    )
    assert (agency.sworn_officers, agency.population_served) == (330, 137000)
    # the requester is the chief executive and named no other: they are
    assert (agency.chief_executive_name, agency.chief_executive_title) == ("Pat Morales", "Chief of Police")
    created = AuditEvent.objects.get(content_type__model="agency", object_id=str(agency.pk), action="created")
    assert (created.actor, created.reason) == (
        users["staff"],
        f"Described in request {request.tracking_number}",
    )


def test_a_liaison_s_request_leaves_the_new_agency_s_chief_unnamed_unless_given(new_request, users):
    from continuum.agencies.models import Agency

    request = new_request(agency_name="Akron (OH) Police Department", requester_is_chief_executive=False,
                          chief_executive_name="")  # fmt: skip
    request.authorization = "letter"
    request.save()
    request.flags.update(cleared_at=request.submitted_at)
    transitions.accept(request, users["staff"], "ok", program="cri_tac", ta_type="technical_assistance")
    agency = Agency.objects.get(name="Akron (OH) Police Department")
    assert (agency.chief_executive_name, agency.chief_executive_title) == ("", "")
