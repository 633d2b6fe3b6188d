"""Small uploads that demand unbounded work (issue 20, item 4): a job past its time or memory limit fails with
the limit named and frees the worker for the next agency's job; a workbook that unpacks too far is refused at
upload; the mapping page drafts from a bounded sample of a file of many rows."""

import io
import os
import zipfile

import duckdb
import pytest
from django.core.exceptions import ValidationError
from django.core.files import File

from continuum.analysis.errors import InputError
from continuum.datasets import jobs, mappings, uploads
from continuum.datasets.models import DataRequest, DatasetVersion, Job

from .conftest import ri_slice, run_worker, upload


def _queued_validation(data_request, user):
    version = uploads.add_version(data_request, user, upload("stops.csv", ri_slice(2000)))
    mappings.save_mapping(version, user, mappings.draft(version, "ri_state_police"))
    return version, jobs.start_validation(version, user)


@pytest.fixture
def stops_request_b(site_b, users):
    return uploads.create_request(site_b, users["staff"], DataRequest(title="Stops", table_type="stops"))


def test_a_job_past_its_time_limit_fails_with_the_reason_and_the_next_agencys_job_runs(
    stops_request, stops_request_b, users, login, monkeypatch
):
    version, job = _queued_validation(stops_request, users["liaison_a"])
    monkeypatch.setenv("CONTINUUM_JOB_SECONDS", "0.001")  # no real work finishes in a millisecond
    run_worker()
    job.refresh_from_db()
    version.refresh_from_db()
    assert job.status == Job.Status.FAILED and "stopped after 0.001 seconds" in job.error
    assert version.status == DatasetVersion.Status.INVALID and "CONTINUUM_JOB_SECONDS" in version.error
    page = login(users["liaison_a"]).get(job.get_absolute_url()).content.decode()
    assert "the time it may take (CONTINUUM_JOB_SECONDS)" in page

    monkeypatch.delenv("CONTINUUM_JOB_SECONDS")
    _other, other_job = _queued_validation(stops_request_b, users["liaison_b"])
    run_worker()
    other_job.refresh_from_db()
    assert other_job.status == Job.Status.DONE, other_job.error  # the worker was not held


def test_a_job_past_its_memory_limit_fails_with_the_reason(stops_request, users, monkeypatch):
    _version, job = _queued_validation(stops_request, users["liaison_a"])
    monkeypatch.setenv("CONTINUUM_JOB_MEMORY_MB", "64")  # less than the engine itself occupies
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "64 MB" in job.error and "CONTINUUM_JOB_MEMORY_MB" in job.error
    monkeypatch.delenv("CONTINUUM_JOB_MEMORY_MB")
    jobs.retry(job, users["liaison_a"])  # once the limit is right, the same job succeeds
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error


def test_a_workbook_that_unpacks_too_far_is_refused_at_upload_and_nothing_is_kept(
    stops_request, users, monkeypatch
):
    monkeypatch.setenv("CONTINUUM_MAX_UNPACKED_MB", "1")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * (2 * 1024 * 1024) + "</c>")
    bomb = upload("stops.xlsx", buffer.getvalue())
    with pytest.raises(ValidationError) as raised:
        uploads.add_version(stops_request, users["liaison_a"], bomb)
    message = raised.value.messages[0]
    assert message.startswith("The file stops.xlsx cannot be used: the workbook unpacks to 2 MB")
    assert "save the sheet as CSV" in message and not DatasetVersion.objects.exists()


def test_the_mapping_page_drafts_from_a_sample_of_a_file_of_many_rows(stops_request, users, login, tmp_path):
    path = tmp_path / "many.parquet"
    duckdb.sql(
        "COPY (SELECT DATE '2020-01-01' + CAST(i % 365 AS INTEGER) AS stop_date, 'W' AS driver_race "
        f"FROM range(400000) t(i)) TO '{path}'"
    )
    with path.open("rb") as handle:
        version = uploads.add_version(stops_request, users["liaison_a"], File(handle, name="many.parquet"))
    page = login(users["liaison_a"]).get(version.get_absolute_url()).content.decode()
    assert "first 100,000 rows" in page and "stop_date" in page


def test_messages_shown_to_people_name_the_upload_not_where_the_server_keeps_it(
    stops_request, users, settings
):
    """Issue 20 item 14: an engine message can quote the stored path; people see the file's uploaded name."""
    version = uploads.add_version(stops_request, users["liaison_a"], upload("march stops.csv", ri_slice(10)))
    stored = version.raw_file.path
    error = InputError(f'Error when sniffing file "{stored}": not a CSV', file=stored, row=3)
    shown = mappings.describe(error, version)
    assert shown == 'march stops.csv, row 3: Error when sniffing file "march stops.csv": not a CSV'
    elsewhere = f"could not open {settings.MEDIA_ROOT}/datasets/other/file.parquet for reading"
    assert mappings.scrub(elsewhere, version) == "could not open the uploads folder for reading"
    assert str(settings.MEDIA_ROOT) not in mappings.scrub(
        f"{os.environ['CONTINUUM_WORK_DIR']}/job-1/x", version
    )
