"""The load benchmark: the app served by gunicorn on a throwaway PostgreSQL database holding the demo plus bulk
data (10,000 sites, 50,000 requests), 50 locust clients for a bounded time, p50/p95/p99 and errors per page
group beside the trivial view measured in the same run. Traffic stays on 127.0.0.1; the database is dropped
at the end, whatever happens.

    python -m benchmarks.load [--users 50] [--run-time 120] [--sites 10000] [--requests 50000]

Targets (issue 10): zero errors, every group's p95 within 2x the trivial view's. Exit status 1 if missed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
HOST = "127.0.0.1"
PG = f"postgres://postgres@{HOST}:5432"
STAFF_EMAIL = "staff@continuum.example.gov"
RESULTS = ROOT / "benchmarks" / "results"
# collectstatic compresses every file (minutes on a busy machine): kept between runs, redone when a source changes
STATIC_CACHE = ROOT / "var" / "load-static"
TRIVIAL = "trivial view (/healthz)"
MAX_RATIO = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=int, default=120, help="seconds of traffic")
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    # `make bench-load` bounds the run with `timeout`: its SIGTERM must still stop the server and drop the data.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("load benchmark stopped: time is up"))

    database = f"continuum_load_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="continuum-load-"))
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    (work / "static").symlink_to(STATIC_CACHE, target_is_directory=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",  # plain http on the loopback
        "CONN_MAX_AGE": "60",  # a worker keeps its connection, as in production
        "CONTINUUM_VAR_DIR": str(work),
        "CONTINUUM_DEMO_PASSWORD": secrets.token_urlsafe(16),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "continuum.settings",
    }
    started = time.monotonic()
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = None
    try:
        setup = _prepare(env, args)
        port = _free_port()
        server = subprocess.Popen(
            [BIN / "gunicorn", "continuum.wsgi", "--preload", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--error-logfile", str(work / "gunicorn.log")],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://{HOST}:{port}"
        _wait_until_up(base)
        fixture = _fixture(env, base, work)
        print(f"Traffic: {args.users} clients for {args.run_time} s against {base} …", flush=True)
        groups = _locust(base, fixture, args, work, env)
        result = _result(groups, setup, args, time.monotonic() - started)
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
            if server.poll() is None:
                server.kill()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        log = work / "gunicorn.log"
        if log.exists():  # the server's errors (tracebacks of any 500) outlive the run
            args.out.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, args.out / "load-gunicorn.log")
        shutil.rmtree(work, ignore_errors=True)
    _write(result, args.out)
    return 0 if result["targets_met"] else 1


@contextlib.contextmanager
def _admin():
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as connection:
        yield connection


def _manage(env: dict, *command: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _prepare(env: dict, args) -> dict:
    """Schema, demo, bulk data and static files; returns how long each took."""
    times = {}
    for label, command in [
        ("migrate", ["migrate", "--noinput"]),
        ("load_demo", ["load_demo", "--quiet", "--throwaway-database"]),
        ("load_bulk", ["load_bulk", "--sites", str(args.sites), "--requests", str(args.requests)]),
        ("collectstatic", ["collectstatic", "--noinput"]),
    ]:
        if label == "collectstatic" and _static_fingerprint() == _stored_fingerprint():
            continue
        start = time.monotonic()
        _manage(env, *command)
        times[label] = round(time.monotonic() - start, 1)
        print(f"  {label}: {times[label]} s", flush=True)
    (STATIC_CACHE / ".fingerprint").write_text(_static_fingerprint())
    return times


def _static_fingerprint() -> str:
    """Our static sources and the installed packages (which bring the admin's and the API docs' files)."""
    files = [p for p in (ROOT / "src").rglob("*") if "static" in p.parts and p.is_file()]
    files.append(ROOT / "pyproject.toml")
    listing = sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    return hashlib.sha256(repr(listing).encode()).hexdigest()


def _stored_fingerprint() -> str:
    path = STATIC_CACHE / ".fingerprint"
    return path.read_text() if (STATIC_CACHE / "staticfiles.json").exists() and path.exists() else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds} s")


def _fixture(env: dict, base: str, work: Path) -> Path:
    """What the clients need: site ids to visit, how many pages each list has, and a staff session that went
    through the real log-in (password, then the authenticator code)."""
    os.environ.update(env)
    import django
    import django.db

    django.setup()
    from continuum.reports import public_views as reports
    from continuum.sites import public_views as sites
    from continuum.sites.models import Site

    public = Site.objects.public()
    pages = {
        "active": -(-public.active().count() // sites.PER_PAGE),
        "closed": -(-public.filter(status=Site.Status.CLOSED).count() // sites.PER_PAGE),
        "reports": -(-reports.search({})[1].count() // reports.PER_PAGE),
    }
    fixture = {
        "pages": {k: max(1, v) for k, v in pages.items()},
        "public_sites": list(public.order_by("?").values_list("pk", flat=True)[:1000]),
        "staff_sites": list(Site.objects.order_by("?").values_list("pk", flat=True)[:1000]),
        "staff_cookie": _staff_login(base, env["CONTINUUM_DEMO_PASSWORD"]),
    }
    django.db.connections.close_all()
    path = work / "fixture.json"
    path.write_text(json.dumps(fixture))
    return path


class _Browser:
    """Just enough of a browser for allauth's forms over plain http: it keeps the cookies itself, because the
    app marks them Secure (DEBUG is off) and a cookie jar would not send those back over http."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx, 4xx
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def form(self, path: str, fields: dict) -> str:
        status, _, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"{path}: no form to fill (HTTP {status})")
        status, location, _ = self.request(path, {"csrfmiddlewaretoken": token.group(1), **fields})
        if status != 302:
            raise RuntimeError(f"{path}: the form was refused (HTTP {status})")
        return location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _staff_login(base: str, password: str) -> str:
    """Give the demo's program staff user an authenticator app, then log in as a person would."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    from continuum.accounts.models import User

    user = User.objects.get(email=STAFF_EMAIL)
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    browser = _Browser(base)
    next_step = browser.form("/accounts/login/", {"login": STAFF_EMAIL, "password": password})
    if "2fa" in next_step:
        code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
        next_step = browser.form(urllib.parse.urlsplit(next_step).path, {"code": code})
    status, _, _ = browser.request("/requests/")
    if status != 200:
        raise RuntimeError(f"the staff log-in did not hold: the triage queue answered {status}")
    return f"sessionid={browser.cookies['sessionid']}"


def _locust(base: str, fixture: Path, args, work: Path, env: dict) -> list[dict]:
    if urllib.parse.urlsplit(base).hostname != HOST:
        raise RuntimeError("the load benchmark only ever sends traffic to 127.0.0.1")
    prefix = work / "locust"
    subprocess.run(
        [BIN / "locust", "-f", Path(__file__).with_name("locustfile.py"), "--headless", "--host", base,
         "--users", str(args.users), "--spawn-rate", str(max(1, args.users // 5)),
         "--run-time", f"{args.run_time}s", "--stop-timeout", "10", "--csv", prefix, "--only-summary",
         "--loglevel", "WARNING"],
        env={**env, "LOAD_FIXTURE": str(fixture)}, cwd=ROOT, check=False, timeout=args.run_time + 120,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").read_text().splitlines()))
    return [
        {
            "group": row["Name"],
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "rps": round(float(row["Requests/s"]), 1),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    ]


def _result(groups: list[dict], setup: dict, args, elapsed: float) -> dict:
    trivial = next((g for g in groups if g["group"] == TRIVIAL), None)
    if trivial is None or not trivial["requests"]:
        raise RuntimeError("the trivial view was not measured: no yardstick")
    for group in groups:
        group["p95_vs_trivial"] = round(group["p95_ms"] / trivial["p95_ms"], 2) if trivial["p95_ms"] else None
        group["ok"] = group["errors"] == 0 and (group["p95_vs_trivial"] or 0) <= MAX_RATIO
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": {"sites": args.sites, "requests": args.requests},
        "clients": args.users, "run_time_s": args.run_time, "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(), "load_average_after": round(os.getloadavg()[0], 2),
        "setup_s": setup, "total_s": round(elapsed, 1),
        "groups": sorted(groups, key=lambda g: (g["group"] != TRIVIAL, g["group"])),
        "targets_met": all(g["ok"] for g in groups),
    }  # fmt: skip


def _write(result: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Load benchmark ({result['when']})",
        "",
        f"{result['data']['sites']:,} sites and {result['data']['requests']:,} requests on PostgreSQL; gunicorn "
        f"with {result['gunicorn_workers']} workers on {result['cpus']} CPUs (shared with locust); "
        f"{result['clients']} clients for {result['run_time_s']} s. Load average at the end: "
        f"{result['load_average_after']}. Set-up: "
        + ", ".join(f"{k} {v} s" for k, v in result["setup_s"].items())
        + f"; whole run {result['total_s']} s.",
        "",
        "| page group | requests | errors | p50 ms | p95 ms | p99 ms | p95 / trivial | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for g in result["groups"]:
        lines.append(
            f"| {g['group']} | {g['requests']:,} | {g['errors']} | {g['p50_ms']:.0f} | {g['p95_ms']:.0f} | "
            f"{g['p99_ms']:.0f} | {g['p95_vs_trivial']} | {'met' if g['ok'] else 'MISSED'} |"
        )
    lines += ["", "Targets: zero errors; p95 within 2x the trivial view's. "
              + ("All met." if result["targets_met"] else "Some missed.")]  # fmt: skip
    text = "\n".join(lines) + "\n"
    (out / "load.md").write_text(text)
    (out / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
