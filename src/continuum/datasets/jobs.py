"""Validations and analyses run by the task worker (Django Tasks, `django_tasks_db`), with live progress.

Exactly-once: the job row, not the task queue, decides who runs. A task carries (job id, attempt); it runs only
if it can move that attempt from queued to running (`claim`), and every later write is fenced on the same
attempt. A re-delivered task finds the attempt taken and does nothing; a job whose worker died is put back
in the queue under a new attempt by `recover_stale` (run when the worker starts and whenever a job is watched),
so a restart loses nothing and the dead run, should it wake, can no longer write. A job whose worker dies
MAX_RECOVERIES + 1 times in a row is failed with that reason instead: it is likely what kills the worker (memory).
While a job runs, a heartbeat thread keeps it from looking dead, however long the engine takes. The engine's
own work runs in a bounded child process (work.py through continuum.analysis.limits): a job past its time or
memory limit fails with the limit named, and the worker goes on to the next job."""

import datetime
import inspect
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from continuum.analysis import ENGINE_VERSION
from continuum.analysis.analyses import ANALYSES
from continuum.analysis.errors import InputError
from continuum.analysis.limits import WorkCrashed, run_bounded
from continuum.analysis.load import WORK_DIR_ENV, file_sha256
from continuum.analysis.readable import analysis_name
from continuum.audit.log import record, save_audited
from continuum.audit.models import AuditEvent

from . import engine, mappings, results
from . import work as work_steps
from .models import DataRequest, DatasetVersion, Job, SiteDataKey
from .uploads import DataError, ensure_open

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=30)
HEARTBEAT_EVERY = 60.0  # seconds; well within STALE_AFTER
MAX_RECOVERIES = 2
HIDDEN_PARAMS = ("data", "reducer", "benchmark", "exposure", "leave")  # files: the platform takes none


def site_key(site) -> str:
    """The site's officer-id hashing key, made on first use."""
    key, _ = SiteDataKey.objects.get_or_create(site=site)
    return key.key


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# Starting jobs ---------------------------------------------------------------------------------------------


def _enqueue(job: Job) -> None:
    """Queued in the same transaction as the job row, so neither exists without the other."""
    result = run_job.enqueue(job.pk, job.attempt)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def start_validation(version: DatasetVersion, actor) -> Job:
    site = version.site
    if not actor.has_perm("datasets.upload_data", site):
        raise PermissionDenied
    ensure_open(site)
    if not version.raw_file:
        raise DataError(
            "This version's raw upload was deleted when it was accepted; it is already validated."
        )
    if not version.mapping_toml.strip():
        raise DataError("Save a mapping before validating.")
    with transaction.atomic():
        version.status = DatasetVersion.Status.VALIDATING
        version.error = ""
        save_audited(version, actor, reason="Validation started")
        job = Job(version=version, kind=Job.Kind.VALIDATE, created_by=actor, stage="Waiting for a worker")
        save_audited(job, actor, reason="Validation queued")
        _enqueue(job)
    return job


def analysis_parameters(name: str) -> dict[str, inspect.Parameter]:
    fn = ANALYSES[name]
    return {k: p for k, p in inspect.signature(fn).parameters.items() if k not in HIDDEN_PARAMS}


def _is_number(param: inspect.Parameter) -> bool:
    """A parameter without a default that the analysis reads as a number (`float | None`)."""
    return str(param.annotation).startswith("float")


def coerce_params(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Keep the parameters the analysis takes, typed like their defaults (as the CLI does)."""
    if name not in ANALYSES:
        raise DataError("Unknown analysis; choose one from the list.")
    out: dict[str, Any] = {}
    for key, param in analysis_parameters(name).items():
        value = raw.get(key)
        if value is None or value == "":
            continue
        default = param.default
        try:
            if isinstance(default, bool):
                value = value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes", "on")
            elif isinstance(default, int):
                value = int(value)
            elif isinstance(default, float) or key in ("lat", "lng") or _is_number(param):
                value = float(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            else:
                value = str(value)
        except (TypeError, ValueError):
            kind = "whole number" if isinstance(default, int) and not isinstance(default, bool) else "number"
            raise DataError(
                f"The “{mappings.field_label(key)}” field needs a {kind}, not “{value}”."
            ) from None
        out[key] = value
    return out


def start_analysis(version: DatasetVersion, actor, analysis: str, params: dict[str, Any]) -> Job:
    site = version.site
    if not actor.has_perm("datasets.run_analysis", site):
        raise PermissionDenied
    ensure_open(site)
    params = coerce_params(analysis, params)
    if analysis not in engine.analyses_for(version.data_request.table_type):
        raise DataError(
            f"“{analysis_name(analysis)}” does not read "
            f"{version.data_request.get_table_type_display().lower()} data."
        )
    if not version.analysable:
        raise DataError("Validate this version before analysing it.")
    with transaction.atomic():
        job = Job(version=version, kind=Job.Kind.ANALYZE, analysis=analysis, params=params, created_by=actor,
                  stage="Waiting for a worker")  # fmt: skip
        save_audited(job, actor, reason=f"“{analysis_name(analysis)}” queued")
        _enqueue(job)
    return job


def retry(job: Job, actor) -> Job:
    """A failed job goes back in the queue as a new attempt; its earlier error stays in the audit log."""
    perm = "datasets.run_analysis" if job.kind == Job.Kind.ANALYZE else "datasets.upload_data"
    if not actor.has_perm(perm, job.version.site):
        raise PermissionDenied
    ensure_open(job.version.site)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != Job.Status.FAILED:
            raise DataError("Only a failed job can be retried.")
        record(actor, job, AuditEvent.Action.UPDATED, from_state=job.status, to_state=Job.Status.QUEUED,
               reason=f"Retried after: {job.error}"[:1000])  # fmt: skip
        job.recoveries = 0
        _requeue(job)
        if job.kind == Job.Kind.VALIDATE:
            DatasetVersion.objects.filter(pk=job.version_id).update(status=DatasetVersion.Status.VALIDATING)
    return job


def _requeue(job: Job) -> None:
    job.attempt += 1
    job.status, job.progress, job.stage, job.error, job.worker = (
        Job.Status.QUEUED,
        0,
        "Waiting for a worker",
        "",
        "",
    )
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.save()
    _enqueue(job)


def recover_stale(now: datetime.datetime | None = None) -> int:
    """Put back in the queue the running jobs whose worker is gone (its process on this host has exited, or
    it has not reported for STALE_AFTER). Returns how many."""
    now = now or timezone.now()
    host = socket.gethostname()
    recovered = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if not _worker_gone(job, host, now):
            continue
        with transaction.atomic():
            locked = Job.objects.select_for_update().filter(pk=job.pk, status=Job.Status.RUNNING,
                                                             attempt=job.attempt).first()  # fmt: skip
            if locked is None:
                continue
            _close_dead_task(locked)
            if locked.recoveries >= MAX_RECOVERIES:
                _fail(locked, gave_up_message(locked))
                continue
            reason = f"Worker {locked.worker or '?'} stopped; queued again"
            record(None, locked, AuditEvent.Action.UPDATED, from_state="running", to_state="queued",
                   reason=reason, actor_label="Task worker")  # fmt: skip
            locked.recoveries += 1
            _requeue(locked)
            recovered += 1
    return recovered


def _close_dead_task(job: Job) -> None:
    """The dead worker's task would otherwise stay "running" in the task queue's table for ever."""
    if job.task_id:
        DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(),
            traceback=f"Worker {job.worker or '?'} stopped while running it (job {job.pk}, attempt {job.attempt}).",
        )  # fmt: skip


def gave_up_message(job: Job) -> str:
    return (
        f"The task worker stopped {job.recoveries + 1} times while running this job (last {job.worker or '?'}), "
        "so it was not queued again: the job itself may be stopping it, for example by needing more memory "
        "than the worker has. Retry it once the cause is fixed."
    )


def _worker_gone(job: Job, host: str, now: datetime.datetime) -> bool:
    if job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER:
        return True
    worker_host, _, pid = job.worker.rpartition(":")
    if worker_host != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


# Running jobs ----------------------------------------------------------------------------------------------


@task
def run_job(job_id: int, attempt: int) -> str:
    """The worker's entry point."""
    return execute(job_id, attempt)


def claim(job_id: int, attempt: int) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, attempt=attempt, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            worker=worker_label(),
            started_at=now,
            heartbeat_at=now,
            progress=5,
            stage="Started",
        )
    )


def report_progress(job: Job, progress: int, stage: str) -> None:
    Job.objects.filter(pk=job.pk, attempt=job.attempt, status=Job.Status.RUNNING).update(
        progress=progress, stage=stage[:200], heartbeat_at=timezone.now()
    )


def execute(job_id: int, attempt: int) -> str:
    """Run one attempt of a job, if it is still this attempt's to run."""
    if not claim(job_id, attempt):
        return "skipped: already claimed, finished or superseded"
    job = Job.objects.select_related("version__data_request__site").get(pk=job_id)
    try:
        with _Heartbeat(job):
            if job.kind == Job.Kind.VALIDATE:
                _validate(job)
            else:
                _analyze(job)
    except InputError as error:
        _fail(job, mappings.describe(error, job.version))
        return "failed"
    except DataError as error:
        _fail(job, str(error))
        return "failed"
    except WorkCrashed as error:  # the engine's own failure: its last line shown, its traceback logged
        logger.error("Job %s failed in the engine:\n%s", job.pk, error.details)
        _fail(
            job,
            f"The job stopped on an unexpected error in the engine ({mappings.scrub(str(error), job.version)}).",
        )
        return "failed"
    except Exception as error:  # the page must say the job failed, whatever broke
        reason = mappings.scrub(f"{type(error).__name__}: {error}", job.version)
        _fail(job, f"The job stopped on an unexpected error ({reason}).")
        raise
    return "done"


class _Heartbeat:
    """A thread that refreshes the running attempt's heartbeat every HEARTBEAT_EVERY seconds while the engine
    works (it reports progress only between stages), so a long job is never taken for a dead one and run
    twice. It writes through its own database connection, closed when the job ends."""

    def __init__(self, job: Job):
        self.job, self.stopped = job, threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-job-{job.pk}", daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_EVERY):
                try:
                    Job.objects.filter(
                        pk=self.job.pk, attempt=self.job.attempt, status=Job.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # a locked SQLite file or a dropped connection: beat again next time, on a new connection
                    logger.warning("Heartbeat of job %s missed", self.job.pk, exc_info=True)
                    connection.close()
        finally:
            connection.close()


def _fenced(job: Job):
    return Job.objects.select_for_update().filter(pk=job.pk, attempt=job.attempt, status=Job.Status.RUNNING)


def _finish(job: Job, stage: str) -> bool:
    return bool(
        _fenced(job).update(status=Job.Status.DONE, progress=100, stage=stage, finished_at=timezone.now())
    )


def _fail(job: Job, message: str) -> None:
    with transaction.atomic():
        if not _fenced(job).update(
            status=Job.Status.FAILED, error=message, stage="Failed", finished_at=timezone.now()
        ):
            return
        record(None, job, AuditEvent.Action.UPDATED, from_state="running", to_state="failed", reason=message[:1000],
               actor_label="Task worker")  # fmt: skip
        if job.kind == Job.Kind.VALIDATE:
            version = DatasetVersion.objects.get(pk=job.version_id)
            version.status, version.error = DatasetVersion.Status.INVALID, message
            version.save(update_fields=["status", "error"])
            request = version.data_request
            if request.status != DataRequest.Status.ACCEPTED:
                request.status, request.status_note = DataRequest.Status.PROBLEM, message[:500]
                request.save(update_fields=["status", "status_note"])


def work_root() -> Path:
    """Where jobs and the engine they run keep their work folders: a folder of the platform's own (settings
    CONTINUUM_WORK_DIR), so the sweep after a crash never touches anyone else's temporary files."""
    root = Path(os.environ[WORK_DIR_ENV])
    root.mkdir(parents=True, exist_ok=True)
    return root


class _Workdir:
    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="job-", dir=work_root()))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def stale_workdirs(older_than: datetime.timedelta) -> list[Path]:
    """Work folders in the temporary directory where nothing was written for `older_than`: a worker killed
    mid-job leaves its folder (a partial standard table, DuckDB's spill files) behind."""
    cutoff = time.time() - older_than.total_seconds()
    return sorted(f for f in work_root().iterdir() if f.is_dir() and _last_written(f) < cutoff)


def _last_written(folder: Path) -> float:
    """The newest modification time in the folder; a file vanishing while we look counts as just written."""
    try:
        return max(p.lstat().st_mtime for p in [folder, *folder.rglob("*")])
    except OSError:
        return time.time()


def _validate(job: Job) -> None:
    version = job.version
    raw = Path(version.raw_file.path)
    report_progress(job, 15, "Reading the file and converting it to the standard table")
    mapping = mappings.parse(version, version.mapping_toml)
    key = site_key(version.site)
    with _Workdir() as work:
        out = work / "standard.parquet"
        validation, n_rows = run_bounded(
            work_steps.standardize, raw, mapping, version.data_request.table_type, key, out
        )
        report_progress(job, 85, "Saving the standard table")
        sha = file_sha256(out)
        with transaction.atomic():
            if not _fenced(job).exists():
                return
            version.refresh_from_db()
            old = version.standard_file.name
            with out.open("rb") as handle:
                version.standard_file.save("standard.parquet", File(handle), save=False)
            version.standard_sha256, version.n_rows, version.validation = sha, n_rows, validation
            version.status, version.error = DatasetVersion.Status.VALID, ""
            version.save()
            request = version.data_request
            if request.status != DataRequest.Status.ACCEPTED:
                request.status = DataRequest.Status.VALIDATED
                request.status_note = f"Version {version.number}: {n_rows:,} rows validated."
                request.save(update_fields=["status", "status_note"])
            _finish(job, f"Validated {n_rows:,} rows")
            problems = validation.get("n_problem_cells", 0)
            record(None, version, AuditEvent.Action.UPDATED, to_state="valid", actor_label="Task worker",
                   reason=f"{n_rows:,} rows; {problems:,} cells could not be mapped")  # fmt: skip
        if old:
            version.standard_file.storage.delete(old)


def mapping_params(version: DatasetVersion) -> dict[str, Any]:
    """The analysis defaults the mapping declares ([params]: tz, lat, lng …)."""
    if not version.mapping_toml:
        return {}
    try:
        parsed = mappings.parse(version, version.mapping_toml)
    except InputError:
        return {}
    return dict(parsed.params) if hasattr(parsed, "params") else {}


def _analyze(job: Job) -> None:
    version = job.version
    if not version.analysable:
        raise DataError("The dataset version has no validated standard table.")
    fn = ANALYSES.get(job.analysis)
    if fn is None:
        raise DataError(f"Unknown analysis {job.analysis!r}.")
    accepted = analysis_parameters(job.analysis)
    params = {k: v for k, v in mapping_params(version).items() if k in accepted}
    params.update(job.params)
    table_type = version.data_request.table_type
    if version.is_stops or not version.raw_file:
        report_progress(job, 15, "Loading the standard table")
        path, mapping, key = Path(version.standard_file.path), None, None
    else:  # other tables: the engine reads its list columns from the upload, through the saved mapping
        report_progress(job, 15, "Loading the upload through its mapping")
        path, mapping, key = (
            Path(version.raw_file.path),
            mappings.parse(version, version.mapping_toml),
            site_key(version.site),
        )
    report_progress(job, 40, f"Running “{analysis_name(job.analysis)}”")
    result = run_bounded(work_steps.analyse, path, mapping, table_type, key, job.analysis, params)
    report_progress(job, 90, "Saving the result")
    with transaction.atomic():
        if not _fenced(job).exists():
            return
        stored = results.store(job, result, params)
        Job.objects.filter(pk=job.pk).update(params=params)
        _finish(job, f"Result #{stored.number} saved")
        name = analysis_name(job.analysis)
        record(None, stored, AuditEvent.Action.CREATED, actor_label="Task worker",
               reason=f"“{name}” on {result.n_used:,} rows (engine {ENGINE_VERSION})")  # fmt: skip
