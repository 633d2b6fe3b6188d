"""Validation and analysis jobs through the real task worker: mapping, validation report, the standard table
without civilian identifiers and with hashed officer ids, bad input with clear messages, results with their
provenance and what changed between runs, failures and retries, and exactly-once across a worker restart."""

import functools
import hashlib
import hmac
import io
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from continuum.datasets import jobs, mappings, results, uploads
from continuum.datasets.models import DataRequest, DatasetVersion, Job, Result, SiteDataKey

from .conftest import NJ, VEIL, ri_slice, run_worker, upload, validated


def test_mapping_draft_save_and_validation_report(login, users, stops_request):
    client = login(users["liaison_a"])
    version = uploads.add_version(stops_request, users["liaison_a"], upload("stops.csv", ri_slice(3000)))
    page = client.get(f"{version.get_absolute_url()}?shipped=ri_state_police").content.decode()
    assert "driver_race" in page and "Save and validate" in page
    engine_draft = client.get(version.get_absolute_url()).content.decode()
    assert "Draft mapping proposed" in engine_draft  # the engine's own draft when none is saved
    text = mappings.draft(version, "ri_state_police").replace('"N/D" = "", ', "")
    response = client.post(version.get_absolute_url(), {"mapping": text, "validate": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert client.get(job.get_absolute_url()).content.decode().count('hx-trigger="every 2s"') == 1
    run_worker()
    version.refresh_from_db()
    stops_request.refresh_from_db()
    assert version.status == "valid" and version.n_rows == 3000 and stops_request.status == "validated"
    assert version.validation["issues"] and version.validation["unmapped_values"]["outcome"]["N/D"] > 0
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Validation report" in page and "N/D" in page and "3000 rows read" in page
    done = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in done and "Done" in done and "every 2s" not in done


def test_civilian_identifiers_dropped_and_officer_ids_hashed_with_the_site_key(site, users):
    """A table the engine has no schema for is drafted as keep/hash lists (a use-of-force table gets a standard
    mapping: tests/web/datasets/test_drafts.py)."""
    data_request = uploads.create_request(
        site, users["staff"], DataRequest(title="Force", table_type="other")
    )
    head = b"".join(NJ.open("rb").readlines()[:400])
    version = uploads.add_version(data_request, users["liaison_a"], upload("force.csv", head))
    draft = mappings.draft(version)
    assert 'hash = ["officer_name"]' in draft
    mappings.save_mapping(version, users["liaison_a"], draft.replace('"subject_type", ', ""))
    jobs.start_validation(version, users["liaison_a"])
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid", version.error
    columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{version.standard_file.path}'").fetchall()]
    assert "officer_name" not in columns and "subject_type" not in columns and "officer_name_hash" in columns
    key = SiteDataKey.objects.get(site=site).key
    hashes = {
        r[0] for r in duckdb.sql(f"SELECT officer_name_hash FROM '{version.standard_file.path}'").fetchall()
    }
    expected = hmac.new(key.encode(), b"Richard Meola", hashlib.sha256).hexdigest()[:32]
    assert expected in hashes
    raw = Path(version.standard_file.path).read_bytes()
    assert b"Richard Meola" not in raw and key.encode() not in raw
    uploads.accept_version(version, users["provider_a"])
    version.refresh_from_db()
    assert version.status == "accepted" and not version.raw_file and version.sha256


def _fails_with(version, user, text):
    mappings.save_mapping(version, user, text)
    jobs.start_validation(version, user)
    run_worker()
    version.refresh_from_db()
    return version.error


def test_bad_input_gives_clear_messages_and_leaves_earlier_data_intact(stops_request, users, version):
    user = users["liaison_a"]
    good = version
    wrong = uploads.add_version(
        stops_request, user, upload("force.csv", b"".join(NJ.open("rb").readlines()[:50]))
    )
    error = _fails_with(wrong, user, mappings.draft(wrong, "ri_state_police"))
    assert error.startswith("force.csv: ") and "maps nothing" in error and "wrong table" in error
    nothing = uploads.add_version(stops_request, user, upload("stops.csv", ri_slice(20)))
    with pytest.raises(uploads.DataError, match="maps nothing"):
        mappings.save_mapping(nothing, user, "[columns]\n")
    with pytest.raises(uploads.DataError, match="not valid TOML"):
        mappings.save_mapping(nothing, user, "[columns\n")
    error = _fails_with(nothing, user, '[columns]\ndate = { from = "no_such_column" }\n')
    assert "maps nothing" in error
    headers_only = uploads.add_version(stops_request, user, upload("header.csv", b"stop_date,stop_time\n"))
    assert "no data rows" in _fails_with(headers_only, user, mappings.draft(headers_only, "ri_state_police"))
    stops_request.refresh_from_db()
    good.refresh_from_db()
    assert stops_request.status == "problem" and "no data rows" in stops_request.status_note
    assert good.status == "valid" and good.standard_file and good.analysable
    assert Job.objects.filter(status="failed").count() == 3


def test_broken_quote_on_row_900001_names_the_file_and_row(stops_request, users, tmp_path):
    """~900k short rows written in a stream (about 12 MB), the broken quote on data row 900,001 (file line
    900,002: the engine counts lines, the header is line 1)."""
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write("stop_date,stop_time,driver_race\n")
        out.writelines("2005-01-02,10:00,White\n" for _ in range(900_000))
        out.write('2005-01-02,10:00,"White\n2005-01-02,10:00,Black\n')
    started = time.monotonic()
    with path.open("rb") as handle:
        from django.core.files.uploadedfile import UploadedFile

        version = uploads.add_version(
            stops_request, users["liaison_a"], UploadedFile(handle, "big.csv", size=path.stat().st_size)
        )
    error = _fails_with(version, users["liaison_a"], mappings.draft(version, "ri_state_police"))
    assert error == "big.csv, row 900002: CSV cannot be parsed: Value with unterminated quote found."
    assert time.monotonic() - started < 20


def test_analysis_result_has_provenance_and_a_rerun_shows_what_changed(login, users, version, result):
    assert result.number == 1 and result.analysis == "veil-of-darkness"
    assert result.params["tz"] == "America/New_York" and result.params["lat"] == 41.7
    assert result.input_sha256 == version.standard_sha256 and result.engine_version
    assert "is_dark" in result.data["estimates"]
    assert " style=" not in result.html and "<svg" in result.html and "<script" not in result.html
    client = login(users["provider_a"])
    response = client.post(f"/workspace/sites/{version.site.pk}/data/versions/{version.pk}/run/", {
        "run-analysis": "veil-of-darkness", "run-p_lat": "41.70", "run-p_lng": "-71.50",
        "run-p_tz": "America/New_York", "run-p_round_minutes": "10",
    })  # fmt: skip
    job = Job.objects.filter(kind="analyze").first()
    assert response["Location"] == job.get_absolute_url()
    run_worker()
    second = Result.objects.get(number=2)
    change = results.changes(second)
    assert change["before"] == result and ("round_minutes", 5, 10) in change["params"]
    page = client.get(second.get_absolute_url()).content.decode()
    assert "What changed since run 1" in page and "is_dark.coef" in page
    assert "Round clock times to (minutes) 5 → 10" in page
    assert "<h1" in page and "Veil of darkness: stops in daylight and in darkness, run 2</h1>" in page
    job_page = client.get(job.get_absolute_url()).content.decode()
    assert '<th scope="row">Time zone</th><td>America/New York</td>' in job_page and "<code>" not in job_page
    site_page = client.get(f"/workspace/sites/{version.site.pk}/").content.decode()
    assert "Data and analyses" in site_page
    assert "Veil of darkness: stops in daylight and in darkness on Traffic stops (run 2" in site_page


def test_failed_job_shows_the_engine_message_and_can_be_retried(login, users, version):
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", {**VEIL, "geography": "beat"})
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed" and "beat" in job.error
    client = login(users["provider_a"])
    assert job.error in client.get(job.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "“beat”" in job.error and "['beat']" not in job.error
    assert client.post(f"{job.get_absolute_url()}retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == "queued" and job.attempt == 2 and not job.error
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed" and job.attempt == 2


def test_parameters_are_checked_before_queueing(version, users):
    with pytest.raises(uploads.DataError, match="Latitude"):
        jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", {"lat": "north"})
    with pytest.raises(uploads.DataError, match="Unknown analysis"):
        jobs.start_analysis(version, users["provider_a"], "astrology", {})
    assert not Job.objects.filter(kind="analyze").exists()


def test_job_survives_a_worker_restart_and_runs_exactly_once(version, users, monkeypatch):
    calls = []
    real = jobs.run_bounded

    @functools.wraps(real)
    def counted(*args, **kwargs):  # the engine's work, each time a worker starts it
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "run_bounded", counted)
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    # A worker takes the task and its job, then dies before finishing.
    task = DBTaskResult.objects.ready().get_locked()
    task.claim("worker-that-dies")
    assert jobs.claim(job.pk, job.attempt)
    dead = subprocess.Popen(["true"])
    dead.wait()
    Job.objects.filter(pk=job.pk).update(worker=f"{jobs.worker_label().rsplit(':', 1)[0]}:{dead.pid}")
    run_worker()  # nothing for it: the task is taken by the dead worker
    job.refresh_from_db()
    assert job.status == "running" and calls == []
    call_command("recover_jobs", stdout=io.StringIO())  # what scripts/run.sh does on start
    job.refresh_from_db()
    assert job.status == "queued" and job.attempt == 2
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert calls == [1] and Result.objects.count() == 1
    # The dead attempt waking up, or the task delivered again, runs nothing.
    assert jobs.execute(job.pk, 1).startswith("skipped") and jobs.execute(job.pk, 2).startswith("skipped")
    assert calls == [1] and Result.objects.count() == 1
    assert jobs.recover_stale() == 0


def test_a_live_worker_is_not_recovered(version, users):
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    assert jobs.claim(job.pk, job.attempt)  # this process is the live worker
    assert jobs.recover_stale() == 0
    assert not jobs.claim(job.pk, job.attempt)


def test_validation_keeps_stops_columns_only(stops_request, users):
    version = validated(stops_request, users["liaison_a"], ri_slice(100))
    assert version.status == DatasetVersion.Status.VALID
    columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{version.standard_file.path}'").fetchall()]
    assert "driver_race" not in columns and "subject_race" in columns and "stop_duration" not in columns


def test_use_of_force_through_the_engine_when_it_has_one(site, users):
    """Follows the engine: with its use-of-force schema, shipped NJ mapping and analysis (issue 6), the NJ
    reports validate through the engine and the analysis runs; without them this test has nothing to check."""
    from continuum.datasets import engine

    if not (
        "use-of-force" in engine.analyses_for("use_of_force") and "nj_use_of_force" in mappings.shipped()
    ):
        pytest.skip("the engine has no use-of-force analysis yet")
    data_request = uploads.create_request(
        site, users["staff"], DataRequest(title="Force", table_type="use_of_force")
    )
    with NJ.open("rb") as handle:
        head = b"".join(handle.readlines()[:600])
    version = uploads.add_version(data_request, users["liaison_a"], upload("force.csv", head))
    mappings.save_mapping(version, users["liaison_a"], mappings.draft(version, "nj_use_of_force"))
    jobs.start_validation(version, users["liaison_a"])
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid", version.error
    with pytest.raises(uploads.DataError, match="does not read"):
        jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    job = jobs.start_analysis(version, users["provider_a"], "use-of-force", {})
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.result.data["analysis"] == "use-of-force" and " style=" not in job.result.html
