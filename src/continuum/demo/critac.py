"""Demo CRI-TAC: three partner associations with their capabilities, and eight engagements across topics, each a
request routed to a partner through the real routing and a delivery record or two.

Requests are keyed by a fixed submission token, so loading twice changes nothing. Their history is then dated
back over the past year (submission, decision, site opened), so the metrics dashboard has months to show.
"""

import datetime
import uuid

from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.agencies.models import ProviderOrganization
from continuum.catalog.models import Topic, TopicArea
from continuum.critac import routing
from continuum.critac.deliveries import record_delivery
from continuum.critac.models import Delivery, DeliveryType, Partner
from continuum.intake.models import Request
from continuum.intake.screening import apply_screening
from continuum.sites.models import Site

NAMESPACE = uuid.UUID("0f6a1c8e-3d1b-4f0e-9a44-2b7f0c9d5e21")

PARTNERS = [
    {
        "name": "International Association of Chiefs of Police", "website": "https://www.theiacp.org",
        "summary": "The world's largest association of police leaders, with training and policy centers on use of "
        "force, officer wellness and leadership.",
        "areas": ["Use of force and de-escalation", "Officer safety and wellness",
                  "Recruitment, training and leadership", "Accountability and professional standards"],
        "topics": ["Crisis intervention teams", "Mental health response"],
        "types": ["In-person training", "Web-based training", "Virtual coaching", "Onsite consultation",
                  "Policy review", "Strategic planning", "Resource referral"],
    },
    {
        "name": "National Sheriffs' Association", "website": "https://www.sheriffs.org",
        "summary": "Sheriffs and deputies across the country; rural, tribal and multi-agency coordination.",
        "areas": ["Public sector coordination and partnerships", "Crisis response and critical incidents",
                  "Violent crime and public safety"],
        "topics": ["Officer safety and wellness"],
        "types": ["In-person training", "Web-based training", "Onsite consultation", "Peer exchange",
                  "Meeting facilitation", "Resource referral"],
    },
    {
        "name": "Police Executive Research Forum", "website": "https://www.policeforum.org",
        "summary": "Research and executive development for police leaders; data, technology and community trust.",
        "areas": ["Intelligence, data and technology", "Community policing and engagement",
                  "Traffic and patrol operations"],
        "topics": ["De-escalation", "Use of force"],
        "types": ["Policy review", "Strategic planning", "Meeting facilitation", "Onsite consultation",
                  "Virtual coaching", "Peer exchange"],
    },
]  # fmt: skip

# (key, agency, months ago submitted, days to decision, topics, deliveries: (title, type, format, days after the
# decision, length in days, attendees, who, materials))
ENGAGEMENTS = [
    ("dalton", dict(agency_name="Dalton (GA) Police Department", agency_type="local", agency_city="Dalton",
                    agency_state="GA", agency_sworn_officers=88, agency_population_served=34000,
                    requester_name="Chief Cliff Cason"),
     11, 9, ["De-escalation", "Use of force"],
     [("De-escalation training for patrol", "In-person training", "in_person", 35, 2, 46,
       "38 patrol officers, 8 sergeants", "ICAT curriculum workbook\nScenario cards\nAfter-training survey")]),
    ("sitka", dict(agency_name="Sitka (AK) Police Department", agency_type="local", agency_city="Sitka",
                   agency_state="AK", agency_sworn_officers=14, agency_population_served=8400,
                   requester_name="Chief Robert Baty"),
     10, 6, ["Officer safety and wellness", "Peer support programs"],
     [("Building a peer support team", "Virtual coaching", "virtual", 20, 1, 6, "Chief, lieutenant, four officers",
       "Peer support program model policy\nSample team charter")]),
    ("pine-ridge", dict(agency_name="Oglala Sioux Tribe Department of Public Safety", agency_type="tribal",
                        agency_city="Pine Ridge", agency_state="SD", agency_sworn_officers=42,
                        agency_population_served=19600, requester_name="Chief Algin Young"),
     9, 14, ["Multi-agency coordination", "Rural policing"],
     [("Tri-agency coordination workshop", "Meeting facilitation", "in_person", 40, 1, 22,
       "Tribal, county and state command staff", "Facilitation agenda\nMutual aid agreement template"),
      ("Peer exchange with a tribal agency", "Peer exchange", "in_person", 75, 2, 5, "Command staff",
       "Site visit notes")]),
    ("ames", dict(agency_name="Ames (IA) Police Department", agency_type="local", agency_city="Ames",
                  agency_state="IA", agency_sworn_officers=56, agency_population_served=66400,
                  requester_name="Chief Geoff Huff"),
     8, 11, ["Body-worn cameras", "Data-driven policing"],
     [("Body-worn camera policy review", "Policy review", "virtual", 30, 10, 4, "Policy unit and union",
       "Marked-up policy\nModel policy comparison")]),
    ("hanover", dict(agency_name="Hanover County (VA) Sheriff's Office", agency_type="county",
                     agency_city="Hanover", agency_state="VA", agency_sworn_officers=230,
                     agency_population_served=110000, requester_name="Sheriff David Hines"),
     6, 5, ["Active shooter response", "School safety"],
     [("Active shooter response training", "In-person training", "in_person", 28, 3, 120,
       "Deputies, school resource officers, fire and EMS", "Rescue task force guide\nTabletop exercise packet")]),
    ("logan", dict(agency_name="Utah State University Police", agency_type="campus", agency_city="Logan",
                   agency_state="UT", agency_sworn_officers=17, agency_population_served=27000,
                   requester_name="Chief Blair Barfuss"),
     5, 8, ["Crowd management", "Campus safety"],
     [("Event operations plan consultation", "Onsite consultation", "in_person", 21, 1, 9,
       "Campus police leadership and student affairs", "Event operations checklist")]),
    ("galveston", dict(agency_name="Galveston (TX) Police Department", agency_type="local",
                       agency_city="Galveston", agency_state="TX", agency_sworn_officers=165,
                       agency_population_served=53000, requester_name="Chief Doug Balli"),
     3, 7, ["Intelligence and information sharing", "Real-time crime centers"],
     [("Information sharing strategy session", "Strategic planning", "virtual", 18, 1, 12,
       "Command staff and crime analysts", "Strategy worksheet\nFusion center contacts")]),
    ("bozeman", dict(agency_name="Bozeman (MT) Police Department", agency_type="local", agency_city="Bozeman",
                     agency_state="MT", agency_sworn_officers=72, agency_population_served=56000,
                     requester_name="Chief Jim Veltkamp"),
     1, 4, ["Recruitment and hiring", "Leadership development"],
     []),  # routed, delivery still to come
]  # fmt: skip


def _partners() -> dict[str, Partner]:
    areas = {a.name: a for a in TopicArea.objects.all()}
    topics = {t.name: t for t in Topic.objects.all()}
    types = {t.name: t for t in DeliveryType.objects.all()}
    made = {}
    for spec in PARTNERS:
        provider, _ = ProviderOrganization.objects.update_or_create(
            name=spec["name"], defaults={"provider_type": "cri_tac_partner", "website": spec["website"]}
        )
        partner, _ = Partner.objects.update_or_create(
            provider=provider, defaults={"summary": spec["summary"]}
        )
        partner.areas.set([areas[n] for n in spec["areas"] if n in areas])
        partner.topics.set([topics[n] for n in spec["topics"] if n in topics])
        partner.delivery_types.set([types[n] for n in spec["types"]])
        made[provider.name] = partner
    return made


def _partner_user(provider: ProviderOrganization) -> User:
    """A provider-staff account for each partner (no password: the demo signs in as the printed users)."""
    existing = User.objects.filter(organization=provider, role=Role.PROVIDER_STAFF).first()
    if existing is not None:
        return existing
    domain = provider.website.split("//")[-1].removeprefix("www.").split(".")[0]
    user = User(email=f"partner@{domain}.example.org", first_name="Partner", last_name="Lead",
                role=Role.PROVIDER_STAFF, organization=provider, job_title="CRI-TAC project lead")  # fmt: skip
    user.set_unusable_password()
    user.save()
    return user


def load(staff: User) -> None:
    _partners()
    types = {t.name: t for t in DeliveryType.objects.all()}
    now = timezone.now()
    for key, agency, months_ago, decision_days, topic_names, deliveries in ENGAGEMENTS:
        token = uuid.uuid5(NAMESPACE, key)
        if Request.objects.filter(submission_token=token).exists():
            continue
        request = Request(
            submission_token=token, requester_title="Chief executive", requester_is_chief_executive=True,
            requester_email=f"{key}@agency.example.gov", requester_phone="555-0100", program_wanted="cri_tac",
            ta_kind="other", urgency="routine", pending_matters="no", asks_for_costs=False,
            what_happened=f"The agency asked for training and peer help on {', '.join(topic_names).lower()}.",
            asked_for="Training and peer help from a CRI-TAC partner.", **agency,
        )  # fmt: skip
        request.save()
        request.topics.set(Topic.objects.filter(name__in=topic_names))
        apply_screening(request)
        best = routing.suggestions(request)[0].partner
        request = routing.route(
            request,
            staff,
            best,
            f"{best} covers the request's topics.",
            message=f"Your request was accepted: {best} will deliver it and contact you.",
        )
        submitted = now - datetime.timedelta(days=30 * months_ago)
        decided = submitted + datetime.timedelta(days=decision_days)
        Request.objects.filter(pk=request.pk).update(submitted_at=submitted, decided_at=decided)
        site = Site.objects.get(pk=request.site_id)
        Site.objects.filter(pk=site.pk).update(created_at=decided, started_on=timezone.localdate(decided))
        partner_user = _partner_user(best.provider)
        for title, kind, form, after, length, attendees, who, materials in deliveries:
            first = timezone.localdate(decided) + datetime.timedelta(days=after)
            record_delivery(site, partner_user, Delivery(
                title=title, delivery_type=types[kind], format=form, starts_on=first,
                ends_on=first + datetime.timedelta(days=length - 1), attendees=attendees, attendee_description=who,
                materials=materials, location="" if form == "virtual" else agency["agency_city"],
            ))  # fmt: skip
