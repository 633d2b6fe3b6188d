"""Backup and restore of a whole instance: database, uploaded files and the secrets generated into var/.

`continuum backup FILE` / `continuum restore FILE` (see `commands.py`); the logic is in `instance.py`. Importing
this package does not import Django, so the engine's CLI stays Django-free until one of these commands runs."""
