"""Files at rest are the service's alone: agency datasets hold civilian identifiers, the database holds
everything, letters and keys are secrets. Nothing here imports Django, so settings can use it first thing."""

import os
from pathlib import Path

UMASK = 0o077  # every file a Continuum process (or its children) creates is 0600, every folder 0700


def close_var_dir(var_dir: Path) -> None:
    """Apply the mask to this process, and close what an earlier version left open: var/ itself (0700) and the
    SQLite database with its journal files (0600). Folders and files below a 0700 folder are out of others'
    reach whatever their own modes."""
    os.umask(UMASK)
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(var_dir, 0o700)
    for database in var_dir.glob("*.sqlite3*"):
        _tighten(database, 0o600)


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:  # not ours, or gone: nothing to tighten
        pass
