"""A site of agency A delivered by provider A, with an approved plan (two activities, three deliverables), and
a site of agency B delivered by provider B; uploads go to a temporary media root."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from continuum.sites.models import Site
from continuum.workplans.models import Activity, Deliverable, WorkPlan

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
CSV = "date,stops\n2026-01-01,12\n2026-01-02,9\nCafé,1\n".encode()


def office_file(part: str) -> bytes:
    """A minimal Office Open XML package: the zip with [Content_Types].xml and the main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


DOCX = office_file("word/document.xml")
XLSX = office_file("xl/workbook.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_site(
    users, orgs, *, agency: str, provider: str, program: str = "critical_response", **fields
) -> Site:
    defaults = dict(
        agency=orgs[agency], provider=orgs[provider], program=program, ta_type="technical_assistance",
        title=f"{orgs[agency].name}: technical assistance", description="What the agency asked for.",
        status=Site.Status.DELIVERY, started_on=today() - datetime.timedelta(days=60),
    )  # fmt: skip
    defaults.update(fields)
    return Site.objects.create(**defaults)


def approve_plan(site: Site, users, executive: str) -> WorkPlan:
    plan = WorkPlan.objects.create(
        site=site, version=1, status=WorkPlan.Status.APPROVED, created_by=users["staff"],
        approved_by=users[executive], approved_at=timezone.now(),
    )  # fmt: skip
    Activity.objects.create(plan=plan, kind="site_visit", title="First site visit", position=1)
    Activity.objects.create(plan=plan, kind="data_analysis", title="Use-of-force data analysis", position=2)
    d = datetime.timedelta
    Deliverable.objects.create(plan=plan, title="Inception memo", due_on=today() - d(days=30), position=1)
    Deliverable.objects.create(plan=plan, title="Data analysis brief", due_on=today() + d(days=5), position=2)
    Deliverable.objects.create(plan=plan, title="Final report", due_on=today() + d(days=90), position=3)
    return plan


@pytest.fixture
def site(users, orgs) -> Site:
    made = make_site(users, orgs, agency="agency_a", provider="provider_a")
    approve_plan(made, users, "executive_a")
    return made


@pytest.fixture
def site_b(users, orgs) -> Site:
    made = make_site(users, orgs, agency="agency_b", provider="provider_b")
    approve_plan(made, users, "executive_b")
    return made
