"""Plain builders shared by the CRI-TAC, feedback and metrics tests: partners with capabilities, CRI-TAC requests
and engagements. They create what they need, so they also work after a transactional test's flush."""

import datetime
import uuid

from django.utils import timezone
from django.utils.text import slugify

from continuum.accounts.models import User
from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Topic, TopicArea
from continuum.critac.models import DeliveryType, Partner
from continuum.intake.models import Request
from continuum.sites.models import Site
from tests.conftest import make_user


def area(name: str) -> TopicArea:
    return TopicArea.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def topic(name: str, area_name: str | None = None) -> Topic:
    made = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
    if area_name is not None and made.area_id is None:
        made.area = area(area_name)
        made.save()
    return made


def delivery_type(name: str) -> DeliveryType:
    return DeliveryType.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def partner(name: str, *, areas=(), topics=(), types=()) -> Partner:
    provider = ProviderOrganization.objects.create(name=name, provider_type="cri_tac_partner")
    made = Partner.objects.create(provider=provider, summary=f"{name} delivers training.")
    made.areas.set([area(n) for n in areas])
    made.topics.set([topic(n) for n in topics])
    made.delivery_types.set([delivery_type(n) for n in types])
    return made


def provider_user(provider: ProviderOrganization, key: str) -> User:
    return make_user(
        f"{key}@example.org", "provider_staff", provider, first_name=key.title(), last_name="Partner"
    )


def standard_partners() -> dict:
    """IACP covers the use-of-force area and officer wellness; NSA covers rural coordination and de-escalation."""
    topic("De-escalation", "Use of force and de-escalation")
    topic("Use of force", "Use of force and de-escalation")
    topic("Rural policing", "Public sector coordination and partnerships")
    topic("Officer safety and wellness", "Officer safety and wellness")
    iacp = partner(
        "International Association of Chiefs of Police", areas=["Use of force and de-escalation"],
        topics=["Officer safety and wellness"], types=["In-person training", "Policy review"],
    )  # fmt: skip
    nsa = partner(
        "National Sheriffs' Association", areas=["Public sector coordination and partnerships"],
        topics=["De-escalation"], types=["In-person training", "Peer exchange"],
    )  # fmt: skip
    return {"iacp": iacp, "nsa": nsa}


def make_request(agency, topic_names=(), *, program: str = "cri_tac", **fields) -> Request:
    values = dict(
        submission_token=uuid.uuid4(), agency=agency, agency_name=agency.name, agency_type=agency.agency_type,
        agency_state=agency.state, agency_sworn_officers=agency.sworn_officers,
        agency_population_served=agency.population_served, requester_name="Chief Requester",
        requester_title="Chief of Police", requester_email="requester@agency.example.gov",
        requester_phone="555-0100", requester_is_chief_executive=True, program_wanted=program, ta_kind="other",
        what_happened="Officers asked for training after a difficult year of crisis calls.",
        urgency="routine", pending_matters="no", asked_for="Training and peer help for our patrol officers.",
        asks_for_costs=False,
    )  # fmt: skip
    values.update(fields)
    request = Request.objects.create(**values)
    request.topics.set([topic(n) for n in topic_names])
    return request


def engagement(agency, provider, *, program: str = "cri_tac", **fields) -> Site:
    values = dict(
        agency=agency, provider=provider, program=program, ta_type="technical_assistance",
        title=f"{agency.name}: CRI-TAC", description="Training.", started_on=timezone.localdate(),
    )  # fmt: skip
    values.update(fields)
    return Site.objects.create(**values)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
