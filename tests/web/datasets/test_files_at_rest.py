"""Issue 20 item 12: files at rest are the service's alone. A Continuum process creates files 0600 and folders
0700 (the database, uploads, work files); var/ and a database an earlier version left readable are closed on
start; an agency's uploaded dataset is stored 0600 in 0700 folders."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from continuum.datasets import uploads
from continuum.portal.private_files import close_var_dir

from .conftest import ri_slice, upload


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_continuum_process_creates_private_files_and_closes_what_was_left_open(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    old = var / "continuum.sqlite3"
    old.write_text("")
    old.chmod(0o644)
    (var / "continuum.sqlite3-wal").write_text("")
    (var / "continuum.sqlite3-wal").chmod(0o644)
    script = (
        "import sqlite3, pathlib; import continuum.settings as s; "
        "sqlite3.connect(str(s.VAR_DIR / 'new.sqlite3')).execute('create table t (x)'); "
        "(s.VAR_DIR / 'datasets').mkdir(); (s.VAR_DIR / 'datasets' / 'raw.csv').write_text('x')"
    )
    env = {**os.environ, "CONTINUUM_VAR_DIR": str(var), "DEBUG": "1"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=settings.REPO_DIR)
    assert _mode(var) == 0o700
    assert _mode(old) == 0o600 and _mode(var / "continuum.sqlite3-wal") == 0o600
    assert _mode(var / "new.sqlite3") == 0o600
    assert _mode(var / "datasets") == 0o700 and _mode(var / "datasets" / "raw.csv") == 0o600
    assert _mode(var / "secret_key") == 0o600


def test_closing_leaves_files_of_other_owners_and_missing_files_alone(tmp_path):
    close_var_dir(tmp_path / "fresh")  # made, not failed
    assert _mode(tmp_path / "fresh") == 0o700


def test_an_uploaded_dataset_is_stored_for_the_service_alone(stops_request, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = uploads.add_version(stops_request, users["liaison_a"], upload("stops.csv", ri_slice(20)))
    raw = Path(version.raw_file.path)
    assert _mode(raw) == 0o600
    folder = raw.parent
    while folder != settings.MEDIA_ROOT.parent:
        assert _mode(folder) == 0o700, folder
        folder = folder.parent
