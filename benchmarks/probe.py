"""The hardening probe (issue 20): the attacks of the independent probe, re-run against the app as production
serves it (gunicorn, several workers, DEBUG off, PostgreSQL on 127.0.0.1, a task worker), each beside the
figure the probe measured before the fixes. Traffic stays on 127.0.0.1; the database is dropped at the end.

    python -m benchmarks.probe [ATTACK ...]        (make probe; ATTACK: a method of Probe, to run it alone)

A trusted proxy is assumed (TRUSTED_PROXY_COUNT=1), so the probe plays many visitors by the X-Forwarded-For
entry the proxy would add. Writes benchmarks/results/probe.md and .json; exit status 1 if an attack got through.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from benchmarks.load.__main__ import (
    BIN,
    HOST,
    PG,
    PYTHON,
    ROOT,
    STAFF_EMAIL,
    _admin,
    _Browser,
    _free_port,
    _manage,
    _wait_until_up,
)

RESULTS = ROOT / "benchmarks" / "results"
LIAISON = "liaison@columbus.example.gov"
ADMIN = "admin@continuum.example.gov"
MB = 1024 * 1024


def _first_error(body: str) -> str:
    try:
        return json.loads(body)["errors"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        return body[:120]


class Client(_Browser):
    """A visitor: a session of its own, behind the proxy at `address`."""

    def __init__(self, base: str, address: str = "198.51.100.1"):
        super().__init__(base)
        self.address = address

    def send(self, path, body=None, headers=None, method=None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("X-Forwarded-For", self.address)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read()

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        status, headers, content = self.send(path, body)
        return status, headers.get("Location", ""), content.decode(errors="replace")

    def csrf(self, path) -> str:
        _, _, page = self.request(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return found.group(1) if found else ""

    def multipart(self, path, fields: dict, files: dict):
        boundary = uuid.uuid4().hex
        parts = []
        for key, values in fields.items():
            for value in values if isinstance(values, list) else [values]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                )
        for key, (name, content, kind) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                         f"Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.send(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, email: str, password: str, code: str | None = None) -> int:
        token = self.csrf("/accounts/login/")
        status, location, _ = self.request(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "login": email, "password": password}
        )
        if status == 302 and "2fa" in location and code:
            path = urllib.parse.urlsplit(location).path
            status, location, _ = self.request(path, {"csrfmiddlewaretoken": self.csrf(path), "code": code})
        return status


class Probe:
    def __init__(self, base: str, env: dict, work: Path, gunicorn_log: Path):
        self.base, self.env, self.work, self.log = base, env, work, gunicorn_log
        self.password = env["CONTINUUM_DEMO_PASSWORD"]
        self.results: list[dict] = []

    def record(self, item: str, attack: str, before: str, after: str, held: bool) -> None:
        self.results.append({"item": item, "attack": attack, "before": before, "after": after, "held": held})
        print(f"  [{'held' if held else 'BROKE'}] {item}: {after}", flush=True)

    # Django in this process, on the probe's database: set-up and reading what the server did --------------

    def django(self):
        os.environ.update(self.env)
        import django

        django.setup()

    def topics(self) -> list[str]:
        from continuum.catalog.models import Topic

        return [str(pk) for pk in Topic.objects.values_list("pk", flat=True)[:2]]

    def request_form(self, **changes) -> dict:
        data = {
            "submission_token": str(uuid.uuid4()), "existing_agency": "", "agency_name": "Springfield Police",
            "agency_type": "local", "agency_city": "Springfield", "agency_state": "IL", "agency_ori": "",
            "agency_sworn_officers": "230", "agency_population_served": "114000", "requester_name": "Pat Morales",
            "requester_title": "Chief of Police", "requester_email": f"pat.{uuid.uuid4().hex[:6]}@example.gov",
            "requester_phone": "217-555-0100", "requester_is_chief_executive": "yes", "chief_executive_name": "",
            "program_wanted": "critical_response", "ta_kind": "after_action_review", "topics": self.topics(),
            "what_happened": "A large demonstration downtown turned violent over two nights; officers used force.",
            "event_date": "2026-10-02", "urgency": "soon", "pending_matters": "no", "pending_details": "",
            "asked_for": "An independent after-action review of our planning, command and use of force.",
            "asks_for_costs": "no",
        }  # fmt: skip
        return {**data, **changes}

    # The attacks ----------------------------------------------------------------------------------------------

    def disk_fill(self) -> None:
        letter = b"%PDF-1.7\n" + b"0" * (10 * MB)
        started = time.monotonic()
        statuses = []
        for _ in range(20):  # a fresh session each time, one client address
            client = Client(self.base, "203.0.113.66")
            token = client.csrf("/request/")
            fields = {**self.request_form(agency_name=""), "csrfmiddlewaretoken": token}
            status, _, _ = client.multipart(
                "/request/", fields, {"authorization_letter": ("a.pdf", letter, "application/pdf")}
            )
            statuses.append(status)
        pending = Path(self.env["CONTINUUM_MEDIA_ROOT"]) / "intake" / "pending"
        kept = sum(p.stat().st_size for p in pending.rglob("*") if p.is_file()) if pending.exists() else 0
        self.record("1 disk filling", "20 anonymous POSTs, fresh session each, a 10 MB '%PDF-' letter, empty agency",
                    "422 in 4.8 s, 199 MiB kept (about 2.5 GB a minute)",
                    f"{sorted(set(statuses))} in {time.monotonic() - started:.1f} s, {kept / MB:.0f} MiB kept",
                    kept <= 25 * MB)  # fmt: skip

    def code_reuse(self) -> None:
        from allauth.mfa import app_settings
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

        from continuum.accounts.models import User

        user = User.objects.get(email=STAFF_EMAIL)
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        while time.time() % app_settings.TOTP_PERIOD > app_settings.TOTP_PERIOD - 8:
            time.sleep(1)  # all attempts inside one period, so only reuse can refuse them
        code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
        first = Client(self.base, "192.0.2.10").sign_in(STAFF_EMAIL, self.password, code)
        reused = [
            Client(self.base, f"192.0.2.{11 + i}").sign_in(STAFF_EMAIL, self.password, code) for i in range(6)
        ]
        accepted = sum(1 for s in reused if s == 302)
        self.record("2 second-factor code reuse", "one code, then the same code in 6 new sessions (other workers)",
                    "accepted again in new sessions and at +35 s", f"first {first}; reused: {accepted} of 6 accepted",
                    first == 302 and accepted == 0)  # fmt: skip

    def lockout(self) -> None:
        from axes.models import AccessAttempt

        guesser = Client(self.base, "198.51.100.200")
        for _ in range(5):
            guesser.sign_in(ADMIN, "wrong password")
        locked_at = (
            AccessAttempt.objects.filter(username=ADMIN).values_list("attempt_time", flat=True).first()
        )
        during = guesser.sign_in(ADMIN, self.password)
        after = AccessAttempt.objects.filter(username=ADMIN).values_list("attempt_time", flat=True).first()
        owner = Client(self.base, "198.51.100.7").sign_in(ADMIN, self.password)
        self.record("3 lock-out abuse", "5 wrong passwords from one address, then the right one during the lock",
                    "account locked for everyone; each attempt during the lock restarted the 15 minutes",
                    f"guesser's right password {during} (still locked), lock start moved: {after != locked_at}; "
                    f"owner from another address: {owner} (signed in to the second step)",
                    during != 302 and after == locked_at and owner == 302)  # fmt: skip

    def unbounded_work(self) -> None:
        from django.core.files import File

        from continuum.accounts.models import User
        from continuum.datasets import jobs, mappings, uploads
        from continuum.datasets.models import DataRequest, Job
        from continuum.sites.models import Site

        user = User.objects.get(email=LIAISON)
        site = Site.objects.filter(agency=user.organization).exclude(status="closed").first()
        staff = User.objects.get(email=STAFF_EMAIL)  # staff ask for the data, the agency's liaison sends it
        request = uploads.create_request(site, staff, DataRequest(title="Stops (probe)", table_type="stops"))
        big = self.work / "many.parquet"
        duckdb.sql(f"COPY (SELECT DATE '2020-01-01' + CAST(i % 365 AS INTEGER) AS stop_date, 'W' AS driver_race, "
                   f"'12:00' AS stop_time FROM range(600000000) t(i)) TO '{big}' "
                   "(ROW_GROUP_SIZE 10000000)")  # fmt: skip
        with big.open("rb") as handle:
            version = uploads.add_version(request, user, File(handle, name="many.parquet"))
        liaison = Client(self.base, "198.51.100.30")
        liaison.sign_in(LIAISON, self.password)
        started = time.monotonic()
        status, _, page = liaison.request(version.get_absolute_url())
        draft_s = time.monotonic() - started
        self.record("4a profiling in the request", f"the mapping page of a {big.stat().st_size / MB:.0f} MB Parquet "
                    "file of 600M rows", "worker killed at 31 s",
                    f"{status} in {draft_s:.1f} s, draft from a sample: {'first 100,000 rows' in page}",
                    status == 200 and draft_s < 30)  # fmt: skip

        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * (2048 * MB) + "</c>")
        from continuum.api.models import ApiToken

        token = ApiToken.issue(user, "probe")[1]
        started = time.monotonic()
        status, _, body = self._upload(site.pk, request.pk, token, "stops.xlsx", bomb.getvalue())
        self.record("4b workbook bomb", f"an {len(bomb.getvalue()) / MB:.0f} MB XLSX unpacking to 2 GiB",
                    "a thread busy 20 minutes at 1.7 GB",
                    f"{status} in {time.monotonic() - started:.1f} s: {_first_error(body)}",
                    status == 422)  # fmt: skip

        mappings.save_mapping(version, user, '[columns]\ndate = { from = "stop_date" }\n'
                              'time = { from = "stop_time", format = "%H:%M" }\n'
                              'subject_race = { from = "driver_race", values = { W = "white" } }\n')  # fmt: skip
        worker = subprocess.Popen([PYTHON, "manage.py", "db_worker"], env=self.env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            started = time.monotonic()
            job = jobs.start_validation(version, user)
            other = self._small_job(user)
            while Job.objects.filter(pk__in=[job.pk, other.pk], finished_at__isnull=True).exists():
                if time.monotonic() - started > 300:
                    break
                time.sleep(1)
            job.refresh_from_db()
            other.refresh_from_db()
        finally:
            worker.terminate()
            worker.wait(30)
        limit = self.env["CONTINUUM_JOB_SECONDS"]
        self.record("4c job limits", f"validating the 600M-row file with a job time limit of {limit} s, then another "
                    "agency's job", "no limit: the job held the only worker while another agency's job waited",
                    f"{job.status} after {(job.finished_at - job.started_at).total_seconds():.0f} s "
                    f"({job.error[:90]}…); "
                    f"the next job: {other.status}", job.status == "failed" and other.status == "done")  # fmt: skip
        raw = Path(version.raw_file.path)
        modes = {
            p: oct(stat.S_IMODE(p.stat().st_mode))
            for p in (raw, raw.parent, Path(self.env["CONTINUUM_VAR_DIR"]))
        }
        self.record("12 files at rest", "modes of an agency's raw upload, its folder and var/",
                    "0644 files in 0755 folders", ", ".join(f"{p.name}: {m}" for p, m in modes.items()),
                    modes[raw] == "0o600" and all(m == "0o700" for p, m in modes.items() if p != raw))  # fmt: skip

    def _small_job(self, user):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from continuum.datasets import jobs, mappings, uploads
        from continuum.datasets.models import DataRequest
        from continuum.sites.models import Site

        other_site = Site.objects.exclude(agency=user.organization).exclude(status="closed").first()
        staff = __import__("continuum.accounts.models", fromlist=["User"]).User.objects.get(email=STAFF_EMAIL)
        request = uploads.create_request(
            other_site, staff, DataRequest(title="Stops (other)", table_type="stops")
        )
        ri = ROOT.parent / "shared" / "data" / "ri_state_police_stops_2005_2008.csv"
        content = b"".join(ri.read_bytes().splitlines(keepends=True)[:2001])
        version = uploads.add_version(request, staff, SimpleUploadedFile("ri.csv", content, "text/csv"))
        mappings.save_mapping(version, staff, mappings.draft(version, "ri_state_police"))
        return jobs.start_validation(version, staff)

    def _upload(self, site_id, request_id, token, name, content):
        client = Client(self.base, "198.51.100.31")
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode() + content  # fmt: skip
        body += f"\r\n--{boundary}--\r\n".encode()
        status, _, data = client.send(f"/api/sites/{site_id}/data-requests/{request_id}/versions", body,
                                      {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                       "Authorization": f"Bearer {token}"})  # fmt: skip
        return status, None, data.decode(errors="replace")

    def public_cpu(self) -> None:
        from continuum.reports.models import Report

        report = Report.objects.published().first()
        stop = time.monotonic() + 20
        pdf_times, site_times = [], []

        def hammer():
            client = Client(self.base, f"203.0.113.{secrets.randbelow(200)}")
            while time.monotonic() < stop:
                started = time.monotonic()
                client.send(f"/reports/{report.pk}/report.pdf")
                pdf_times.append(time.monotonic() - started)

        def visitor():
            client = Client(self.base, "203.0.113.250")
            while time.monotonic() < stop:
                started = time.monotonic()
                client.send(f"/sites/?q={secrets.token_hex(6)}")
                site_times.append(time.monotonic() - started)
                time.sleep(0.2)

        with ThreadPoolExecutor(11) as pool:
            for _ in range(10):
                pool.submit(hammer)
            pool.submit(visitor)
        pdf_times.sort()
        site_times.sort()

        def p(values, q):
            return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

        self.record("5 public CPU", "10 anonymous clients on a published PDF for 20 s; /sites/ with random query "
                    "strings meanwhile", "PDF rendered each time (1.7 s); /sites/ 2-7 s for everyone",
                    f"{len(pdf_times)} PDFs, median {p(pdf_times, .5) * 1000:.0f} ms; /sites/ p50 "
                    f"{p(site_times, .5) * 1000:.0f} ms, p95 {p(site_times, .95) * 1000:.0f} ms",
                    p(site_times, .95) < 1.0 and p(pdf_times, .5) < 0.5)  # fmt: skip

    def submission_race(self) -> None:
        from continuum.intake.models import Request

        before = Request.objects.count()

        def submit(i):
            client = Client(self.base, "198.51.100.77")
            token = client.csrf("/request/")
            return client.request(
                "/request/", {**self.request_form(agency_name=f"Race {i}"), "csrfmiddlewaretoken": token}
            )[0]

        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(submit, range(20)))
        created = Request.objects.count() - before
        self.record("6 submission race", "20 parallel anonymous submissions from one visitor (limit 5 an hour)",
                    "17 created; behind the proxy every visitor shared one limit",
                    f"{created} created; answers {sorted(set(statuses))}", created <= 5)  # fmt: skip
        other = Client(self.base, "198.51.100.78")
        status = other.request(
            "/request/", {**self.request_form(), "csrfmiddlewaretoken": other.csrf("/request/")}
        )[0]
        self.record(
            "6 per-visitor limit",
            "another visitor behind the same proxy, right after",
            "refused (the limit was the proxy's)",
            f"{status}",
            status == 302,
        )

    def private_report(self) -> None:
        from continuum.reports.models import Report

        report = Report.objects.published().first()
        site = report.site
        site.is_public = False
        site.save(update_fields=["is_public"])
        client = Client(self.base, "203.0.113.9")
        answers = [client.send(path)[0] for path in (f"/reports/{report.pk}/", f"/reports/{report.pk}/report.pdf",
                                                     f"/api/public/reports/{report.pk}")]  # fmt: skip
        site.is_public = True
        site.save(update_fields=["is_public"])
        self.record(
            "7 report of a non-public site",
            "its page, PDF and public API entry, anonymously",
            "all public while the site page answered 404",
            f"{answers}",
            answers == [404, 404, 404],
        )

    def tokens(self) -> None:
        from continuum.accounts.models import User
        from continuum.api.models import ApiToken

        user = User.objects.get(email="provider@jensenhughes.example.com")
        token_row, token = ApiToken.issue(user, "probe")
        client = Client(self.base, "203.0.113.40")
        before = client.send("/api/sites", headers={"Authorization": f"Bearer {token}"})[0]
        user.set_password(self.password + "-changed")
        user.save()
        after = client.send("/api/sites", headers={"Authorization": f"Bearer {token}"})[0]
        user.set_password(self.password)
        user.save()
        staff = ApiToken.issue(User.objects.get(email=STAFF_EMAIL), "probe")[0]
        days = round((staff.expires_at - staff.created_at).total_seconds() / 86400)
        self.record("8 API tokens", "a token after its owner's password changed; a staff token's lifetime",
                    "never expired; survived a password change and a lock-out",
                    f"before the change {before}, after {after}; staff token expires in {days} days; "
                    f"provider token in {round((token_row.expires_at - token_row.created_at).total_seconds() / 86400)}",
                    before == 200 and after == 401 and days <= 30)  # fmt: skip

    def errors_500(self) -> None:
        from continuum.accounts.models import User
        from continuum.api.models import ApiToken
        from continuum.sites.models import Site

        staff_token = ApiToken.issue(User.objects.get(email=STAFF_EMAIL), "probe")[1]
        site = Site.objects.exclude(status="closed").first()
        body = json.dumps({"occurred_on": "2026-11-20", "kind": "call", "participants": "Chief",
                           "summary": "Check\u0000in"}).encode("utf-16")  # fmt: skip
        client = Client(self.base, "203.0.113.41")
        nul = client.send(f"/api/sites/{site.pk}/communications", body,
                          {"Content-Type": "application/json",
                           "Authorization": f"Bearer {staff_token}"})[0]  # fmt: skip
        liaison = Client(self.base, "203.0.113.42")
        liaison.sign_in(LIAISON, self.password)
        history = liaison.send("/history/sites/site/abc/")[0]
        huge = liaison.send("/agencies/99999999999999999999/")[0]
        self.record("9 unhandled input", "UTF-16 JSON with NUL to communications; /history/sites/site/abc/; an id "
                    "past 64 bits", "500, 500, 500 (the last on SQLite)", f"{nul}, {history}, {huge}",
                    nul == 422 and history in (403, 404) and huge == 404)  # fmt: skip

    def reset_link(self) -> None:
        client = Client(self.base, "203.0.113.43")
        token = client.csrf("/accounts/password/reset/")
        client.send("/accounts/password/reset/",
                    urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": LIAISON}).encode(),
                    {"Host": "127.0.0.1:6666", "Content-Type": "application/x-www-form-urlencoded",
                     "Referer": self.base + "/accounts/password/reset/"})  # fmt: skip
        time.sleep(1)
        links = re.findall(
            r"https?://[^\s]+/accounts/password/reset/key/\S+", self.log.read_text(errors="replace")
        )
        self.record("10 reset link host", "a reset asked with Host: 127.0.0.1:6666", "the link pointed at :6666",
                    f"link: {links[-1][:60] if links else 'none found'}…",
                    bool(links) and all(link.startswith(self.env["SITE_URL"]) for link in links))  # fmt: skip

    def backup_forgery(self) -> None:
        archive = self.work / "backup.zip"
        done = subprocess.run([BIN / "continuum", "backup", str(archive)], env=self.env, cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode:
            self.record("11 backup forgery", "", "", f"backup failed: {done.stderr[-200:]}", False)
            return
        with zipfile.ZipFile(archive) as old:
            manifest = json.loads(old.read("manifest.json"))
            member = next(t for t in manifest["tables"] if t["model"] == "accounts.user")["member"]
            lines = old.read(member).decode().splitlines()
            row = json.loads(lines[0])
            row["fields"].update(role="admin", is_superuser=True, is_staff=True)
            lines[0] = json.dumps(row)
            edited = ("\n".join(lines) + "\n").encode()
            manifest["members"][member] = {"size": len(edited), "sha256": hashlib.sha256(edited).hexdigest()}
            forged = self.work / "forged.zip"
            with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as new:
                for info in old.infolist():
                    data = old.read(info.filename)
                    if info.filename == member:
                        data = edited
                    elif info.filename == "manifest.json":
                        data = json.dumps(manifest).encode()
                    new.writestr(info.filename, data)
        restore = subprocess.run([BIN / "continuum", "restore", "--force", str(forged)], env=self.env, cwd=ROOT,
                                 capture_output=True, text=True)  # fmt: skip
        said = " ".join(restore.stderr.split())[-140:]
        self.record("11 backup forgery", "a user row made administrator, its checksums recomputed, restored",
                    "restored cleanly", f"exit {restore.returncode}: …{said}",
                    restore.returncode != 0 and "changed after it was written" in restore.stderr)  # fmt: skip

    def headers_and_text(self) -> None:
        liaison = Client(self.base, "203.0.113.44")
        liaison.sign_in(LIAISON, self.password)
        cache = liaison.send("/workspace/")[1].get("Cache-Control", "")
        self.record(
            "13 anti-caching", "Cache-Control of a signed-in page", "none", cache, "no-store" in cache
        )
        client = Client(self.base, "203.0.113.45")
        status = client.request("/request/", {**self.request_form(agency_name="Springfield \u202egnp.exe"),
                                              "csrfmiddlewaretoken": client.csrf("/request/")})[0]  # fmt: skip
        self.record(
            "14 direction override",
            "U+202E in the agency's name",
            "stored and shown",
            f"{status}",
            status == 422,
        )
        demo = subprocess.run([PYTHON, "manage.py", "load_demo"], env=self.env, cwd=ROOT, capture_output=True,
                              text=True)  # fmt: skip
        weak = subprocess.run([PYTHON, "manage.py", "check"], env={**self.env, "SECRET_KEY": "changeme"}, cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip
        self.record("14 production guards", "load_demo with DEBUG off; a weak SECRET_KEY",
                    "demo log-ins created; only a warning", f"load_demo exit {demo.returncode}, check exit "
                    f"{weak.returncode}", demo.returncode != 0 and weak.returncode != 0)  # fmt: skip


def main() -> int:
    only = set(sys.argv[1:])  # attack names (methods of Probe) to run alone, e.g. unbounded_work
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("probe stopped: time is up"))
    database = f"continuum_probe_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="continuum-probe-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "60", "CONTINUUM_VAR_DIR": str(work / "var"),
        "CONTINUUM_MEDIA_ROOT": str(work / "var" / "uploads"), "CONTINUUM_DEMO_PASSWORD": secrets.token_urlsafe(16),
        "CONTINUUM_BACKUP_KEY": secrets.token_urlsafe(40), "CONTINUUM_JOB_SECONDS": "60", "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "continuum.settings",
    }  # fmt: skip
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = None
    try:
        for command in (["migrate", "--noinput"], ["load_demo", "--quiet", "--throwaway-database"],
                        ["collectstatic", "--noinput"]):  # fmt: skip
            _manage(env, *command, timeout=900)
        port = _free_port()
        env["SITE_URL"] = f"http://{HOST}:{port}"
        log = work / "gunicorn.out"
        server = subprocess.Popen(
            [BIN / "gunicorn", "continuum.wsgi", "--preload", "--bind", f"{HOST}:{port}", "--workers", "3",
             "--timeout", "60"], env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://{HOST}:{port}"
        _wait_until_up(base)
        probe = Probe(base, env, work, log)
        probe.django()
        for attack in (probe.disk_fill, probe.code_reuse, probe.lockout, probe.public_cpu, probe.submission_race,
                       probe.private_report, probe.tokens, probe.errors_500, probe.reset_link,
                       probe.headers_and_text, probe.unbounded_work, probe.backup_forgery):  # fmt: skip
            if only and attack.__name__ not in only:
                continue
            try:
                attack()
            except (
                Exception
            ) as error:  # one attack's failure to run is a result too, not the end of the probe
                probe.record(
                    attack.__name__,
                    "",
                    "",
                    f"the probe could not run it: {type(error).__name__}: {error}",
                    False,
                )
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
        with contextlib.suppress(Exception):
            import django.db

            django.db.connections.close_all()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (RESULTS / "probe.json").write_text(json.dumps({"when": when, "results": probe.results}, indent=1))
    lines = [f"# Hardening probe ({when})", "",
             "gunicorn with 3 workers, DEBUG off, PostgreSQL, a task worker; one trusted proxy (visitors told apart "
             "by X-Forwarded-For). Before: what the independent probe measured (issue 20).", "",
             "| item | attack | before | after | held |", "|---|---|---|---|---|"]  # fmt: skip
    lines += [f"| {r['item']} | {r['attack']} | {r['before']} | {r['after']} | {'yes' if r['held'] else 'NO'} |"
              for r in probe.results]  # fmt: skip
    (RESULTS / "probe.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["held"] for r in probe.results) else 1


if __name__ == "__main__":
    sys.exit(main())
