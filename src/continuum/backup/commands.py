"""`continuum backup` and `continuum restore`: Django is set up only when one of them runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

err = Console(stderr=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuum.settings")
    import django

    django.setup()


class _Bars:
    """One Rich progress bar per phase the backup reports ("database", "uploaded files", ...)."""

    def __init__(self, progress: Progress):
        self.progress, self.tasks = progress, {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        task: TaskID = self.tasks[phase]
        self.progress.update(task, completed=done, total=total)


def _run(operation: str, *args, **kwargs) -> tuple[dict, int]:
    """Set Django up and run `backup` or `restore` with progress bars; a refusal is one red line and exit
    code 1. Returns the manifest and its number of rows."""
    _setup_django()
    from continuum.backup import instance
    from continuum.backup.archive import BackupError

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True) as progress:
            manifest = getattr(instance, operation)(*args, progress=_Bars(progress), **kwargs)
    except BackupError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)), highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    return manifest, sum(t["count"] for t in manifest["tables"])


def _say(text: str) -> None:
    err.print(text, markup=False, highlight=False, soft_wrap=True)


def backup_command(
    file: Annotated[Path, typer.Argument(help="the backup file to write (a zip archive)")],
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
) -> None:
    """Write the database, every uploaded file and the keys generated into var/ to FILE (mode 0600)."""
    manifest, rows = _run("backup", file, overwrite=force)
    _say(
        f"backed up {rows:,} rows in {len(manifest['tables'])} tables, {manifest['files']:,} uploaded files "
        f"({manifest['file_bytes']:,} bytes) and keys {manifest['keys']} -> {file}"
    )
    _say(
        f"authenticated with backup key {manifest['key_id']} (CONTINUUM_BACKUP_KEY): a restore needs the same key, "
        "so keep it safe and apart from the backups"
    )
    if "secret_key" not in manifest["keys"]:
        _say(
            "SECRET_KEY comes from the environment and is not in the backup: keep it with the backup, the "
            "instance it is restored into needs the same key."
        )


def restore_command(
    file: Annotated[Path, typer.Argument(help="a backup written by `continuum backup`")],
    force: Annotated[
        bool, typer.Option("--force", help="replace everything this instance holds (users, sites, files...)")
    ] = False,
    other_secret_key: Annotated[
        bool,
        typer.Option(
            "--other-secret-key",
            help="restore under a SECRET_KEY other than the backup's (authenticators must be set up again)",
        ),
    ] = False,
) -> None:
    """Replace this instance's database, uploads and keys with FILE's (stop the server and worker first)."""
    manifest, rows = _run("restore", file, force=force, other_secret_key=other_secret_key)
    _say(
        f"restored {rows:,} rows and {manifest['files']:,} uploaded files from the backup of "
        f"{manifest['created_at']} ({file})"
    )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
