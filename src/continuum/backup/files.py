"""The files a backup carries besides the database: the uploads (media root) and the secrets generated into
var/, and how a restore puts them in place so that a failure leaves the old ones where they were."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

#: Generated once into var/ when not given in the environment: Django's secret key (sessions, password-reset
#: links, the encryption of two-factor secrets), the demo users' password and their authenticator's secret.
#: Other keys live in the database (sites' officer-hashing keys, MFA secrets, API token hashes) and travel
#: with it. tests/web/test_backup.py fails when the demo leaves a file in var/ that is not listed here.
KEY_FILES = ("secret_key", "demo-password", "demo-totp-secret")


def media_files(root: Path) -> list[tuple[str, Path]]:
    """Every uploaded file under the media root, as (path relative to it with "/", absolute path)."""
    if not root.is_dir():
        return []
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*")) if p.is_file()]


def key_files(var_dir: Path) -> list[tuple[str, Path]]:
    return [(name, var_dir / name) for name in KEY_FILES if (var_dir / name).is_file()]


def stage_copy(source: Path, destination: Path) -> Path:
    """A private (0600) copy of `source` beside `destination`, ready to be renamed over it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".restore")
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)
    return Path(tmp)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class Replacement:
    """Renames staged paths over live ones, keeping each old one aside until `discard` (or `undo`, which puts
    them back). Renames within one file system are atomic, which is why staging happens beside the target."""

    def __init__(self) -> None:
        self.done: list[tuple[Path, Path | None]] = []
        self.tag = secrets.token_hex(4)

    def put(self, staged: Path, live: Path) -> None:
        old = None
        if live.exists() or live.is_symlink():
            old = live.with_name(f".{live.name}.before-restore-{self.tag}")
            os.replace(live, old)
        live.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, live)
        self.done.append((live, old))

    def undo(self) -> None:
        for live, old in reversed(self.done):
            _remove(live)
            if old is not None:
                os.replace(old, live)
        self.done = []

    def discard(self) -> None:
        for _, old in self.done:
            if old is not None:
                _remove(old)
        self.done = []
