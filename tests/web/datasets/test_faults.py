"""Jobs and uploads under real faults: a real `manage.py db_worker` SIGKILLed in the middle of an analysis, a
real web server SIGKILLed in the middle of a streamed upload, a client that hangs up mid-upload. The test
database is shared with those processes (PostgreSQL: the test database itself; SQLite: a file copy of it)."""

import functools
import http.client
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files import File
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from continuum.analysis.synthetic import generate_stops
from continuum.audit.models import AuditEvent
from continuum.datasets import jobs, uploads
from continuum.datasets.models import DatasetVersion, Job, Result

from .conftest import RI, VEIL, ri_slice, upload

REPO = Path(settings.REPO_DIR)
TIMEOUT = 45  # seconds any one wait may take
BUDGET = 58  # seconds all the waits of one test may take together, from its first process on


@pytest.fixture
def shared_db(transactional_db, tmp_path):
    """A DATABASE_URL for another process. SQLite's test database lives in memory, so the test switches its
    own connection to a file copy for its duration; PostgreSQL's is reachable as it is."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        s = settings_dict
        yield f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    name = settings_dict["NAME"]
    connection.connection = None  # closing an in-memory database would destroy it: set it aside instead
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = memory


@pytest.fixture
def env(shared_db, tmp_path):
    """The environment of the processes the tests start and kill, with a temporary directory of their own."""
    temp = tmp_path / "process-tmp"
    temp.mkdir()
    return {
        **os.environ,
        "DEBUG": "1",
        "CONTINUUM_HASH_KEY": "k",
        "DATABASE_URL": shared_db,
        "CONTINUUM_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TMPDIR": str(temp),
        "CONTINUUM_WORK_DIR": str(tmp_path / "work"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str) -> list[str]:
    return [sys.executable, str(REPO / "manage.py"), *args]


class Processes:
    """Started processes, each logging to a file; whatever is still alive at the end is killed."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []
        self.deadline = time.monotonic() + BUDGET

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.logs / f"{name}-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            manage(*args), cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.started.append(process)
        return process

    def run(self, *args: str) -> str:
        done = subprocess.run(manage(*args), cwd=REPO, env=self.env, capture_output=True, text=True,
                              timeout=TIMEOUT, check=True)  # fmt: skip
        return done.stdout

    def worker(self) -> subprocess.Popen:
        """A worker as scripts/run.sh starts one."""
        return self.start("worker", "db_worker", "--queue-name", "*", "--interval", "0.2", "--no-reload",
                          "--no-startup-delay")  # fmt: skip

    def logs_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.logs.glob("*.log")))

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def processes(env, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    started = Processes(env, logs)
    yield started
    started.stop_all()


def wait_for(predicate, what: str, processes: "Processes | None", timeout: float = TIMEOUT):
    deadline = min(time.monotonic() + timeout, processes.deadline if processes else float("inf"))
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    logs = processes.logs_text() if processes else ""
    raise AssertionError(f"timed out waiting for {what}; process logs:\n{logs}")


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


# The worker killed mid-analysis --------------------------------------------------------------------------


def generated_version(stops_request, user, folder: Path, rows: int) -> DatasetVersion:
    """A version of generated stops, uploaded and standing as its own standard table (the generator writes
    the standard schema)."""
    path = generate_stops(folder / "stops.parquet", rows)
    with path.open("rb") as handle:
        version = uploads.add_version(stops_request, user, File(handle, name="stops.parquet"))
        version.standard_file.save("standard.parquet", File(handle), save=False)
    version.status, version.n_rows = DatasetVersion.Status.VALID, rows
    version.save()
    return version


@pytest.fixture
def big_version(shared_db, stops_request, users, tmp_path):
    """600,000 stops: an analysis takes seconds of real work, so a test can kill its worker in the middle."""
    return generated_version(stops_request, users["liaison_a"], tmp_path, 600_000)


def kill_while_running(job: Job, processes: Processes, attempt: int, progress: int = 5, working=None) -> None:
    """Start a worker, wait until it runs the job's `attempt` past `progress` (and `working()` holds), and
    SIGKILL it."""
    worker = processes.worker()

    def running():
        job.refresh_from_db()
        assert job.status != Job.Status.DONE, "the job finished before its worker could be killed"
        return job.status == Job.Status.RUNNING and job.attempt == attempt and job.progress >= progress

    wait_for(running, f"attempt {attempt} to run", processes)
    if working is not None:
        wait_for(working, "the engine to be at work", processes)
    kill(worker)


def test_worker_killed_mid_analysis_runs_it_again_exactly_once(big_version, users, processes):
    job = jobs.start_analysis(big_version, users["provider_a"], "veil-of-darkness", VEIL)
    work = Path(processes.env["CONTINUUM_WORK_DIR"])
    engine_at_work = lambda: work.is_dir() and any(work.rglob("*.duckdb"))  # noqa: E731
    kill_while_running(job, processes, attempt=1, progress=40, working=engine_at_work)  # inside the analysis
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempt == 1 and not Result.objects.exists()
    assert list(work.iterdir())  # the dead worker's work folders, with DuckDB's spill space
    processes.run("sweep_orphans", "--older-than", "0")  # no worker is running: nothing is in progress
    assert not list(work.iterdir())

    processes.worker()  # a new worker, started on its own, takes the job up again
    wait_for(lambda: Job.objects.get(pk=job.pk).finished, "the job to finish", processes)
    # The worker marks its task result after the job's own row: wait for both, not for the first.
    wait_for(
        lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(), "the task to be marked", processes
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert (job.attempt, job.recoveries) == (2, 1)
    assert Result.objects.get().job == job  # one result, from the one attempt that finished
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [t.status for t in tasks] == ["FAILED", "SUCCESSFUL"]  # the dead worker's task is not left running
    assert "stopped while running it" in tasks[0].traceback
    assert (
        AuditEvent.objects.filter(object_id=str(job.pk), to_state="queued", actor_label="Task worker").count()
        == 1
    )


def test_a_job_that_keeps_killing_its_worker_fails_with_the_reason(big_version, users, processes, login):
    job = jobs.start_analysis(big_version, users["provider_a"], "veil-of-darkness", VEIL)
    for attempt in range(1, jobs.MAX_RECOVERIES + 2):
        kill_while_running(job, processes, attempt)
    assert jobs.recover_stale() == 0  # what a new worker or the job's page does
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempt == jobs.MAX_RECOVERIES + 1
    assert f"stopped {jobs.MAX_RECOVERIES + 1} times" in job.error and not Result.objects.exists()
    page = login(users["provider_a"]).get(job.get_absolute_url()).content.decode()
    assert "the job itself may be stopping it" in page
    jobs.retry(job, users["provider_a"])  # a person's retry starts the count again
    job.refresh_from_db()
    assert (job.status, job.recoveries) == (Job.Status.QUEUED, 0)


def test_a_long_job_keeps_its_heartbeat_so_it_is_never_taken_for_dead(shared_db, stops_request, users, tmp_path,
                                                                      monkeypatch):  # fmt: skip
    version = generated_version(stops_request, users["liaison_a"], tmp_path, 20_000)
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.05)
    real = jobs.run_bounded
    beats = []

    @functools.wraps(real)
    def slow(*args, **kwargs):  # the engine's work runs until the heartbeat has moved on its own
        job = Job.objects.get()
        first = job.heartbeat_at
        wait_for(lambda: Job.objects.get(pk=job.pk).heartbeat_at > first, "a heartbeat", None, timeout=10)
        beats.append(first)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "run_bounded", slow)
    job = jobs.start_analysis(version, users["provider_a"], "veil-of-darkness", VEIL)
    outcome = jobs.execute(job.pk, job.attempt)
    job.refresh_from_db()
    assert outcome == "done", job.error
    assert beats and job.status == Job.Status.DONE and Result.objects.get().job == job


def test_sweep_removes_only_old_files_no_record_names(stops_request, users, settings, tmp_path, monkeypatch):
    """What a process killed between writing a file and committing its row leaves: removed once a day old."""
    version = uploads.add_version(stops_request, users["liaison_a"], upload("stops.csv", ri_slice(10)))
    media = Path(settings.MEDIA_ROOT)
    raw_folder = Path(version.raw_file.path).parent  # the site's raw uploads
    old, young = raw_folder / "cut-off.csv", media / "datasets" / "copying.csv"
    for path in (old, young):
        path.write_bytes(b"half a file")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(version.raw_file.path, (two_days_ago, two_days_ago))
    monkeypatch.setenv("CONTINUUM_WORK_DIR", str(tmp_path / "work"))
    stale_work, live_work = tmp_path / "work" / "job-dead", tmp_path / "work" / "continuum-live"
    elsewhere = tmp_path / "continuum-someone-elses"  # beside the work root: never touched
    elsewhere.mkdir()
    os.utime(elsewhere, (time.time() - 2 * 24 * 3600,) * 2)
    for folder in (stale_work, live_work):
        (folder / "spill").mkdir(parents=True)
        (folder / "spill" / "part.tmp").write_bytes(b"x")
    for path in (stale_work, stale_work / "spill", stale_work / "spill" / "part.tmp", live_work):
        os.utime(path, (two_days_ago, two_days_ago))  # live_work's spill file is fresh: in use
    out = io.StringIO()
    call_command("sweep_orphans", stdout=out)
    assert out.getvalue().strip() == "1 orphan file(s) and 1 work folder(s) removed."
    assert not old.exists() and young.exists() and Path(version.raw_file.path).exists()
    assert not stale_work.exists() and live_work.exists() and elsewhere.exists()


# The web server killed mid-upload, the client hanging up mid-upload --------------------------------------

BOUNDARY = "continuum-fault-test-boundary"
CSRF = "f" * 32  # a CSRF secret sent as cookie and field alike


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app served by gunicorn (one synchronous worker) or by `runserver` (without threads): either way,
    requests are handled one after another."""

    def __init__(self, processes: Processes, kind: str = "gunicorn"):
        self.processes, self.kind, self.port, self.process = processes, kind, free_port(), None

    def start(self) -> "Server":
        log = (self.processes.logs / f"server-{len(self.processes.started)}.log").open("wb")
        command = (
            [str(Path(sys.executable).parent / "gunicorn"), "continuum.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "120"]
            if self.kind == "gunicorn"
            else manage("runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}")
        )  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=REPO, env=self.processes.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.started.append(self.process)
        wait_for(self.answers, "the web server to answer", self.processes)
        return self

    def answers(self) -> bool:
        try:
            self.get("/")
        except OSError:
            return False
        return True

    def get(self, path: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request("GET", path)
            return conn.getresponse().status
        finally:
            conn.close()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the arbiter and its worker
        self.process.wait(timeout=10)


def csv_of(size: int) -> bytes:
    """A real stops CSV of about `size` bytes: the RI header, then its rows over and over."""
    header, _, rows = RI.read_bytes().partition(b"\n")
    return header + b"\n" + rows * (size // len(rows) + 1)


def _multipart(fields: dict[str, str], file_field: str, name: str, size: int) -> tuple[bytes, bytes, bytes]:
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'
             "Content-Type: text/csv\r\n\r\n").encode()  # fmt: skip
    return head, csv_of(size), f"\r\n--{BOUNDARY}--\r\n".encode()


def send_upload(port: int, path: str, headers: dict[str, str], body: tuple[bytes, bytes, bytes], *,
                stop_halfway=None):  # fmt: skip
    """Stream a multipart upload in 64 KB chunks. With `stop_halfway`, call it once half the file is sent and
    send no more; otherwise return the response's status."""
    head, content, tail = body
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.putrequest("POST", path)
    for key, value in {**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                       "Content-Length": str(len(head) + len(content) + len(tail))}.items():  # fmt: skip
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(head)
    step = 64 * 1024
    for start in range(0, len(content), step):
        if stop_halfway and start >= len(content) // 2:
            time.sleep(0.3)  # let the server read what is in flight
            stop_halfway(conn)
            return None
        conn.send(content[start : start + step])
    conn.send(tail)
    try:
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def web_upload(shared_db, stops_request, users, login):
    """The web upload of a data file to the data request, signed in as the agency's liaison."""
    client = login(users["liaison_a"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}"}
    fields = {"csrfmiddlewaretoken": CSRF, "note": "sent over a slow line"}
    return stops_request.get_absolute_url(), headers, fields


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_server_killed_mid_upload_leaves_no_record_and_no_file(web_upload, processes, env, stops_request):
    url, headers, fields = web_upload
    server = Server(processes).start()
    body = _multipart(fields, "file", "stops.csv", 16 * 1024 * 1024)
    send_upload(server.port, url, headers, body, stop_halfway=lambda conn: server.kill())
    temp, media = Path(env["TMPDIR"]), Path(settings.MEDIA_ROOT)
    assert not DatasetVersion.objects.exists()
    assert files_under(temp, media) == []

    server.start()  # restarted, it takes the same upload in full
    assert send_upload(server.port, url, headers, body) == 302
    version = DatasetVersion.objects.get()
    assert version.size == len(body[1]) and Path(version.raw_file.path).read_bytes() == body[1]
    assert files_under(temp) == [] and files_under(media) == [Path(version.raw_file.path)]


@pytest.mark.parametrize("server_kind", ["gunicorn", "runserver"])
def test_client_hanging_up_mid_upload_leaves_no_record(
    web_upload, processes, env, stops_request, server_kind
):
    url, headers, fields = web_upload
    server = Server(processes, server_kind).start()
    body = _multipart(fields, "file", "stops.csv", 16 * 1024 * 1024)
    send_upload(server.port, url, headers, body, stop_halfway=lambda conn: conn.close())
    assert server.get("/") == 200  # one request at a time: the cut-off upload has been dealt with
    stops_request.refresh_from_db()
    assert not DatasetVersion.objects.exists() and stops_request.status == "requested"
    assert files_under(Path(env["TMPDIR"]), Path(settings.MEDIA_ROOT)) == []
