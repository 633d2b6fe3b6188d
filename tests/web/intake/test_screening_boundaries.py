"""Screening's boundaries and branches, each on its own: the 40-character minimum at 39, 40 and 41 characters
(spaces around not counted), every missing-field branch, an authorization letter in place of the chief, and a
duplicate found by agency record alone or by name and state alone."""

import pytest
from django.core.files.base import ContentFile

from continuum.intake.screening import MIN_DESCRIPTION, apply_screening, screen


def _incomplete(request) -> str:
    return {finding.code: finding.reason for finding in screen(request)}.get("incomplete", "")


@pytest.mark.parametrize(
    "field, words", [("what_happened", "what happened"), ("asked_for", "what is asked for")]
)
def test_the_description_minimum_is_forty_characters_after_trimming(new_request, field, words):
    request = new_request()
    for length, flagged in [
        (MIN_DESCRIPTION - 1, True),
        (MIN_DESCRIPTION, False),
        (MIN_DESCRIPTION + 1, False),
    ]:
        setattr(request, field, "  " + "x" * length + "  ")
        assert (f"a description of {words}" in _incomplete(request)) is flagged, length
    assert MIN_DESCRIPTION == 40


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"requester_is_chief_executive": False, "chief_executive_name": "  "}, "the chief executive's name"),
        ({"urgency": "urgent", "event_date": None}, "the date of the event behind an urgent request"),
    ],
)  # fmt: skip
def test_each_missing_field_is_named_and_only_it(new_request, changes, words):
    request = new_request(**changes)
    reason = _incomplete(request)
    assert reason == f"Missing or too short: {words}."


def test_all_missing_fields_are_listed_together_in_order(new_request):
    request = new_request(urgency="urgent", event_date=None, what_happened="Short.", asked_for="Help.")
    assert _incomplete(request) == (
        "Missing or too short: a description of what happened; a description of what is asked for; the date of "
        "the event behind an urgent request."
    )


def test_optional_fields_left_empty_are_not_flagged(new_request):
    request = new_request(agency_sworn_officers=None, agency_population_served=None)
    assert _incomplete(request) == ""


def test_a_liaison_who_names_the_chief_is_not_incomplete_but_needs_authority(new_request):
    request = new_request(requester_is_chief_executive=False, chief_executive_name="Chief Ada Park")
    codes = {finding.code for finding in screen(request)}
    assert codes == {"authority"}


def test_an_authorization_letter_answers_the_authority_flag(new_request):
    request = new_request(requester_is_chief_executive=False, chief_executive_name="Chief Ada Park")
    assert request.flags.filter(code="authority", cleared_at__isnull=True).exists()
    request.authorization_letter.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"))
    apply_screening(request)
    assert not request.flags.filter(code="authority", cleared_at__isnull=True).exists()


def test_an_urgent_request_with_its_event_date_is_complete(new_request):
    import datetime

    request = new_request(urgency="urgent", event_date=datetime.date(2026, 11, 30))
    assert _incomplete(request) == ""


def test_a_duplicate_is_found_by_the_agency_record_under_another_name(new_request, orgs):
    agency = orgs["agency_a"]
    first = new_request(agency=agency, agency_name=agency.name, agency_state=agency.state)
    renamed = new_request(agency=agency, agency_name="Columbus Police", agency_state="OH")
    reason = {f.code: f.reason for f in screen(renamed)}["duplicate"]
    assert reason == (
        f"{first.agency_name} already has an open request, {first.tracking_number}, submitted "
        f"{first.submitted_at:%Y-%m-%d} (submitted)."
    )


def test_a_duplicate_needs_the_same_name_and_state_when_the_agency_differs(new_request, orgs):
    """Two agency records with the same name in different states are different agencies; the same name in the
    same state without a record is the same agency."""
    first = new_request(
        agency=orgs["agency_a"], agency_name="Springfield Police Department", agency_state="IL"
    )
    other_state = new_request(
        agency=orgs["agency_b"], agency_name="Springfield Police Department", agency_state="MO"
    )
    assert "duplicate" not in {f.code for f in screen(other_state)}
    other_name = new_request(agency_name="Shelbyville Police", agency_state="IL")
    assert "duplicate" not in {f.code for f in screen(other_name)}
    same = new_request(agency_name="SPRINGFIELD POLICE DEPARTMENT", agency_state="IL")
    assert first.tracking_number in {f.code: f.reason for f in screen(same)}["duplicate"]


def test_a_request_linked_to_an_agency_record_still_finds_an_earlier_one_by_name_and_state(new_request, orgs):
    """A request made before the agency had a record is the same agency's when the name and state match."""
    agency = orgs["agency_a"]
    earlier = new_request(agency_name=agency.name.upper(), agency_state=agency.state)
    assert earlier.agency_id is None
    linked = new_request(agency=agency, agency_name=agency.name, agency_state=agency.state)
    assert earlier.tracking_number in {f.code: f.reason for f in screen(linked)}["duplicate"]


def test_a_flag_whose_condition_changes_gets_the_new_reason(new_request):
    request = new_request(pending_matters="yes", pending_details="A civil suit.")
    request.pending_details = "A DOJ inquiry."
    request.save()
    apply_screening(request)
    flag = request.flags.get(code="pending_matters")
    assert "A DOJ inquiry." in flag.reason and flag.cleared_at is None
