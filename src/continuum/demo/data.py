"""The demo program: the agencies and providers named on the program's public pages, one user per role.

Loading is idempotent (records are matched on natural keys), so `make run` can load it every time.
"""

import os
import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from continuum.accounts.models import User
from continuum.accounts.roles import Role
from continuum.accounts.security import MFA_ROLES
from continuum.agencies.models import Agency, ProgramOffice, ProviderOrganization
from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import (
    assessment,
    attention,
    chronology,
    critac,
    datasets,
    delivery,
    feedback,
    reports,
    requests,
    sites,
)

PROGRAM_OFFICE = "Office of Community Oriented Policing Services (COPS Office)"

AGENCIES = [
    dict(name="Columbus (OH) Division of Police", agency_type="local", city="Columbus", state="OH",
         ori="OHCOP0000", sworn_officers=1900, population_served=905748,
         chief_executive_name="Elaine Bryant", chief_executive_title="Chief of Police"),
    dict(name="Philadelphia Police Department", agency_type="local", city="Philadelphia", state="PA",
         ori="PAPEP0000", sworn_officers=5800, population_served=1603797,
         chief_executive_name="Kevin J. Bethel", chief_executive_title="Police Commissioner"),
    dict(name="Cleveland (OH) Division of Police", agency_type="local", city="Cleveland", state="OH",
         ori="OHCLP0000", sworn_officers=1250, population_served=372624,
         chief_executive_name="Dorothy Todd", chief_executive_title="Chief of Police"),
    dict(name="Fargo (ND) Police Department", agency_type="local", city="Fargo", state="ND",
         ori="ND0090100", sworn_officers=195, population_served=125990,
         chief_executive_name="David Zibolski", chief_executive_title="Chief of Police"),
    dict(name="Indianapolis Metropolitan Police Department", agency_type="local", city="Indianapolis",
         state="IN", ori="INIPD0000", sworn_officers=1700, population_served=887642,
         chief_executive_name="Christopher Bailey", chief_executive_title="Chief of Police"),
    dict(name="Boston Police Department", agency_type="local", city="Boston", state="MA", ori="MABPD0000",
         sworn_officers=2100, population_served=675647,
         chief_executive_name="Michael A. Cox", chief_executive_title="Police Commissioner"),
]  # fmt: skip

PROVIDERS = [
    dict(name="Jensen Hughes", provider_type="critical_response", website="https://www.jensenhughes.com"),
    dict(name="National Policing Institute", provider_type="critical_response",
         website="https://www.policinginstitute.org"),
    dict(name="International Association of Chiefs of Police", provider_type="cri_tac_partner",
         website="https://www.theiacp.org"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str
    organization: str
    job_title: str


USERS = [
    DemoUser("admin@continuum.example.gov", "Avery", "Admin", Role.ADMINISTRATOR, PROGRAM_OFFICE,
             "System administrator"),
    DemoUser("staff@continuum.example.gov", "Morgan", "Reyes", Role.PROGRAM_STAFF, PROGRAM_OFFICE,
             "Senior program manager"),
    DemoUser("reviewer@continuum.example.gov", "Sam", "Ortiz", Role.PROGRAM_STAFF, PROGRAM_OFFICE,
             "Program specialist (second reviewer)"),
    DemoUser("chief@columbus.example.gov", "Dana", "Whitfield", Role.AGENCY_EXECUTIVE,
             "Columbus (OH) Division of Police", "Chief of Police"),
    DemoUser("liaison@columbus.example.gov", "Jordan", "Hale", Role.AGENCY_LIAISON,
             "Columbus (OH) Division of Police", "Deputy Chief, Professional Standards"),
    DemoUser("provider@jensenhughes.example.com", "Casey", "Nguyen", Role.PROVIDER_STAFF, "Jensen Hughes",
             "Project manager"),
    DemoUser("sme@jensenhughes.example.com", "Riley", "Okafor", Role.SME, "Jensen Hughes",
             "Subject-matter expert, use of force"),
]  # fmt: skip


def demo_password() -> str:
    """From CONTINUUM_DEMO_PASSWORD, else made once and kept in var/ (never committed)."""
    if value := os.environ.get("CONTINUUM_DEMO_PASSWORD"):
        return value
    return _kept_secret("demo-password", lambda: f"demo-{secrets.token_urlsafe(9)}")


def demo_totp_secret() -> str:
    """The authenticator-app key of the demo's staff, provider and administrator log-ins: from
    CONTINUUM_DEMO_TOTP_SECRET, else made once and kept in var/ beside the demo password."""
    if value := os.environ.get("CONTINUUM_DEMO_TOTP_SECRET"):
        return value
    return _kept_secret("demo-totp-secret", generate_totp_secret)


def _kept_secret(name: str, make) -> str:
    """A value made once and kept in var/, readable by its owner only from the moment it exists."""
    path = settings.VAR_DIR / name
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def load() -> list[DemoUser]:
    """Create or refresh the demo program; returns the users (for printing).

    The demo's history is made through the real transitions; the e-mails they send go nowhere.
    """
    with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
        return _load()


@transaction.atomic
def _load() -> list[DemoUser]:
    organizations = {}
    office, _ = ProgramOffice.objects.get_or_create(name=PROGRAM_OFFICE)
    organizations[office.name] = office
    for fields in AGENCIES:
        agency, created = Agency.objects.update_or_create(name=fields["name"], defaults=fields)
        organizations[agency.name] = agency
        if created:
            record(None, agency, AuditEvent.Action.CREATED, reason="Demo data", actor_label="Demo loader")
    for fields in PROVIDERS:
        provider, _ = ProviderOrganization.objects.update_or_create(name=fields["name"], defaults=fields)
        organizations[provider.name] = provider
    password = demo_password()
    for person in USERS:
        user = User.objects.filter(email=person.email).first() or User(email=person.email)
        user.first_name, user.last_name = person.first_name, person.last_name
        user.role, user.job_title = person.role, person.job_title
        user.organization = organizations[person.organization]
        user.is_active = True
        user.set_password(password)
        user.full_clean()
        user.save()
        if user.role in MFA_ROLES:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, demo_totp_secret())
    staff = User.objects.get(email="staff@continuum.example.gov")
    requests.load(staff)
    sites.load(staff)
    delivery.load(staff)
    reports.load(staff)
    sites.finish(staff)
    assessment.load(staff)
    critac.load(staff)
    feedback.load(staff)
    datasets.load(staff)
    sites.announce(staff)
    chronology.apply()
    delivery.keep_in_touch(staff)
    attention.load(staff)
    return USERS
