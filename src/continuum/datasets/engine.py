"""What the analysis engine can do with each kind of table, asked of the engine itself, so the platform follows
it as it grows (use of force and the other tables of issue 6) without changes here.

Stops always load through `load_stops`. Another table loads through the engine's `load_table` once the engine
has a standard schema for it (`tables.TABLES`) and the mapping names it (`table = "use_of_force"`); until then
the platform's own keep/hash step (work.standardize_other) writes its standard table."""

import importlib
from pathlib import Path

from continuum.analysis import load as engine_load
from continuum.analysis.analyses import ANALYSES
from continuum.analysis.mapping import Mapping

# The platform's table kinds, by the engine's names where they differ.
ENGINE_TABLE = {"calls_for_service": "calls", "shootings": "ois"}


def table_name(table_type: str) -> str:
    return ENGINE_TABLE.get(table_type, table_type)


def engine_tables() -> set[str]:
    try:
        return set(importlib.import_module("continuum.analysis.tables").TABLES)
    except (ImportError, AttributeError):
        return {"stops"}


def loads(table_type: str) -> bool:
    """The engine has a standard schema (and a loader) for this kind of table."""
    name = table_name(table_type)
    return name == "stops" or (name in engine_tables() and hasattr(engine_load, "load_table"))


def table_of(analysis: str) -> str:
    """The standard table an analysis reads (the engine's TABLE_OF; stops when it says nothing)."""
    from continuum.analysis import analyses

    return getattr(analyses, "TABLE_OF", {}).get(analysis, "stops")


def analyses_for(table_type: str) -> list[str]:
    name = table_name(table_type)
    return [a for a in ANALYSES if table_of(a) == name] if loads(table_type) else []


def load(path: Path, mapping: Mapping | None, table_type: str, hash_key: str | None = None):
    """The engine's loaded table (a context manager with .con, .table, .n_rows, .columns, .validation)."""
    name = table_name(table_type)
    if name == "stops":
        return engine_load.load_stops(path, mapping, hash_key=hash_key)
    return engine_load.load_table(path, mapping, table=name, hash_key=hash_key)
