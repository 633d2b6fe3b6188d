"""A site of agency A delivered by provider A (with SME A on its team), a site of agency B, data requests,
the Rhode Island stops (a slice, or the whole file) and the worker run in-process."""

import datetime
import os
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from continuum.datasets import jobs, mappings, uploads
from continuum.datasets.models import DataRequest
from continuum.sites.models import Site, SiteMember

# beside the repository; CONTINUUM_SHARED_DATA says where when it runs from a copy (as in tests/analysis)
DATA = Path(os.environ.get("CONTINUUM_SHARED_DATA") or Path(settings.REPO_DIR).parent / "shared" / "data")
RI = DATA / "ri_state_police_stops_2005_2008.csv"
NJ = DATA / "nj_use_of_force_2020-10_2021-02.csv"
VEIL = {"lat": 41.70, "lng": -71.50, "tz": "America/New_York"}


def ri_slice(rows: int = 4000) -> bytes:
    with RI.open("rb") as handle:
        return b"".join(line for _, line in zip(range(rows + 1), handle, strict=False))


def run_worker() -> None:
    """The real db_worker loop, in batch mode (everything queued, then stop). close_old_connections is a no-op
    here because the test's transaction holds the connection."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])  # fmt: skip
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_site(orgs, agency: str, provider: str) -> Site:
    return Site.objects.create(
        agency=orgs[agency], provider=orgs[provider], program="critical_response", ta_type="technical_assistance",
        title=f"{orgs[agency].name}: data review", description="Asked for a data review.",
        status=Site.Status.DELIVERY, is_public=True, started_on=datetime.date(2026, 1, 5),
    )  # fmt: skip


@pytest.fixture
def site(users, orgs) -> Site:
    made = make_site(orgs, "agency_a", "provider_a")
    SiteMember.objects.create(site=made, user=users["sme_a"], role="sme")
    return made


@pytest.fixture
def site_b(users, orgs) -> Site:
    return make_site(orgs, "agency_b", "provider_b")


@pytest.fixture
def stops_request(site, users) -> DataRequest:
    return uploads.create_request(site, users["provider_a"], DataRequest(
        title="Traffic stops", table_type="stops", period_start=datetime.date(2005, 1, 1),
        period_end=datetime.date(2008, 8, 31), fields_wanted="date, time, race", due_on=datetime.date(2026, 2, 1),
    ))  # fmt: skip


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def validated(data_request, user, content: bytes | None = None, name: str = "stops.csv"):
    """Upload, map with the shipped RI mapping, validate through the worker."""
    version = uploads.add_version(data_request, user, upload(name, content or ri_slice()))
    mappings.save_mapping(version, user, mappings.draft(version, "ri_state_police"))
    jobs.start_validation(version, user)
    run_worker()
    version.refresh_from_db()
    return version


@pytest.fixture
def version(stops_request, users):
    return validated(stops_request, users["liaison_a"])


@pytest.fixture
def result(version, users):
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job.result
