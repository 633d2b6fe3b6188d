"""Demo data and analyses: on Columbus, the New Jersey use-of-force reports as a sample upload (officer names
hashed with the site's key), analysed with the engine's use-of-force analysis when the engine has one; on Philadelphia, the Rhode Island State Police stops with the shipped mapping,
validated, accepted and analysed with the veil of darkness.

The files come from ../shared/data beside the repository; a missing file is skipped. Everything goes through
the same functions as the pages (upload checks, mapping, validation and analysis jobs), with the task backend
set to run each job at once, so no worker is needed. A data request that already exists is left as it is."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from continuum.accounts.models import User
from continuum.accounts.roles import AGENCY_ROLES
from continuum.datasets import engine, jobs, mappings, uploads
from continuum.datasets.models import DataRequest, DatasetVersion, TableType
from continuum.sites.models import Site

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
NJ_FILE = "nj_use_of_force_2020-10_2021-02.csv"
RI_FILE = "ri_state_police_stops_2005_2008.csv"
VEIL = {"lat": 41.70, "lng": -71.50, "tz": "America/New_York"}


def data_dir() -> Path:
    return Path(settings.REPO_DIR).parent / "shared" / "data"


def _agency_user(site: Site) -> User | None:
    return (
        User.objects.filter(organization_id=site.agency_id, role__in=AGENCY_ROLES)
        .order_by("role", "pk")
        .first()
    )


def _upload(data_request: DataRequest, user: User, path: Path) -> DatasetVersion:
    """Through the page's path: checked, streamed to storage, versioned. (The demo files are a few MB.)"""
    with path.open("rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read(), content_type="text/csv")
    return uploads.add_version(data_request, user, upload, note="Demo data")


def _request(site: Site, staff: User, title: str, table_type: str, **fields) -> DataRequest | None:
    if site.data_requests.filter(title=title).exists():
        return None  # already loaded
    return uploads.create_request(site, staff, DataRequest(title=title, table_type=table_type, **fields))


def load(staff: User) -> None:
    with override_settings(TASKS=IMMEDIATE):
        _columbus(staff)
        _philadelphia(staff)


def _columbus(staff: User) -> None:
    site = Site.objects.filter(agency__name="Columbus (OH) Division of Police").first()
    path = data_dir() / NJ_FILE
    if site is None or not path.exists() or site.status == Site.Status.CLOSED:
        return
    data_request = _request(
        site, staff, "Use-of-force reports", TableType.USE_OF_FORCE,
        period_start=datetime.date(2020, 10, 1), period_end=datetime.date(2021, 2, 28),
        fields_wanted="One row per officer report: date, type of force, subject race, age and injuries, officer "
        "identifier, whether the subject was arrested.",
        due_on=datetime.date.today() + datetime.timedelta(days=21),
    )  # fmt: skip
    if data_request is None:
        return
    agency_user = _agency_user(site) or staff
    version = _upload(data_request, agency_user, path)
    # The engine's shipped mapping for this export once the engine reads use-of-force tables; else the
    # platform's draft (keep the columns, hash the officer names, drop civilian identifiers).
    engine_mapping = "nj_use_of_force" in mappings.shipped() and engine.loads(TableType.USE_OF_FORCE)
    mappings.save_mapping(
        version, agency_user, mappings.draft(version, "nj_use_of_force" if engine_mapping else "")
    )
    jobs.start_validation(version, agency_user)
    version.refresh_from_db()
    if version.analysable and "use-of-force" in version.analysis_choices:
        jobs.start_analysis(version, staff, "use-of-force", {})


def _philadelphia(staff: User) -> None:
    site = Site.objects.filter(agency__name="Philadelphia Police Department").first()
    path = data_dir() / RI_FILE
    if site is None or not path.exists() or site.status == Site.Status.CLOSED:
        return
    data_request = _request(
        site, staff, "Traffic stops", TableType.STOPS,
        period_start=datetime.date(2005, 1, 1), period_end=datetime.date(2008, 8, 31),
        fields_wanted="Date, time, driver race and sex, violation, search, search type, outcome, arrest, district.",
        due_on=datetime.date.today() - datetime.timedelta(days=30),
    )  # fmt: skip
    if data_request is None:
        return
    agency_user = _agency_user(site) or staff
    version = _upload(data_request, agency_user, path)
    mappings.save_mapping(version, agency_user, mappings.draft(version, "ri_state_police"))
    jobs.start_validation(version, agency_user)
    version.refresh_from_db()
    if version.status == DatasetVersion.Status.VALID:
        uploads.accept_version(version, staff)
        jobs.start_analysis(version, staff, "veil-of-darkness", VEIL)
