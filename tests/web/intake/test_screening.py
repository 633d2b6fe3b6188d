"""Screening raises flags with reasons on submit and on every edit, and never rejects a request."""

import pytest

from continuum.audit.models import AuditEvent
from continuum.intake.screening import apply_screening
from continuum.intake.transitions import TransitionError, clear_flag

from .conftest import form_data


def _codes(request):
    return {flag.code: flag.reason for flag in request.flags.filter(cleared_at__isnull=True)}


@pytest.mark.parametrize(
    "changes,code,words",
    [
        ({"requester_is_chief_executive": False, "chief_executive_name": "Chief Ada Park",
          "requester_title": "Sergeant"}, "authority",
         "not the agency's chief executive, and no written authorization from Chief Ada Park"),
        ({"agency_type": "other"}, "agency_type", "the program serves state, local, county, tribal, campus"),
        ({"pending_matters": "yes", "pending_details": "DOJ pattern-or-practice inquiry"}, "pending_matters",
         "DOJ pattern-or-practice inquiry"),
        ({"pending_matters": "unknown"}, "pending_matters", "does not know"),
        ({"asks_for_costs": True}, "costs", "personnel or equipment"),
        ({"urgency": "urgent", "event_date": None}, "incomplete", "the date of the event behind an urgent request"),
        ({"what_happened": "Shooting."}, "incomplete", "a description of what happened"),
    ],
)  # fmt: skip
def test_each_rule_raises_its_flag_with_a_reason(new_request, changes, code, words):
    request = new_request(**changes)
    flags = _codes(request)
    assert set(flags) == {code}
    assert words in flags[code]
    assert request.status == "submitted"  # flagged, not rejected


def test_a_clean_request_raises_nothing(new_request):
    assert _codes(new_request()) == {}


def test_no_topics_is_incomplete(new_request):
    from continuum.catalog.models import Topic

    assert "the topics" in _codes(new_request(topics=Topic.objects.none()))["incomplete"]


def test_another_open_request_from_the_same_agency(new_request, orgs):
    first = new_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name)
    second = new_request(agency=orgs["agency_a"], agency_name=orgs["agency_a"].name)
    assert first.tracking_number in _codes(second)["duplicate"]
    assert "duplicate" not in _codes(first)  # the first came first
    springfield = new_request()
    by_name = new_request(agency_name="springfield (il) police department ")
    assert springfield.tracking_number in _codes(by_name)["duplicate"]  # matched on name and state, any case
    elsewhere = new_request(agency_name="Springfield (IL) Police Department", agency_state="MO")
    assert "duplicate" not in _codes(elsewhere)


def test_editing_rescreens_and_clears_what_no_longer_applies(new_request):
    request = new_request(asks_for_costs=True)
    assert set(_codes(request)) == {"costs"}
    request.asks_for_costs = False
    request.save()
    apply_screening(request)
    assert _codes(request) == {}
    flag = request.flags.get(code="costs")
    assert flag.cleared_at is not None and "No longer applies" in flag.clear_reason
    changes = [e.changes for e in AuditEvent.objects.filter(object_id=str(request.pk), action="updated")]
    assert {"flag costs": [None, "raised"]} in changes and {"flag costs": ["raised", "cleared"]} in changes


def test_staff_clear_a_flag_with_a_reason_and_it_stays_cleared(new_request, users):
    request = new_request(asks_for_costs=True)
    flag = request.flags.get()
    with pytest.raises(TransitionError, match="Say why"):
        clear_flag(flag, users["staff"], "  ")
    clear_flag(flag, users["staff"], "Confirmed on the call: only training costs, which the program covers.")
    apply_screening(request)  # the condition still holds, but the staff decision stands
    flag.refresh_from_db()
    assert flag.cleared_by == users["staff"] and _codes(request) == {}
    with pytest.raises(TransitionError, match="already cleared"):
        clear_flag(flag, users["staff"], "again")


def test_only_program_staff_clear_flags(new_request, users):
    from django.core.exceptions import PermissionDenied

    flag = new_request(asks_for_costs=True).flags.get()
    with pytest.raises(PermissionDenied):
        clear_flag(flag, users["executive_a"], "I say so")


def test_submitting_through_the_form_screens(client, db):
    client.post(
        "/request/", form_data(requester_is_chief_executive="no", chief_executive_name="Chief Ada Park")
    )
    from continuum.intake.models import Request

    assert set(_codes(Request.objects.get())) == {"authority"}
