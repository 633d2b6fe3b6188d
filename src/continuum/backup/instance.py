"""Back up a whole instance into one file, and restore one into an instance, all or nothing.

A backup holds the database (portable rows, see `database.py`), every uploaded file and the secrets generated
into var/ (`files.KEY_FILES`), each with its sha256 in the manifest. A restore checks the format, the migration
state and every checksum before it touches anything, refuses an instance that already holds data unless
forced, then replaces the database in one transaction and swaps the files in before it commits. The manifest
is authenticated with the backup key (`backup_key`), which no backup holds."""

from __future__ import annotations

import getpass
import hashlib
import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from continuum.audit.log import record
from continuum.audit.models import AuditEvent

from . import database, files
from .archive import FORMAT, FORMAT_VERSION, ArchiveReader, ArchiveWriter, BackupError
from .database import Progress

BACKUP_KEY_ENV, MIN_KEY_CHARS = "CONTINUUM_BACKUP_KEY", 32


def backup_key() -> bytes:
    """The secret that authenticates backups (settings.BACKUP_KEY, from CONTINUUM_BACKUP_KEY), kept apart from
    the backups: a key inside the archive would authenticate nothing."""
    value = settings.BACKUP_KEY
    if not value:
        raise BackupError(
            f"set {BACKUP_KEY_ENV} to a secret of at least {MIN_KEY_CHARS} random characters, kept apart from the "
            "backups: it authenticates them, and a restore needs the key the backup was written with"
        )
    if len(value) < MIN_KEY_CHARS:
        raise BackupError(f"{BACKUP_KEY_ENV} is too short: use at least {MIN_KEY_CHARS} random characters")
    return value.encode()


def key_fingerprint(secret_key: str) -> str:
    """Tells whether two instances share a SECRET_KEY without revealing it: two-factor secrets are encrypted
    with it (`accounts.adapter.MFAAdapter`), so restoring under another key would lock those users out."""
    return hashlib.sha256(b"continuum.backup.secret-key:" + secret_key.encode()).hexdigest()[:24]


def _operator(command: str) -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown user"
    return f"{who} ({command})"


def backup(
    path: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
    var_dir: Path | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the instance to `path` (readable by its owner only); returns the manifest."""
    path = Path(path).absolute()
    media_root = Path(media_root or settings.MEDIA_ROOT).absolute()
    var_dir = Path(var_dir or settings.VAR_DIR)
    if path.is_dir():
        raise BackupError(f"{path} is a directory; give the backup file's name")
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists; choose another name or pass --force to replace it")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} does not exist")
    if path.is_relative_to(media_root):
        raise BackupError(f"write the backup outside the uploads directory {media_root}")
    pending = database.pending_migrations(using)
    if pending:
        raise BackupError(f"the database is not fully migrated ({', '.join(pending)}): run manage.py migrate")
    writer = ArchiveWriter(path, backup_key())
    try:
        with database.snapshot(using):
            migrations = database.migration_state(using)
            dumped = database.dump(using, writer, progress)
        uploads = files.media_files(media_root)  # read after the rows that name them
        total = sum(p.stat().st_size for _, p in uploads)
        done = 0
        for relative, source in uploads:
            writer.add_file(f"media/{relative}", source)
            done += source.stat().st_size
            if progress:
                progress("uploaded files", done, total)
        keys = files.key_files(var_dir)
        for name, source in keys:
            writer.add_file(f"keys/{name}", source)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "continuum_version": importlib.metadata.version("continuum"),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": migrations,
            "tables": dumped,
            "files": len(uploads),
            "file_bytes": total,
            "keys": [name for name, _ in keys],
            "secret_key_fingerprint": key_fingerprint(settings.SECRET_KEY),
        }
        manifest = writer.commit(manifest)
    except BaseException:
        writer.abort()
        raise
    rows = sum(t["count"] for t in dumped)
    record(
        None,
        None,
        AuditEvent.Action.SECURITY,
        reason=f"Backup written to {path} ({rows} rows, {len(uploads)} uploaded files).",
        actor_label=_operator("continuum backup"),
        using=using,
    )
    return manifest


def _secret_key_after_restore(staging: Path) -> list[str]:
    """The SECRET_KEY (and fallbacks) this instance will run with once the backup's key files are in place,
    following settings.py: the environment first, else var/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return [os.environ["SECRET_KEY"], *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    restored = staging / "keys" / "secret_key"
    if restored.is_file():
        return [restored.read_text().strip()]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def restore(
    path: Path,
    *,
    force: bool = False,
    other_secret_key: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
    var_dir: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replace this instance's database, uploads and generated keys with the backup's; returns its manifest.

    Refuses (BackupError, nothing changed) a damaged archive, another migration state, an instance that holds
    data unless `force`, and a SECRET_KEY other than the backup's unless `other_secret_key`."""
    media_root = Path(media_root or settings.MEDIA_ROOT).absolute()
    var_dir = Path(var_dir or settings.VAR_DIR)
    reader = ArchiveReader(Path(path), backup_key())
    try:
        manifest = reader.manifest
        here = database.migration_state(using)
        if not here:
            raise BackupError("this database has no tables yet: run manage.py migrate, then restore")
        if manifest["migrations"] != here:
            raise BackupError(
                "the backup was taken at another migration state than this instance's "
                f"({database.describe_difference(manifest['migrations'], here)}). Restore it with the version "
                f"of Continuum that wrote it (version {manifest['continuum_version']}, migrated the same way)."
            )
        found = database.holds_data(using)
        uploads = files.media_files(media_root)
        if uploads:
            found.append(f"{len(uploads)} uploaded files")
        if found and not force:
            raise BackupError(
                f"this instance already holds data ({', '.join(found)}); a restore replaces all of it. "
                "Run again with --force to replace it."
            )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".continuum-restore-"))
        try:
            total = sum(m["size"] for m in manifest["members"].values())
            done = 0

            def extracted(size: int) -> None:
                nonlocal done
                done += size
                if progress:
                    progress("checking the archive", done, total)

            reader.extract_verified(staging, extracted)
            keys = _secret_key_after_restore(staging)
            if manifest["secret_key_fingerprint"] not in map(key_fingerprint, keys) and not other_secret_key:
                raise BackupError(
                    "this instance's SECRET_KEY is not the one the backup was taken with: two-factor "
                    "secrets are encrypted with it, so nobody could finish a two-factor log-in. Set "
                    "SECRET_KEY to the backed-up instance's key, or pass --other-secret-key to restore anyway "
                    "(every authenticator must then be set up again)."
                )
            _replace(manifest, staging, using, media_root, var_dir, progress, Path(path))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        reader.close()
    ContentType.objects.clear_cache()  # content type ids are the backup's now
    return manifest


def _replace(manifest, staging, using, media_root, var_dir, progress, path) -> None:
    (staging / "media").mkdir(exist_ok=True)  # a backup without uploads empties the uploads directory
    staged_keys = [
        (files.stage_copy(staging / "keys" / name, var_dir / name), var_dir / name)
        for name in manifest["keys"]
    ]
    swap = files.Replacement()
    try:
        with transaction.atomic(using=using):
            database.replace_all(using, manifest["tables"], staging, progress)
            rows = sum(t["count"] for t in manifest["tables"])
            record(
                None,
                None,
                AuditEvent.Action.SECURITY,
                reason=(
                    f"Restored from {path.name}, a backup of {manifest['created_at']} "
                    f"({rows} rows, {manifest['files']} uploaded files); everything before was replaced."
                ),
                actor_label=_operator("continuum restore"),
                using=using,
            )
            swap.put(staging / "media", media_root)
            for staged, live in staged_keys:
                swap.put(staged, live)
    except BaseException:
        swap.undo()
        raise
    finally:
        for staged, _ in staged_keys:
            staged.unlink(missing_ok=True)
    swap.discard()
