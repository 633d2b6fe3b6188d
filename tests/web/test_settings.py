"""Production settings are right when DEBUG is off, and refuse to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env={**clean, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_when_debug_is_off(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="x" * 30 + "-production-like-secret-key-for-the-check",
        ALLOWED_HOSTS="continuum.example.gov", CONTINUUM_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_stops_production_start(tmp_path):
    result = _manage("check", DEBUG="0", CONTINUUM_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_csp_forbids_inline_script(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_database_url_selects_the_database():
    import dj_database_url

    parsed = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/continuum")
    assert parsed["ENGINE"] == "django.db.backends.postgresql" and parsed["NAME"] == "continuum"
