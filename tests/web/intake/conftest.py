"""Helpers for the intake tests: a valid form submission and a request made directly."""

import uuid

import pytest

from continuum.catalog.models import Topic
from continuum.intake.models import Request
from continuum.intake.screening import apply_screening

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def form_data(**changes) -> dict:
    """A complete submission from a chief executive of a new agency: screening raises no flag."""
    topics = list(
        Topic.objects.filter(name__in=["Use of force", "De-escalation"]).values_list("pk", flat=True)
    )
    data = {
        "submission_token": str(uuid.uuid4()),
        "existing_agency": "",
        "agency_name": "Springfield (IL) Police Department",
        "agency_type": "local",
        "agency_city": "Springfield",
        "agency_state": "IL",
        "agency_ori": "",
        "agency_sworn_officers": "230",
        "agency_population_served": "114000",
        "requester_name": "Pat Morales",
        "requester_title": "Chief of Police",
        "requester_email": "pat.morales@springfield.example.gov",
        "requester_phone": "217-555-0100",
        "requester_is_chief_executive": "yes",
        "chief_executive_name": "",
        "program_wanted": "critical_response",
        "ta_kind": "after_action_review",
        "topics": topics,
        "what_happened": "A large demonstration downtown turned violent over two nights; officers used force.",
        "event_date": "2026-10-02",
        "urgency": "soon",
        "pending_matters": "no",
        "pending_details": "",
        "asked_for": "An independent after-action review of our planning, command and use of force.",
        "asks_for_costs": "no",
    }
    data.update(changes)
    return data


def make_request(**fields) -> Request:
    """A request saved directly and screened, as a submission would be."""
    topics = fields.pop("topics", None)
    defaults = {
        k: v for k, v in form_data().items() if k not in {"topics", "existing_agency", "submission_token"}
    }
    defaults.update(
        requester_is_chief_executive=True, asks_for_costs=False, agency_sworn_officers=230,
        agency_population_served=114000, submission_token=uuid.uuid4(),
    )  # fmt: skip
    defaults.update(fields)
    request = Request.objects.create(**defaults)
    request.topics.set(topics if topics is not None else Topic.objects.filter(name="Use of force"))
    apply_screening(request)
    return request


@pytest.fixture
def new_request(db):
    return make_request
