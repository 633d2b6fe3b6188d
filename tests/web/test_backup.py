"""Backup and restore: a populated instance (the demo program, with uploads, an authenticator and an API token)
goes into a second, empty database and comes out identical, row for row and byte for byte; damaged archives,
another migration state, a non-empty target and another SECRET_KEY are refused without changing anything.

The source is the default test database, filled once for the module inside a transaction that is rolled back
at the end. The target is a second database made for the module (a copy of the migrated schema) and dropped
after it: a file on SQLite, a database of its own on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
import time
import zipfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from typer.testing import CliRunner

from continuum import tokens
from continuum.accounts.models import User
from continuum.api.models import ApiToken
from continuum.audit.models import AuditEvent
from continuum.backup.archive import BackupError, key_id, sign
from continuum.backup.files import Replacement
from continuum.backup.instance import backup, backup_key, restore
from continuum.cli import app

TARGET = "backup_target"
OTHER_ENGINE = "backup_other_engine"
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
# Each test runs in a transaction on both databases, rolled back after it: the target starts empty every time.
pytestmark = pytest.mark.django_db(databases=["default", TARGET])


@dataclass
class Instance:
    """Where the source keeps its files, where the target keeps its own, and a backup of the source."""

    source_media: Path
    source_var: Path
    target_media: Path
    target_var: Path
    archive: Path
    target: dict = field(default_factory=dict)  # the target database's settings
    rows: dict = field(default_factory=dict)  # the source's rows when `archive` was taken
    token: str = ""  # an API token of the source, in clear


def _pg_admin(settings_dict: dict):
    return psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


def _create_database(alias: str, base: Path) -> dict:
    """A second database with the default one's schema and migration state (a copy of it, made while it is
    still empty): a SQLite file, or a PostgreSQL database made from the test database as a template."""
    default = connections["default"]
    if default.vendor == "sqlite":
        path = base / f"{alias}.sqlite3"
        default.ensure_connection()
        copy = sqlite3.connect(path)
        default.connection.backup(copy)
        copy.close()
        return {**default.settings_dict, "NAME": str(path), "OPTIONS": {}}
    config = {**default.settings_dict, "NAME": f"{default.settings_dict['NAME']}_{alias}"}
    source = default.settings_dict["NAME"]
    with _pg_admin(config) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        connections.close_all()  # a template database must have no other session
        _wait_for_no_other_session(admin, source)
        admin.execute(f'CREATE DATABASE "{config["NAME"]}" TEMPLATE "{source}"')
    return config


def _wait_for_no_other_session(admin, name: str, seconds: float = 10.0) -> None:
    """A subprocess an earlier test ran (a command, a worker) can leave its server session ending for a moment
    after it exits; wait for it, and end what is still there after `seconds` (this worker's own test database)."""
    others = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + seconds
    while admin.execute(others, [name]).fetchall():
        if time.monotonic() > deadline:
            admin.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS s", [name])
            time.sleep(0.5)
            break
        time.sleep(0.1)


def _drop_database(config: dict) -> None:
    if "postgresql" in config["ENGINE"]:
        with _pg_admin(config) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')


@contextmanager
def registered(alias: str, config: dict):
    """`alias` usable while the module runs (tests name it in their `django_db` mark)."""
    connections.settings[alias] = config
    try:
        yield
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def rows(using: str) -> dict[str, list[tuple]]:
    """Every row of every table of ours, as the database returns it (same engine: must be identical)."""
    connection = connections[using]
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            found[table] = [tuple(row) for row in cursor.fetchall()]
    return found


def values(using: str) -> dict[str, list[tuple]]:
    """Every model's rows as Python values: comparable across engines."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            columns = [f.attname for f in model._meta.local_concrete_fields]
            query = model._base_manager.using(using).order_by("pk").values_list(*columns)
            found[model._meta.label_lower] = list(query)
    return found


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def state(instance: Instance) -> tuple:
    """Everything a restore could change in the target."""
    return rows(TARGET), files(instance.target_media), files(instance.target_var)


def restore_target(instance: Instance, archive: Path | None = None, **options) -> dict:
    return restore(
        archive or instance.archive,
        using=TARGET,
        media_root=instance.target_media,
        var_dir=instance.target_var,
        **options,
    )


def assert_restored(instance: Instance, before: dict | None = None) -> None:
    """The target holds the source's rows, plus one audit event that says it was restored, and its files."""
    before = dict(before or instance.rows)
    after = rows(TARGET)
    audit = AuditEvent._meta.db_table
    source_events, target_events = before.pop(audit), after.pop(audit)
    assert after == before
    assert target_events[:-1] == source_events
    restored = AuditEvent.objects.using(TARGET).order_by("pk").last()
    assert restored.reason.startswith(f"Restored from {instance.archive.name}")
    assert restored.action == AuditEvent.Action.SECURITY
    assert files(instance.target_media) == files(instance.source_media)
    assert files(instance.target_var) == files(instance.source_var)


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """The populated source, its backup and an empty target database, made once for the module."""
    base = tmp_path_factory.mktemp("backup")
    inst = Instance(
        source_media=base / "source-media",
        source_var=base / "source-var",
        target_media=base / "target-media",
        target_var=base / "target-var",
        archive=base / "instance.continuum-backup.zip",
    )
    for path in (inst.source_var, inst.target_media, inst.target_var):
        path.mkdir()
    # The source's var/ as settings.py leaves it in development: the generated secret key.
    (inst.source_var / "secret_key").write_text(settings.SECRET_KEY)
    name = connections["default"].settings_dict["NAME"]
    assert "memorydb" in name or Path(name).name.startswith("test_"), f"not a test database: {name}"
    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        monkeypatch = stack.enter_context(pytest.MonkeyPatch.context())
        monkeypatch.delenv("CONTINUUM_DEMO_PASSWORD", raising=False)  # generated into var/, backed up
        monkeypatch.delenv("SECRET_KEY", raising=False)
        inst.target = _create_database(TARGET, base)
        stack.callback(_drop_database, inst.target)
        stack.enter_context(registered(TARGET, inst.target))
        if ON_POSTGRESQL:  # the other engine: a SQLite file, migrated from nothing
            other = {
                **inst.target,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(base / "other.sqlite3"),
            }
            stack.enter_context(registered(OTHER_ENGINE, {**other, "OPTIONS": {}}))
            call_command("migrate", database=OTHER_ENGINE, verbosity=0)
        stack.enter_context(
            override_settings(
                MEDIA_ROOT=inst.source_media,
                VAR_DIR=inst.source_var,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            )
        )
        with transaction.atomic():  # rolled back at the end: the next module finds the database as it was
            call_command("load_demo", quiet=True, throwaway_database=True)
            staff = User.objects.filter(role="program_staff")
            without = staff.exclude(pk__in=Authenticator.objects.values("user")).first()
            if without:
                TOTP.activate(without, generate_totp_secret())  # stored encrypted with the SECRET_KEY
            _, inst.token = ApiToken.issue(staff.first(), "records system sync")
            inst.rows = rows("default")
            backup(inst.archive)
            yield inst
            transaction.set_rollback(True)


@pytest.fixture
def instance(source):
    """The module's instance with the target's files removed (its database rolls back by itself)."""
    for root in (source.target_media, source.target_var):
        for path in root.iterdir():
            path.unlink() if path.is_file() else shutil.rmtree(path)
    return source


@pytest.mark.django_db
def test_a_backup_goes_only_where_it_belongs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"an older backup")
    cases = {
        existing: "already exists; choose another name or pass --force",
        tmp_path: "is a directory",
        tmp_path / "no-such-dir" / "b.zip": "does not exist",
        tmp_path / "media" / "b.zip": "outside the uploads directory",
    }
    for path, message in cases.items():
        with pytest.raises(BackupError, match=message):
            backup(path)
    assert existing.read_bytes() == b"an older backup"


def test_the_populated_source_has_what_a_backup_must_carry(instance):
    manifest = json.loads(zipfile.ZipFile(instance.archive).read("manifest.json"))
    counts = {t["model"]: t["count"] for t in manifest["tables"]}
    assert counts["accounts.user"] >= 10 and counts["sites.site"] >= 5 and counts["mfa.authenticator"] >= 1
    assert counts["datasets.sitedatakey"] >= 1 and counts["api.apitoken"] == 1
    assert manifest["files"] == len(files(instance.source_media)) >= 10
    assert any(name.endswith(".parquet") for name in files(instance.source_media))
    generated = sorted(p.name for p in instance.source_var.iterdir())
    assert sorted(manifest["keys"]) == generated, "a new file in var/? list it in backup.files.KEY_FILES"
    assert "secret_key" in generated and "demo-password" in generated
    assert sum(counts.values()) == sum(map(len, instance.rows.values()))
    assert stat.S_IMODE(instance.archive.stat().st_mode) == 0o600
    assert AuditEvent.objects.filter(reason__startswith=f"Backup written to {instance.archive}").exists()


def test_round_trip_into_an_empty_instance_is_identical(instance):
    restore_target(instance)
    assert_restored(instance)
    # Keys still work: the API token's hash, the TOTP secret (encrypted under the same SECRET_KEY).
    assert ApiToken.objects.using(TARGET).filter(key_hash=tokens.digest(instance.token)).exists()
    # New rows get fresh ids after the restored ones (PostgreSQL's sequences were reset).
    user = User.objects.db_manager(TARGET).create_user(email="after-restore@example.gov", role="sme")
    assert user.pk > max(r[0] for r in instance.rows[User._meta.db_table])


def occupy(instance: Instance) -> None:
    """A target in use, without the cost of a restore: a user, an upload and its own secret key file."""
    User.objects.db_manager(TARGET).create_user(email="already-here@example.gov", role="sme")
    (instance.target_media / "letters").mkdir()
    (instance.target_media / "letters" / "only-here.pdf").write_bytes(b"%PDF-1.7 kept")
    (instance.target_var / "secret_key").write_text(settings.SECRET_KEY)


def test_a_non_empty_instance_is_refused_unless_forced(instance):
    occupy(instance)
    before = state(instance)
    with pytest.raises(BackupError, match=r"already holds data \(1 users, 1 uploaded files\).*--force"):
        restore_target(instance)
    assert state(instance) == before
    restore_target(instance, force=True)
    assert_restored(instance)
    assert not User.objects.using(TARGET).filter(email="already-here@example.gov").exists()


def _rewrite(source: Path, destination: Path, change) -> None:
    """Copy an archive, letting `change(name, data)` alter members (and the manifest) on the way."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["altered member", "flipped byte", "not a backup"])
def test_a_damaged_archive_is_refused_and_nothing_changes(instance, tmp_path, damage):
    occupy(instance)
    before = state(instance)
    damaged = tmp_path / "damaged.zip"
    if damage == "altered member":
        parquet = next(n for n in zipfile.ZipFile(instance.archive).namelist() if n.endswith(".parquet"))
        _rewrite(instance.archive, damaged, lambda name, data: data[:-1] + b"!" if name == parquet else data)
        expected = f"{parquet} does not match its checksum"
    elif damage == "flipped byte":
        damaged.write_bytes(instance.archive.read_bytes())
        _flip_middle_byte(damaged)
        expected = "damaged|not a readable"
    else:
        damaged.write_bytes(b"PK\x03\x04 and then nothing of use")
        expected = "not a readable Continuum backup"
    with pytest.raises(BackupError, match=expected):
        restore_target(instance, damaged, force=True)
    assert state(instance) == before
    assert not [p for p in instance.target_media.parent.iterdir() if p.name.startswith(".")]


def test_rows_that_do_not_hold_together_roll_everything_back(instance, tmp_path):
    """Checksums right, content wrong (users missing): the load fails at the foreign-key check, and the
    database, the uploads and the keys are as they were."""
    occupy(instance)
    before = state(instance)
    manifest = json.loads(zipfile.ZipFile(instance.archive).read("manifest.json"))
    users = next(t for t in manifest["tables"] if t["model"] == "accounts.user")
    users["count"] = 0
    manifest["members"][users["member"]] = {"size": 0, "sha256": hashlib.sha256().hexdigest()}

    signed = json.dumps(manifest).encode()

    def without_users(name, data):  # written by the holder of the key: authenticated, and still wrong
        if name == users["member"]:
            return b""
        if name == "manifest.hmac":
            return sign(signed, backup_key()).encode()
        return signed if name == "manifest.json" else data

    broken = tmp_path / "broken.zip"
    _rewrite(instance.archive, broken, without_users)
    with pytest.raises(BackupError, match="do not hold together"):
        restore_target(instance, broken, force=True)
    assert state(instance) == before


def test_another_migration_state_is_refused(instance):
    before = state(instance)
    recorder = MigrationRecorder(connections[TARGET])
    recorder.record_applied("datasets", "9999_from_a_newer_version")
    try:
        with pytest.raises(
            BackupError, match=r"another migration state.*datasets: only in this instance 9999_"
        ):
            restore_target(instance, force=True)
    finally:
        recorder.record_unapplied("datasets", "9999_from_a_newer_version")
    assert state(instance) == before
    recorder.migration_qs.all().delete()  # as if never migrated (rolled back after the test)
    with pytest.raises(BackupError, match=r"no tables yet: run manage\.py migrate"):
        restore_target(instance, force=True)


def test_a_database_with_unapplied_migrations_is_not_backed_up(instance, tmp_path):
    recorder = MigrationRecorder(connections[TARGET])
    last = max(name for app_label, name in recorder.applied_migrations() if app_label == "datasets")
    recorder.record_unapplied("datasets", last)
    try:
        with pytest.raises(BackupError, match=f"not fully migrated \\(datasets.{last}\\)"):
            backup(tmp_path / "b.zip", using=TARGET, media_root=instance.target_media, var_dir=tmp_path)
    finally:
        recorder.record_applied("datasets", last)
    assert not list(tmp_path.iterdir())


def test_another_secret_key_is_refused_unless_accepted(instance, monkeypatch):
    before = state(instance)
    monkeypatch.setenv("SECRET_KEY", "the target instance's own key, not the backup's")
    with pytest.raises(BackupError, match="SECRET_KEY is not the one the backup was taken with"):
        restore_target(instance)
    assert state(instance) == before
    restore_target(instance, other_secret_key=True)
    assert_restored(instance)


def test_the_command_line(instance, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    result = runner.invoke(app, ["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output and "authenticated with backup key" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["files"] == len(files(instance.source_media))
    result = runner.invoke(app, ["backup", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(app, ["restore", str(out)])  # into the source itself: it holds data
    assert result.exit_code == 1 and "--force" in result.output
    result = runner.invoke(app, ["restore", str(tmp_path / "missing.zip")])
    assert result.exit_code == 1 and "is not a file" in result.output


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="runs in the PostgreSQL pass (a SQLite file is the other engine)"
)
@pytest.mark.django_db(databases=["default", TARGET, OTHER_ENGINE])
def test_a_backup_moves_between_postgresql_and_sqlite(instance, tmp_path):
    """PostgreSQL → SQLite → PostgreSQL: the same values come back."""
    restore(instance.archive, using=OTHER_ENGINE, media_root=tmp_path / "media", var_dir=tmp_path / "var")
    on_sqlite = tmp_path / "from-sqlite.zip"
    backup(on_sqlite, using=OTHER_ENGINE, media_root=tmp_path / "media", var_dir=tmp_path / "var")
    assert json.loads(zipfile.ZipFile(on_sqlite).read("manifest.json"))["database_vendor"] == "sqlite"
    restore_target(instance, on_sqlite)
    source, target = values("default"), values(TARGET)
    audit, backed_up = AuditEvent._meta.label_lower, len(instance.rows[AuditEvent._meta.db_table])
    # then come the restore into SQLite and the restore here (backups are logged after their snapshot)
    assert target.pop(audit)[:backed_up] == source.pop(audit)[:backed_up]
    assert target == source
    assert files(instance.target_media) == files(instance.source_media)


@pytest.mark.django_db
def test_a_replacement_puts_back_what_it_replaced(tmp_path):
    """The file half of "all or nothing": what a failed restore had already swapped in is swapped out again."""
    live_dir, live_file = tmp_path / "uploads", tmp_path / "secret_key"
    live_dir.mkdir()
    (live_dir / "old.pdf").write_bytes(b"old")
    live_file.write_text("old key")
    staged_dir, staged_file = tmp_path / "staged", tmp_path / "staged_key"
    staged_dir.mkdir()
    (staged_dir / "new.pdf").write_bytes(b"new")
    staged_file.write_text("new key")
    swap = Replacement()
    swap.put(staged_dir, live_dir)
    swap.put(staged_file, live_file)
    assert files(live_dir) == {"new.pdf": b"new"} and live_file.read_text() == "new key"
    swap.undo()
    assert files(live_dir) == {"old.pdf": b"old"} and live_file.read_text() == "old key"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key", "uploads"]
    staged_dir.mkdir()
    swap.put(staged_dir, live_dir)
    swap.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key", "uploads"] and not files(live_dir)


def _made_administrator(instance: Instance, tmp_path: Path) -> Path:
    """The probe's attack: a user row edited to administrator, its checksum and size recomputed in the manifest."""
    manifest = json.loads(zipfile.ZipFile(instance.archive).read("manifest.json"))
    member = next(t for t in manifest["tables"] if t["model"] == "accounts.user")["member"]
    lines = zipfile.ZipFile(instance.archive).read(member).decode().splitlines()
    row = json.loads(lines[0])
    row["fields"].update(role="admin", is_staff=True, is_superuser=True)
    lines[0] = json.dumps(row)
    edited = ("\n".join(lines) + "\n").encode()
    manifest["members"][member] = {"size": len(edited), "sha256": hashlib.sha256(edited).hexdigest()}
    forged = tmp_path / "forged.zip"
    _rewrite(instance.archive, forged, lambda name, data: edited if name == member else
             json.dumps(manifest).encode() if name == "manifest.json" else data)  # fmt: skip
    return forged


def test_a_backup_edited_with_its_checksums_recomputed_is_refused(instance, tmp_path):
    occupy(instance)
    before = state(instance)
    with pytest.raises(BackupError, match="was changed after it was written"):
        restore_target(instance, _made_administrator(instance, tmp_path), force=True)
    assert state(instance) == before


def test_a_restore_needs_the_key_the_backup_was_written_with(instance, settings):
    written_with = key_id(backup_key())
    before = state(instance)
    settings.BACKUP_KEY = "another instance's backup key, long enough to use"
    with pytest.raises(BackupError, match=f"written with another backup key \\(key id {written_with};"):
        restore_target(instance)
    assert state(instance) == before
    settings.BACKUP_KEY = "short"
    with pytest.raises(BackupError, match="CONTINUUM_BACKUP_KEY is too short"):
        restore_target(instance)


def test_without_a_key_nothing_is_written(settings, tmp_path):
    settings.BACKUP_KEY = ""  # production without CONTINUUM_BACKUP_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(BackupError, match="set CONTINUUM_BACKUP_KEY to a secret"):
        backup(tmp_path / "b.zip")
    assert not list(tmp_path.glob("*.zip*"))
