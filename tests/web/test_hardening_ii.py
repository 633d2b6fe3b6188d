"""Issue 20's attacks, each reproduced: a disk filled through the request form, a lock-out held forever by a
stranger, limits shared by everyone behind the proxy or raced by parallel posts, a second-factor code reused
from another process. Each test fails without its fix."""

import os
import subprocess
import sys
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from continuum.intake import letters, ratelimit, submission
from continuum.intake.forms import RequestForm
from continuum.intake.models import Request
from tests.conftest import PASSWORD, at_once
from tests.web.intake.conftest import PDF, form_data

BIG_PDF = PDF + b"0" * (512 * 1024)


def _failed_post_with_letter(client, **meta):
    data = form_data(agency_name="", requester_is_chief_executive="no", chief_executive_name="Chief Park")
    data["authorization_letter"] = SimpleUploadedFile("letter.pdf", BIG_PDF, content_type="application/pdf")
    return client.post("/request/", data, **meta)


def test_failed_posts_from_fresh_sessions_cannot_fill_the_disk(db, settings, tmp_path):
    """Before: every post kept its letter for a day (20 posts, 20 files). Now one address holds two."""
    settings.MEDIA_ROOT = tmp_path
    for _ in range(20):
        assert _failed_post_with_letter(Client()).status_code == 422  # a new session each time
    kept = list((tmp_path / "intake" / "pending").glob("*.pdf"))
    assert len(kept) == letters.PENDING_PER_CLIENT
    assert all(path.stat().st_mode & 0o077 == 0 for path in kept)


def test_the_pending_folder_has_a_ceiling_whatever_the_addresses(db, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(letters, "PENDING_TOTAL_BYTES", 3 * len(BIG_PDF))
    for i in range(6):
        response = _failed_post_with_letter(Client(REMOTE_ADDR=f"203.0.113.{i}"))
    assert len(list((tmp_path / "intake" / "pending").glob("*.pdf"))) == 3
    assert letters.NOT_HELD in response.context["form"].errors["authorization_letter"]


def test_failed_posts_count_against_the_hourly_limit(db, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(ratelimit, "ATTEMPT_LIMIT", 3)
    codes = [Client().post("/request/", form_data(agency_name="")).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert Client(REMOTE_ADDR="198.51.100.7").post("/request/", form_data(agency_name="")).status_code == 422


def test_behind_the_proxy_each_visitor_has_their_own_limit(db, settings, monkeypatch):
    """Before: every visitor came from the proxy's address, so five requests in an hour closed the form to all."""
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ratelimit, "ANONYMOUS_LIMIT", 1)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = Client(**proxy).post("/request/", form_data(), HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert first.status_code == 302
    # a second visitor through the same proxy, who also tries to pass as the first one's neighbour
    other = Client(**proxy).post("/request/", form_data(), HTTP_X_FORWARDED_FOR="192.0.2.10, 192.0.2.11")
    assert other.status_code == 302
    again = Client(**proxy).post("/request/", form_data(), HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.10")
    assert again.status_code == 429  # a forged left-hand entry changes nothing


def test_parallel_submissions_cannot_pass_the_limit_together(transactional_db, monkeypatch):
    """Before: 20 parallel posts created 17 requests against a limit of 5."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time already; the race needs PostgreSQL")
    from django.contrib.auth.models import AnonymousUser

    monkeypatch.setattr(ratelimit, "ANONYMOUS_LIMIT", 3)
    outcomes = []

    def send():
        try:
            form = RequestForm(form_data(), user=AnonymousUser())
            assert form.is_valid(), form.errors
            submission.submit(form, AnonymousUser(), "same-client")
            outcomes.append("created")
        except ratelimit.Limited:
            outcomes.append("limited")

    at_once(send, 8)
    assert sorted(outcomes) == ["created"] * 3 + ["limited"] * 5
    assert Request.objects.filter(client_key="same-client").count() == 3


def _password(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_a_stranger_cannot_lock_the_owner_out(users, settings):
    """Before: five wrong passwords from anywhere locked the account for everyone, again and again."""
    stranger, owner = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="192.0.2.20")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password(stranger, "liaison_a@example.gov", "wrong-password")
    assert _password(stranger, "liaison_a@example.gov").status_code == 429
    assert _password(owner, "liaison_a@example.gov")["Location"] == "/workspace/"


def test_attempts_during_a_lock_do_not_extend_it(users, settings):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password(client, "liaison_a@example.gov", "wrong-password")
    locked_since = AccessAttempt.objects.get().attempt_time
    for password in ["wrong-password", PASSWORD, "wrong-password"]:
        assert _password(client, "liaison_a@example.gov", password).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_since
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert _password(client, "liaison_a@example.gov")["Location"] == "/workspace/"


def test_the_cache_for_codes_and_limits_is_shared_by_every_process(settings):
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend.endswith(("db.DatabaseCache", "redis.RedisCache")), backend


def test_a_used_code_is_refused_by_another_process(transactional_db, users, settings):
    """Before: used codes were remembered per process; another gunicorn worker accepted the code again.
    Here another Python process, on the same database, sees the code this one marked as used."""
    if connection.vendor != "postgresql":
        pytest.skip("another process reaches the test database only on PostgreSQL")
    from django.core.cache import cache

    key = f"used-code-{uuid.uuid4()}"
    assert cache.add(key, 1, 60)
    name = connection.settings_dict["NAME"]
    code = (
        "import django, os; django.setup(); from django.core.cache import cache; "
        f"print(cache.add({key!r}, 1, 60))"
    )
    url = f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
    url += f"{connection.settings_dict['PORT']}/{name}"
    env = {"DJANGO_SETTINGS_MODULE": "continuum.settings", "DATABASE_URL": url, "DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr


def test_signed_in_pages_and_downloads_are_not_kept_in_caches(client, users, login):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    login(users["staff"])
    for url in ["/workspace/", "/workspace/requests/", "/"]:
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def test_a_password_reset_link_points_at_the_configured_site(client, users, settings, mailoutbox):
    """Before: `Host: 127.0.0.1:6666` gave a link to that port."""
    settings.SITE_URL = "https://continuum.example.gov"
    client.post("/accounts/password/reset/", {"email": "liaison_a@example.gov"}, HTTP_HOST="127.0.0.1:6666")
    body = mailoutbox[-1].body
    assert "https://continuum.example.gov/accounts/password/reset/key/" in body
    assert "6666" not in body


def test_a_redis_cache_url_gives_the_redis_backend_and_it_remembers_a_used_code(tmp_path):
    """Production's shared cache: another connection (another process's) sees what this one added."""
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    code = (
        "import django; django.setup(); from django.conf import settings; from django.core.cache import cache; "
        "import uuid; key = f'used-{uuid.uuid4()}'; "
        "print(settings.CACHES['default']['BACKEND'], cache.add(key, 1, 5), cache.add(key, 1, 5))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "continuum.settings", "DEBUG": "1",
           "CACHE_URL": "redis://127.0.0.1:6379/9", "CONTINUUM_VAR_DIR": str(tmp_path)}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "True", "False"], out.stderr
