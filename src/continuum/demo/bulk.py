"""Bulk data for load benchmarks and query-count tests: many agencies, sites and requests, made with bulk_create.

Unlike the demo (`load_demo`), nothing here goes through the transitions: the point is volume with realistic
variety (every program, status and kind of TA, agencies in every state, providers, topics, published reports
and screening flags), made in seconds. `top_up(sites=10_000, requests=50_000)` adds only what is missing, so
the demo's records count towards the totals.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.agencies.geography import STATES_AND_TERRITORIES
from continuum.agencies.models import Agency, ProgramOffice, ProviderOrganization
from continuum.catalog.models import Program, TAKind, Topic
from continuum.intake.models import Flag, Request
from continuum.reports.models import Report
from continuum.sites.models import Site, SiteMember

BATCH = 500  # psycopg parses each distinct INSERT: smaller statements parse faster
PLACES = ["Spring", "River", "Oak", "Maple", "Cedar", "Lake", "Hill", "Fair", "Green", "Clear", "Stone", "Pine",
          "Elm", "Ash", "Brook", "Red", "West", "East", "North", "South"]  # fmt: skip
SUFFIXES = ["field", "ton", "ville", "wood", "dale", "port", "view", "burg", "ford", "mont"]
AGENCY_KINDS = [
    (Agency.Type.LOCAL, "{place} Police Department"),
    (Agency.Type.LOCAL, "{place} Division of Police"),
    (Agency.Type.COUNTY, "{place} County Sheriff's Office"),
    (Agency.Type.STATE, "{state_name} State Patrol, {place} Troop"),
    (Agency.Type.TRIBAL, "{place} Tribal Police"),
    (Agency.Type.CAMPUS, "{place} University Police"),
]
PROVIDER_NAMES = ["Jensen Hughes", "National Policing Institute", "International Association of Chiefs of Police",
                  "Major Cities Chiefs Association", "National Sheriffs' Association",
                  "Police Executive Research Forum", "CNA Institute for Public Research",
                  "International Association of Campus Law Enforcement Administrators"]  # fmt: skip
TA_FOR_PROGRAM = {
    Program.CRITICAL_RESPONSE: [Site.TAType.ISSUE_SPECIFIC_REVIEW, Site.TAType.AFTER_ACTION_REVIEW],
    Program.CRI_TAC: [Site.TAType.TECHNICAL_ASSISTANCE, Site.TAType.IMMEDIATE_TA, Site.TAType.DATA_ANALYSIS],
    Program.ORGANIZATIONAL_ASSESSMENT: [Site.TAType.ORGANIZATIONAL_ASSESSMENT],
}
# Most sites are under way; a third are done (published or closed); few are suspended.
STATUS_WEIGHTS = {
    Site.Status.WORK_PLAN: 8, Site.Status.AGENCY_REVIEW: 5, Site.Status.DELIVERY: 30,
    Site.Status.REPORT_DRAFTING: 10, Site.Status.REPORT_REVIEW: 5, Site.Status.PUBLISHED: 7,
    Site.Status.CLOSED: 33, Site.Status.SUSPENDED: 2,
}  # fmt: skip
# The requests that did not become sites.
OTHER_REQUEST_WEIGHTS = {
    Request.Status.SUBMITTED: 20, Request.Status.UNDER_REVIEW: 25, Request.Status.DECLINED: 30,
    Request.Status.REFERRED: 15, Request.Status.WITHDRAWN: 10,
}  # fmt: skip
REPORTED = {Site.Status.PUBLISHED, Site.Status.IMPLEMENTATION, Site.Status.CLOSED}


@dataclass(frozen=True)
class Added:
    agencies: int
    sites: int
    requests: int
    reports: int


def top_up(*, sites: int, requests: int, seed: int = 10) -> Added:
    """Add sites and requests until there are `sites` and `requests` in all (a site comes from an accepted
    request, so `requests` must be at least `sites`)."""
    if requests < sites:
        raise ValueError(
            f"Every site comes from a request: {requests:,} requests cannot make {sites:,} sites."
        )
    with transaction.atomic():
        new_sites = max(0, sites - Site.objects.count())
        new_requests = max(0, requests - Request.objects.count() - new_sites)
        return _Builder(random.Random(seed)).build(new_sites, new_requests)


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.topics = list(Topic.objects.values_list("pk", flat=True))
        if not self.topics:
            raise RuntimeError("No topics: migrate first (the topic taxonomy comes from a data migration).")

    def build(self, n_sites: int, n_other_requests: int) -> Added:
        n_agencies = max(1, (n_sites + n_other_requests) // 20) if n_sites + n_other_requests else 0
        agencies = self.agencies(n_agencies)
        if not agencies:
            return Added(0, 0, 0, 0)
        providers = self.providers()
        staff = self.staff(providers)
        sites = self.sites(n_sites, agencies, providers)
        self.members(sites, staff)
        reports = self.reports(sites, staff["program"][0])
        accepted = [self.request(site.agency, Request.Status.ACCEPTED, site=site) for site in sites]
        others = [
            self.request(self.rng.choice(agencies), self.weighted(OTHER_REQUEST_WEIGHTS))
            for _ in range(n_other_requests)
        ]
        made = Request.objects.bulk_create(accepted + others, batch_size=BATCH)
        self.many_topics(Request, made)
        self.flags(made)
        return Added(len(agencies), len(sites), len(made), reports)

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def agencies(self, n: int) -> list[Agency]:
        """Saved one by one: an agency is a multi-table child of Organization, which bulk_create cannot make."""
        start = Agency.objects.count()
        made = []
        for i in range(start, start + n):
            state, state_name = STATES_AND_TERRITORIES[i % len(STATES_AND_TERRITORIES)]
            place = self.rng.choice(PLACES) + self.rng.choice(SUFFIXES)
            kind, pattern = self.rng.choice(AGENCY_KINDS)
            name = pattern.format(place=place, state_name=state_name)
            agency = Agency(
                name=f"{name} ({state}) {i + 1:05d}", agency_type=kind, city=place, state=state,
                sworn_officers=self.rng.randint(8, 4000), population_served=self.rng.randint(2_000, 2_000_000),
                chief_executive_name=f"Chief {place}", chief_executive_title="Chief of Police",
            )  # fmt: skip
            agency.save()
            made.append(agency)
        return made

    def providers(self) -> list[ProviderOrganization]:
        made = []
        for i, name in enumerate(PROVIDER_NAMES):
            kind = (
                ProviderOrganization.Type.CRITICAL_RESPONSE
                if i < 2
                else ProviderOrganization.Type.CRI_TAC_PARTNER
            )
            made.append(
                ProviderOrganization.objects.get_or_create(name=name, defaults={"provider_type": kind})[0]
            )
        return made

    def staff(self, providers) -> dict[str, list[User]]:
        """A few program staff and provider people to put on the teams (unusable passwords: nobody logs in)."""
        office = ProgramOffice.objects.first() or ProgramOffice.objects.create(name="COPS Office")
        password = make_password(None)
        people = []
        for org, role, count in [(office, Role.PROGRAM_STAFF, 10)] + [
            (p, Role.PROVIDER_STAFF, 4) for p in providers
        ]:
            for i in range(count):
                email = f"bulk-{role}-{org.pk}-{i}@example.gov"
                people.append(User(email=email, role=role, organization=org, password=password,
                                   first_name=self.rng.choice(PLACES), last_name=f"Bulk{i}"))  # fmt: skip
        User.objects.bulk_create(people, batch_size=BATCH, ignore_conflicts=True)
        made = User.objects.filter(email__startswith="bulk-")
        return {
            "program": list(made.filter(role=Role.PROGRAM_STAFF)),
            "provider": list(made.filter(role=Role.PROVIDER_STAFF)),
        }

    def sites(self, n: int, agencies, providers) -> list[Site]:
        made = []
        for _ in range(n):
            agency = self.rng.choice(agencies)
            program = self.rng.choice(list(Program))
            ta_type = self.rng.choice(TA_FOR_PROGRAM[program])
            status = self.weighted(STATUS_WEIGHTS)
            if status == Site.Status.PUBLISHED and program == Program.ORGANIZATIONAL_ASSESSMENT:
                status = Site.Status.IMPLEMENTATION  # as the lifecycle moves it
            provider = (
                self.rng.choice(providers)
                if status != Site.Status.WORK_PLAN or self.rng.random() < 0.5
                else None
            )
            started = date(2019, 1, 1) + timedelta(days=self.rng.randint(0, 2_200))
            what = Site.TAType(ta_type).label.lower()
            made.append(Site(
                agency=agency, program=program, ta_type=ta_type, provider=provider, status=status,
                status_before_suspension=Site.Status.DELIVERY if status == Site.Status.SUSPENDED else "",
                suspension_reason="Paused at the agency's request." if status == Site.Status.SUSPENDED else "",
                title=f"{agency.name}: {what}",
                description=f"{agency.name} asked for {what} after a critical incident.",
                public_summary=(
                    f"The COPS Office in conjunction with {provider or 'its staff'} is conducting an {what} of the "
                    f"{agency.name}. The intent of the review is to assess policies, training and supervision, "
                    "and recommend ways to strengthen accountability and community trust."
                ),
                is_public=(public := status != Site.Status.WORK_PLAN and self.rng.random() < 0.8),
                announced_on=started - timedelta(days=20) if public else None,
                intent="To assess policies, training and supervision, and recommend ways to strengthen "
                "accountability and community trust.",
                started_on=started, target_end_on=started + timedelta(days=365),
                closed_on=started + timedelta(days=self.rng.randint(200, 700)) if status == Site.Status.CLOSED else None,
            ))  # fmt: skip
        made = Site.objects.bulk_create(made, batch_size=BATCH)
        self.many_topics(Site, made)
        return made

    def many_topics(self, model, objects) -> None:
        """One to three topics each."""
        through = model.topics.through
        field = f"{model._meta.model_name}_id"
        rows = [
            through(**{field: obj.pk, "topic_id": topic})
            for obj in objects
            for topic in self.rng.sample(self.topics, self.rng.randint(1, min(3, len(self.topics))))
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def members(self, sites, staff) -> None:
        rows = []
        for site in sites:
            rows.append(SiteMember(site=site, user=self.rng.choice(staff["program"]),
                                   role=SiteMember.SiteRole.PROGRAM_MANAGER))  # fmt: skip
            if site.provider_id:
                lead = next(u for u in staff["provider"] if u.organization_id == site.provider_id)
                rows.append(SiteMember(site=site, user=lead, role=SiteMember.SiteRole.PROJECT_LEAD))
        SiteMember.objects.bulk_create(rows, batch_size=BATCH)

    def reports(self, sites, author: User) -> int:
        """A published report for every site past publication (what the public lists show)."""
        rows = []
        for site in sites:
            if site.status not in REPORTED:
                continue
            after_action = site.ta_type == Site.TAType.AFTER_ACTION_REVIEW
            rows.append(Report(
                site=site, kind=Report.Kind.AFTER_ACTION if after_action else Report.Kind.FINDINGS,
                status=Report.Status.PUBLISHED, title=f"{site.title}: final report",
                executive_summary=f"{site.public_summary}\n\nThe review makes findings and recommendations.",
                created_by=author, published_by=author, approved_by=author,
                approved_at=self.now, published_at=self.now - timedelta(days=self.rng.randint(0, 2_000)),
            ))  # fmt: skip
        return len(Report.objects.bulk_create(rows, batch_size=BATCH))

    def request(self, agency: Agency, status: str, site: Site | None = None) -> Request:
        program = site.program if site else self.rng.choice(list(Request.ProgramWanted))
        chief = self.rng.random() < 0.6
        return Request(
            submission_token=uuid.uuid4(), status=status, site=site,
            agency=agency if site or self.rng.random() < 0.7 else None, agency_name=agency.name,
            agency_type=agency.agency_type, agency_city=agency.city, agency_state=agency.state,
            requester_name=f"{self.rng.choice(PLACES)} Requester", requester_title="Chief of Police" if chief else "Captain",
            requester_email="requester@example.gov", requester_phone="555-0100", requester_is_chief_executive=chief,
            chief_executive_name="" if chief else agency.chief_executive_name, program_wanted=program,
            ta_kind=self.rng.choice(list(TAKind)), what_happened="An incident prompted a review of our practices.",
            urgency=self.rng.choice(list(Request.Urgency)), pending_matters=self.rng.choice(list(Request.YesNoUnknown)),
            asked_for="An independent review and recommendations.", asks_for_costs=self.rng.random() < 0.1,
            referred_to=Program.CRI_TAC if status == Request.Status.REFERRED else "",
            decided_at=None if status in Request.OPEN_STATUSES else self.now,
        )  # fmt: skip

    def flags(self, requests) -> None:
        """Screening flags on a quarter of the requests, a third of them cleared."""
        rows = []
        for request in requests:
            if self.rng.random() < 0.25:
                for code in self.rng.sample(list(Flag.Code), self.rng.randint(1, 2)):
                    cleared = self.rng.random() < 0.33
                    rows.append(Flag(request=request, code=code, reason="Raised by screening.",
                                     cleared_at=self.now if cleared else None,
                                     clear_reason="Checked with the agency." if cleared else ""))  # fmt: skip
        Flag.objects.bulk_create(rows, batch_size=BATCH)
