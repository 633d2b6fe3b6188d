"""Demo requests for assistance in every status, including the originating requests of the six seed sites.

Each is made once (keyed by a fixed submission token) and moved through the real transitions, so the demo's
history reads like the program's.
"""

import uuid

from django.utils import timezone

from continuum.accounts.models import User
from continuum.agencies.models import Agency, ProviderOrganization
from continuum.catalog.models import Topic
from continuum.intake import transitions
from continuum.intake.models import Contact, Request
from continuum.intake.screening import apply_screening

NAMESPACE = uuid.UUID("5b0f3c52-6f59-4a55-9a57-0d7c2f1f4f10")

SEED_SITES = [
    {
        "agency": "Columbus (OH) Division of Police", "provider": "National Policing Institute",
        "program": "critical_response", "ta_kind": "data_analysis", "ta_type": "issue_specific_review",
        "topics": ["Use of force", "Racial profiling and bias"],
        "title": "Columbus Division of Police: use of force review",
        "what_happened": "After the 2020 demonstrations and several use-of-force incidents that drew community "
        "concern, the Division asked for an independent look at its use-of-force policies, training and data.",
        "asked_for": "A review of use-of-force policy, training, supervision and reporting, with an analysis of "
        "five years of use-of-force data, and recommendations.",
    },
    {
        "agency": "Philadelphia Police Department", "provider": "Jensen Hughes", "program": "critical_response",
        "ta_kind": "other", "ta_type": "technical_assistance", "topics": ["Police vehicle crashes", "Traffic collisions"],
        "title": "Philadelphia Police Department: police vehicle crashes",
        "what_happened": "Police vehicle crashes, several during pursuits and emergency responses, injured officers "
        "and residents and cost the city millions in claims.",
        "asked_for": "Technical assistance to understand why police vehicle crashes happen and how policy, training "
        "and supervision can prevent them.",
    },
    {
        "agency": "Cleveland (OH) Division of Police", "provider": "National Policing Institute",
        "program": "critical_response", "ta_kind": "other", "ta_type": "technical_assistance",
        "topics": ["Community engagement", "Problem-oriented policing", "Recruitment and hiring"],
        "title": "Cleveland Division of Police: community engagement, problem solving and hiring",
        "what_happened": "The Division is rebuilding community trust and its workforce under a consent decree and "
        "wants peer help on engagement, problem-oriented policing and recruitment.",
        "asked_for": "Technical assistance on community engagement strategy, problem-oriented policing practice, and "
        "recruitment and hiring of officers who reflect the city.",
    },
    {
        "agency": "Fargo (ND) Police Department", "provider": "Jensen Hughes", "program": "critical_response",
        "ta_kind": "after_action_review", "ta_type": "after_action_review",
        "topics": ["Critical incidents", "Officer-involved shootings", "Officer safety and wellness"],
        "title": "Fargo Police Department: after-action review of the July 2023 ambush",
        "what_happened": "On July 14, 2023, officers responding to a traffic crash were ambushed by a gunman; one "
        "officer was killed and two were wounded before an officer stopped the attacker.",
        "asked_for": "An independent after-action review of the response, to learn what worked and what to improve "
        "for officers across the country.",
        "event_date": "2023-07-14",
    },
    {
        "agency": "Indianapolis Metropolitan Police Department", "provider": "National Policing Institute",
        "program": "critical_response", "ta_kind": "data_analysis", "ta_type": "issue_specific_review",
        "topics": ["Officer-involved shootings", "Use of force"],
        "title": "Indianapolis Metropolitan Police Department: officer-involved shootings review",
        "what_happened": "Officer-involved shootings rose, and the community and the department asked whether "
        "something in policy, training or deployment was driving them.",
        "asked_for": "An analysis of officer-involved shootings over several years and a review of the related "
        "policies, training and investigations, with recommendations.",
    },
    {
        "agency": "Boston Police Department", "provider": "Jensen Hughes", "program": "critical_response",
        "ta_kind": "other", "ta_type": "technical_assistance", "topics": ["Human resources", "Accountability and discipline"],
        "title": "Boston Police Department: human resources review",
        "what_happened": "Leadership changes and questions about internal processes led the Department to ask for a "
        "review of how it hires, promotes, assigns and disciplines personnel.",
        "asked_for": "Technical assistance reviewing human resources policies and practices, with recommendations.",
    },
]  # fmt: skip

OTHER_REQUESTS = [
    {   # submitted by a lieutenant without the chief's letter: shows the authority flag in the queue
        "key": "riverton-submitted", "status": "submitted", "days_ago": 8,
        "agency_name": "Riverton (WY) Police Department", "agency_type": "local", "agency_city": "Riverton",
        "agency_state": "WY", "agency_sworn_officers": 32, "agency_population_served": 10600,
        "requester_name": "Lt. Sam Whitehorse", "requester_title": "Lieutenant", "requester_is_chief_executive": False,
        "chief_executive_name": "Chief Eric Murphy", "program_wanted": "not_sure", "ta_kind": "immediate",
        "urgency": "urgent", "event_date": -6, "topics": ["Crisis response", "De-escalation"],
        "what_happened": "A man in mental-health crisis was shot by an officer after a standoff; the community has "
        "held vigils and asked for answers.",
        "asked_for": "Onsite peer briefings for command staff and help planning community listening sessions.",
    },
    {   # under review, with an assessment call logged
        "key": "tempe-under-review", "status": "under_review",
        "agency_name": "Tempe (AZ) Police Department", "agency_type": "local", "agency_city": "Tempe",
        "agency_state": "AZ", "agency_sworn_officers": 340, "agency_population_served": 185000,
        "requester_name": "Chief Kenneth McCoy", "requester_title": "Chief of Police", "requester_is_chief_executive": True,
        "program_wanted": "critical_response", "ta_kind": "data_analysis", "urgency": "soon",
        "topics": ["Traffic stops", "Racial profiling and bias"],
        "what_happened": "Community groups raised concerns about racial disparities in traffic stops after a local "
        "newspaper analysed two years of stop data.",
        "asked_for": "An independent analysis of traffic-stop data for racial disparities, with the veil of darkness "
        "and outcome tests, and advice on data collection.",
    },
    {   # declined: tied to pending litigation
        "key": "lakeview-declined", "status": "declined",
        "agency_name": "Lakeview (OR) Sheriff's Office", "agency_type": "county", "agency_city": "Lakeview",
        "agency_state": "OR", "agency_sworn_officers": 18, "agency_population_served": 7900,
        "requester_name": "Sheriff Dana Keller", "requester_title": "Sheriff", "requester_is_chief_executive": True,
        "program_wanted": "critical_response", "ta_kind": "after_action_review", "urgency": "routine",
        "pending_matters": "yes", "pending_details": "Federal civil-rights lawsuit over the 2025 jail death.",
        "topics": ["Critical incidents"],
        "what_happened": "An in-custody death at the county jail in 2025 led to a federal civil-rights lawsuit that is "
        "still pending.",
        "asked_for": "An after-action review of the jail's response and its medical protocols.",
        "decision": "The review would overlap pending federal litigation; the program cannot take it up now.",
    },
    {   # referred from Critical Response to CRI-TAC
        "key": "millbrook-referred", "status": "referred",
        "agency_name": "Millbrook (AL) Police Department", "agency_type": "local", "agency_city": "Millbrook",
        "agency_state": "AL", "agency_sworn_officers": 41, "agency_population_served": 16500,
        "requester_name": "Chief Ron Hayes", "requester_title": "Chief of Police", "requester_is_chief_executive": True,
        "program_wanted": "critical_response", "ta_kind": "other", "urgency": "routine",
        "topics": ["Officer safety and wellness", "Early intervention"],
        "what_happened": "Two officers left after traumatic calls and the department has no wellness program or early "
        "intervention system.",
        "asked_for": "Training for supervisors on officer wellness and help setting up an early intervention system.",
        "decision": "Training and peer help on wellness is what CRI-TAC's partners deliver; referred there.",
    },
    {   # withdrawn by the requester
        "key": "harbor-withdrawn", "status": "withdrawn",
        "agency_name": "Harbor City (CA) Campus Police", "agency_type": "campus", "agency_city": "Harbor City",
        "agency_state": "CA", "agency_sworn_officers": 24, "agency_population_served": 31000,
        "requester_name": "Director Mei Lin", "requester_title": "Director of Public Safety",
        "requester_is_chief_executive": True, "program_wanted": "cri_tac", "ta_kind": "other", "urgency": "routine",
        "topics": ["Crowd management"],
        "what_happened": "Campus protests are expected this spring and the department has not trained for crowd "
        "management in years.",
        "asked_for": "Crowd-management training for officers and a review of the event operations plan.",
        "decision": "The state police academy offered the training first.",
    },
]  # fmt: skip


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _topics(names):
    return list(Topic.objects.filter(name__in=names))


def _make(key: str, fields: dict, agency: Agency | None = None) -> tuple[Request, bool]:
    existing = Request.objects.filter(submission_token=_token(key)).first()
    if existing is not None:
        return existing, False
    days = fields.pop("event_date", None)
    event_date = timezone.localdate() + timezone.timedelta(days=days) if isinstance(days, int) else days
    topics = fields.pop("topics")
    days_ago = fields.pop("days_ago", 0)  # still waiting for a first contact: past the program's target
    request = Request(
        submission_token=_token(key), agency=agency, event_date=event_date,
        requester_email=f"{key}@agency.example.gov", requester_phone="555-0100", asks_for_costs=False,
        pending_matters=fields.pop("pending_matters", "no"), **fields,
    )  # fmt: skip
    request.save()
    if days_ago:
        request.submitted_at = timezone.now() - timezone.timedelta(days=days_ago)
        Request.objects.filter(pk=request.pk).update(submitted_at=request.submitted_at)
    request.topics.set(_topics(topics))
    apply_screening(request)
    return request, True


def load(staff: User) -> None:
    providers = {p.name: p for p in ProviderOrganization.objects.all()}
    for seed in SEED_SITES:
        seed = dict(seed)
        agency = Agency.objects.get(name=seed.pop("agency"))
        provider = providers[seed.pop("provider")]
        program, ta_type, title = seed.pop("program"), seed.pop("ta_type"), seed.pop("title")
        fields = {
            "agency_name": agency.name, "agency_type": agency.agency_type, "agency_city": agency.city,
            "agency_state": agency.state, "agency_ori": agency.ori, "agency_sworn_officers": agency.sworn_officers,
            "agency_population_served": agency.population_served, "requester_name": agency.chief_executive_name,
            "requester_title": agency.chief_executive_title, "requester_is_chief_executive": True,
            "program_wanted": program, "urgency": "soon", **seed,
        }  # fmt: skip
        request, created = _make(f"seed-{agency.ori}", fields, agency=agency)
        if created:
            transitions.start_review(request, staff, "Assessment call scheduled with the chief executive")
            _contact(request, staff, agency.chief_executive_name)
            transitions.accept(
                request, staff, "Within the program's scope; the chief executive asked for it.",
                program=program, ta_type=ta_type, title=title, provider=provider,
                message="Your request was accepted. Program staff will contact you to prepare a work plan for "
                "your review and approval.",
            )  # fmt: skip
    for spec in OTHER_REQUESTS:
        spec = dict(spec)
        key, status, decision = spec.pop("key"), spec.pop("status"), spec.pop("decision", "")
        request, created = _make(key, spec)
        if not created:
            continue
        if status in {"under_review", "declined"}:
            transitions.start_review(request, staff, "Reviewing the request with the agency")
            _contact(request, staff, request.requester_name)
        if status == "declined":
            transitions.decline(request, staff, decision, message=MESSAGES["declined"])
        elif status == "referred":
            transitions.refer(request, staff, decision, to_program="cri_tac", message=MESSAGES["referred"])
        elif status == "withdrawn":
            transitions.withdraw(request, staff, decision, verified_requester=True)


MESSAGES = {  # what the requester reads, beside the internal reasons above
    "declined": "Thank you for your request. The program cannot take up a review while litigation about the same "
    "matters is pending; you are welcome to ask again once it is resolved.",
    "referred": "Your request fits the CRI-TAC program better: its partner associations deliver training and peer "
    "help on this topic. It continues there under a new tracking number, sent to you separately.",
}


def _contact(request: Request, staff: User, with_whom: str) -> None:
    Contact.objects.create(
        request=request, contacted_on=timezone.localdate() - timezone.timedelta(days=3), with_whom=with_whom,
        channel=Contact.Channel.PHONE, purposes=[Contact.Purpose.ASSESS, Contact.Purpose.EXPECTATIONS],
        notes="Walked through the process, what the program covers and what the agency hopes to get from it.",
        logged_by=staff,
    )  # fmt: skip
