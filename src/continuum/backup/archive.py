"""The backup file: one zip archive holding `manifest.json` and members named in it, each with its sha256, and
`manifest.hmac`, the manifest's HMAC-SHA256 under the backup key.

Zip rather than tar: a member can be streamed in without knowing its size first (the database dump), and the
manifest can be read without decompressing the rest, so a backup of the wrong version is refused at once.

Checksums alone catch damage, not tampering: whoever can edit the archive can recompute them (a user row made
administrator restored cleanly). The HMAC is keyed by a secret that is never inside the archive, so an archive
changed by anyone without the key is refused before anything is read from it."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .files import KEY_FILES

FORMAT = "continuum-backup"
FORMAT_VERSION = 2  # 2: authenticated (manifest.hmac)
MANIFEST = "manifest.json"
MAC = "manifest.hmac"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def key_id(key: bytes) -> str:
    """Names a backup key without revealing it, so a refusal can say which key a backup needs."""
    return hashlib.sha256(b"continuum.backup.key-id:" + key).hexdigest()[:16]


def sign(manifest: bytes, key: bytes) -> str:
    return hmac.new(key, b"continuum-backup-2\0" + manifest, hashlib.sha256).hexdigest()


class _HashingWriter(io.RawIOBase):
    """Counts and hashes the bytes on their way into an archive member."""

    def __init__(self, inner: IO[bytes]):
        self.inner, self.sha256, self.size = inner, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self.inner.write(data)
        return len(data)


class ArchiveWriter:
    """Writes members into a private temporary file beside the destination; `commit` adds the manifest and
    renames it into place, so a failed backup never leaves a half-written file under the requested name."""

    def __init__(self, path: Path, key: bytes):
        self.path, self.key = path, key
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")  # mode 0600
        self.tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        self.zip = zipfile.ZipFile(self._file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.members: dict[str, dict[str, Any]] = {}

    @contextmanager
    def member(self, name: str) -> Iterator[IO[bytes]]:
        """A binary stream into the member `name`; its size and sha256 are recorded when it closes."""
        with self.zip.open(name, "w", force_zip64=True) as raw:
            writer = _HashingWriter(raw)
            yield writer
        self.members[name] = {"size": writer.size, "sha256": writer.sha256.hexdigest()}

    @contextmanager
    def text_member(self, name: str) -> Iterator[IO[str]]:
        with self.member(name) as raw:
            buffered = io.BufferedWriter(raw, CHUNK)
            text = io.TextIOWrapper(buffered, encoding="utf-8", newline="\n")
            yield text
            text.flush()
            buffered.flush()
            text.detach()

    def add_file(self, name: str, source: Path) -> None:
        with source.open("rb") as src, self.member(name) as dst:
            shutil.copyfileobj(src, dst, CHUNK)

    def commit(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest and its authentication code, and put the file in place; returns the manifest."""
        manifest = {**manifest, "members": self.members, "key_id": key_id(self.key)}
        text = json.dumps(manifest, indent=1, sort_keys=True).encode()
        self.zip.writestr(MANIFEST, text)
        self.zip.writestr(MAC, sign(text, self.key))
        self.zip.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.tmp, self.path)
        return manifest

    def abort(self) -> None:
        self.zip.close()
        self._file.close()
        self.tmp.unlink(missing_ok=True)


def safe_member_path(name: str) -> PurePosixPath:
    """A member name as a relative path that cannot escape the directory it is extracted into."""
    path = PurePosixPath(name)
    if not name or "\\" in name or path.is_absolute() or any(p in ("", ".", "..") for p in name.split("/")):
        raise BackupError(f"the archive names an unsafe path {name!r}: refusing it")
    return path


REQUIRED = {
    "continuum_version": str,
    "created_at": str,
    "migrations": dict,
    "tables": list,
    "files": int,
    "keys": list,
    "secret_key_fingerprint": str,
    "members": dict,
    "key_id": str,
}


def _check_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """A manifest that is complete and names only what a backup holds: rows, uploads and the known key files."""
    wrong = [key for key, kind in REQUIRED.items() if not isinstance(manifest.get(key), kind)]
    members = manifest.get("members", {})
    if not wrong:
        if any(not isinstance(m, dict) or set(m) != {"size", "sha256"} for m in members.values()):
            wrong.append("members")
        if any(not isinstance(t, dict) or t.get("member") not in members for t in manifest["tables"]):
            wrong.append("tables")
        key_members = {name.removeprefix("keys/") for name in members if name.startswith("keys/")}
        if key_members != set(manifest["keys"]) or not key_members <= set(KEY_FILES):
            wrong.append("keys")
        if any(not name.startswith(("database/", "media/", "keys/")) for name in members):
            wrong.append("members")
    if wrong:
        raise BackupError(f"{path} has a damaged manifest (check {', '.join(sorted(set(wrong)))})")


def _authenticate(path: Path, text: bytes, manifest: dict, archive: zipfile.ZipFile, key: bytes) -> None:
    """The manifest (and through its checksums every member) is as the holder of the key wrote it."""
    try:
        code = archive.read(MAC).decode("ascii", "replace").strip()
    except KeyError:
        raise BackupError(f"{path} has no authentication code ({MAC}): refusing it") from None
    if hmac.compare_digest(code, sign(text, key)):
        return
    written_with = manifest.get("key_id")
    if written_with != key_id(key):
        raise BackupError(
            f"{path} was written with another backup key (key id {written_with}; this instance's is {key_id(key)}): "
            "set CONTINUUM_BACKUP_KEY to the key it was written with"
        )
    raise BackupError(
        f"{path} was changed after it was written (its authentication code does not match): refusing it"
    )


class ArchiveReader:
    """An opened backup: its manifest, read first, and members extracted only after their checksums match."""

    def __init__(self, path: Path, key: bytes):
        if not path.is_file():
            raise BackupError(f"{path} is not a file")
        try:
            self.zip = zipfile.ZipFile(path)
            text = self.zip.read(MANIFEST)
            manifest = json.loads(text)
        except KeyError:
            raise BackupError(f"{path} is not a Continuum backup: it has no {MANIFEST}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise BackupError(f"{path} is not a readable Continuum backup ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is not a Continuum backup (its manifest names no {FORMAT!r} format)")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is in backup format {manifest.get('format_version')!r}; this version of Continuum "
                f"reads format {FORMAT_VERSION}"
                + (" (format 1 backups are not authenticated: restore them with the version that wrote them)"
                   if manifest.get("format_version") == 1 else "")
            )  # fmt: skip
        _authenticate(path, text, manifest, self.zip, key)
        _check_manifest(path, manifest)
        self.path, self.manifest = path, manifest
        named = set(manifest["members"])
        present = {info.filename for info in self.zip.infolist()} - {MANIFEST, MAC}
        if named != present:
            missing, extra = sorted(named - present), sorted(present - named)
            raise BackupError(
                f"{path} does not match its manifest (missing: {missing[:5]}, not listed: {extra[:5]})"
            )
        for name in named:
            safe_member_path(name)

    def extract_verified(self, destination: Path, progress=None) -> None:
        """Extract every member under `destination`, checking each one's size and sha256 on the way."""
        for name, expected in sorted(self.manifest["members"].items()):
            target = destination / safe_member_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            try:
                with self.zip.open(name) as src, target.open("wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise BackupError(f"{self.path} is damaged: {name} cannot be read ({exc})") from None
            if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
                raise BackupError(
                    f"{self.path} is damaged: {name} does not match its checksum in the manifest; "
                    "nothing was restored"
                )
            if progress:
                progress(size)

    def close(self) -> None:
        self.zip.close()
