"""Tables the engine has no standard schema for: a mapping that only says which columns to keep (``keep``) and
which hold officer identifiers to replace by a keyed hash (``hash``); every other column (civilian names,
addresses) is dropped when the table is written.

    keep = ["incident_no", "date", "district"]
    hash = ["badge"]
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .errors import InputError
from .load import connect, hash_officer_id, read_raw
from .sql import ident, lit

KEYS = ("keep", "hash")
# Column names a draft treats as officer identifiers (hashed) and as civilians' personal details (dropped).
OFFICER = re.compile(r"officer.*(name|id|badge|number)|badge|employee_?(id|number)|^officer$", re.I)
CIVILIAN = re.compile(
    r"(?<!agency_)name|address|street|phone|email|birth|dob|ssn|social|license|plate|vin", re.I
)


@dataclass(frozen=True)
class KeptColumns:
    keep: tuple[str, ...]
    hash: tuple[str, ...]

    @property
    def wanted(self) -> tuple[str, ...]:
        return self.keep + self.hash


def draft_kept(columns: list[str]) -> str:
    """A keep/hash mapping for a header: officer identifiers hashed, civilians' personal details dropped, the
    rest kept; a reviewer edits it rather than starting blank."""
    officer = [c for c in columns if OFFICER.search(c)]
    civilian = [c for c in columns if c not in officer and CIVILIAN.search(c)]
    keep = [c for c in columns if c not in officer and c not in civilian]
    lines = [
        "# Columns kept in the standard table; any column not listed is dropped.",
        "keep = [" + ", ".join(_quote(c) for c in keep) + "]",
        "# Officer identifiers, replaced by a keyed hash (the site's key, never stored with the data).",
        "hash = [" + ", ".join(_quote(c) for c in officer) + "]",
    ]
    if civilian:
        lines.append("# Dropped as civilian personal identifiers: " + ", ".join(civilian))
    return "\n".join(lines) + "\n"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kept_columns(doc: dict[str, Any], *, file: str | None = None) -> KeptColumns:
    """The document's lists, checked: a mistyped one is an InputError saying what is expected."""
    unknown = set(doc) - set(KEYS)
    if unknown:
        raise InputError(
            f"unknown keys {sorted(unknown)}: this kind of mapping has only keep (columns kept) and hash "
            "(officer identifiers)",
            file=file,
        )
    lists = {}
    for key in KEYS:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise InputError(f'{key} must be a list of column names (e.g. {key} = ["district"])', file=file)
        lists[key] = tuple(value)
    if not lists["keep"] and not lists["hash"]:
        raise InputError("the mapping keeps no column: list the columns to keep in keep = [...]", file=file)
    return KeptColumns(keep=lists["keep"], hash=lists["hash"])


def write_kept(raw: Path, spec: KeptColumns, key: str, out: Path) -> tuple[dict, int]:
    """Write the kept and hashed columns of ``raw`` to the Parquet file ``out``; (summary, rows)."""
    con, tmp = connect()
    try:
        read_raw(con, raw)
        actual = {r[0].lstrip("\ufeff"): r[0] for r in con.execute("DESCRIBE raw_t").fetchall()}
        _check_columns(raw, spec, list(actual))
        (n_rows,) = con.execute("SELECT count(*) FROM raw_t").fetchone()  # type: ignore[misc]
        if n_rows == 0:
            raise InputError("file has a header but no data rows", file=str(raw))
        select = [f"{ident(actual[c])} AS {ident(c)}" for c in spec.keep]
        select += [_hashed(con, i, actual[c], c, key) for i, c in enumerate(spec.hash)]
        con.execute(f"COPY (SELECT {', '.join(select)} FROM raw_t) TO {lit(str(out))} (FORMAT parquet)")
        dropped = [c for c in actual if c not in spec.wanted]
        summary = {
            "n_rows": int(n_rows),
            "n_problem_cells": 0,
            "issues": [],
            "columns": [_column_profile(con, actual[c], c) for c in spec.keep],
            "hashed_columns": list(spec.hash),
            "dropped_columns": dropped,
            "unmapped_source_columns": dropped,
        }
        return summary, int(n_rows)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _check_columns(raw: Path, spec: KeptColumns, columns: list[str]) -> None:
    missing = [c for c in spec.wanted if c not in columns]
    if len(missing) == len(spec.wanted):
        raise InputError(
            f"the mapping maps nothing: none of its columns are in this file (wrong table?); the file has "
            f"{', '.join(columns[:8])}{'…' if len(columns) > 8 else ''}",
            file=str(raw),
        )
    if missing:
        raise InputError(
            f"the mapping names column(s) not in the file: {', '.join(missing)}; the file has "
            f"{', '.join(columns[:8])}{'…' if len(columns) > 8 else ''}",
            file=str(raw),
            column=missing[0],
        )


def _hashed(con: duckdb.DuckDBPyConnection, i: int, source: str, name: str, key: str) -> str:
    """SQL for an officer column replaced by its keyed hash (blank stays blank)."""
    src = f"NULLIF(trim(CAST({ident(source)} AS VARCHAR)), '')"
    ids = [r[0] for r in con.execute(f"SELECT DISTINCT {src} FROM raw_t WHERE {src} IS NOT NULL").fetchall()]
    con.execute(f"CREATE TABLE keys_{i} (raw_id VARCHAR, id_hash VARCHAR)")
    if ids:
        con.executemany(
            f"INSERT INTO keys_{i} VALUES (?, ?)", [(v, hash_officer_id(v, key.encode())) for v in ids]
        )
    return f"(SELECT id_hash FROM keys_{i} WHERE raw_id = {src}) AS {ident(name + '_hash')}"


def _column_profile(con: duckdb.DuckDBPyConnection, source: str, name: str) -> dict:
    v = f"NULLIF(trim(CAST({ident(source)} AS VARCHAR)), '')"
    blank, distinct = con.execute(f"SELECT count(*) - count({v}), count(DISTINCT {v}) FROM raw_t").fetchone()  # type: ignore[misc]
    return {"column": name, "blank": int(blank), "distinct": int(distinct)}
