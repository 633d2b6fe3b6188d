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
