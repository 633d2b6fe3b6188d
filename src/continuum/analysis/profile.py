"""Draft a mapping from a file's header and values: a reviewer edits the draft rather than starting blank."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from .errors import InputError
from .load import _format, _load_csv, _load_excel, connect
from .schema import BY_NAME, MISSING_MARKERS
from .sql import ident, lit

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("stop_date", "date", "incident_date", "contact_date"),
    "time": ("stop_time", "time", "incident_time", "contact_time"),
    "subject_race": ("subject_race", "driver_race", "race", "race_code", "subject_ethnicity"),
    "subject_sex": ("subject_sex", "driver_gender", "gender", "sex"),
    "subject_age": ("subject_age", "driver_age", "age"),
    "officer_id_hash": ("officer_id", "officer_id_hash", "badge", "badge_number", "officer"),
    "search_conducted": ("search_conducted", "searched", "search"),
    "search_basis": ("search_basis", "search_type", "search_reason"),
    "contraband_found": ("contraband_found", "contraband", "drugs_related_stop"),
    "arrest_made": ("arrest_made", "is_arrested", "arrested", "arrest"),
    "citation_issued": ("citation_issued", "citation", "ticket"),
    "warning_issued": ("warning_issued", "warning"),
    "outcome": ("outcome", "stop_outcome", "disposition", "result"),
    "frisk_performed": ("frisk_performed", "frisk", "frisked"),
    "district": ("district", "zone", "precinct", "sector", "area"),
    "reason_for_stop": ("reason_for_stop", "violation_raw", "stop_reason", "reason"),
    "violation": ("violation",),
    "lat": ("lat", "latitude"),
    "lng": ("lng", "lon", "long", "longitude"),
    "location": ("location", "address"),
    "type": ("type", "stop_type"),
}
VALUE_GUESSES = {
    "subject_race": {
        "w": "white",
        "b": "black",
        "h": "hispanic",
        "a": "asian/pacific islander",
        "o": "other",
        "u": "unknown",
        "asian": "asian/pacific islander",
        "latino": "hispanic",
    },
    "subject_sex": {"m": "male", "f": "female"},
    "outcome": {"arrest driver": "arrest", "arrest passenger": "arrest", "ticket": "citation"},
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m-%d-%Y", "%Y%m%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%H%M")


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")


SAMPLE_ROWS = 100_000
SAMPLED = (
    "# Values below come from the file's first {rows:,} rows; validation reads every row and reports any value "
    "left unmapped."
)


def profile(path: str | Path, max_values: int = 40, sample_rows: int = SAMPLE_ROWS) -> tuple[str, dict]:
    """Return (TOML draft, profile dict of columns → top values) from the file's first `sample_rows` rows.

    A draft needs the header and the common values, not every row: reading a bounded sample keeps a draft
    quick however large the file (a 4 MB Parquet file can hold 600M rows); validation reads every row."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))
    con, tmp = connect()
    try:
        fmt = _format(path)
        if fmt == "parquet":
            try:
                con.execute(
                    f"CREATE TABLE raw_t AS SELECT * FROM read_parquet({lit(str(path))}) LIMIT {int(sample_rows)}"
                )
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                raise InputError(f"not a readable Parquet file ({reason})", file=str(path)) from exc
        elif fmt == "excel":
            _load_excel(con, path, {}, limit=sample_rows)
        else:
            _load_csv(con, path, {}, limit=sample_rows)
        cols = [r[0] for r in con.execute("DESCRIBE raw_t").fetchall()]
        prof = {c: _top(con, c, max_values) for c in cols}
        (n_read,) = con.execute("SELECT count(*) FROM raw_t").fetchone()  # type: ignore[misc]
    finally:
        con.close()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return draft(prof, sampled=int(n_read) if n_read >= sample_rows else None), prof


def _top(con: duckdb.DuckDBPyConnection, col: str, k: int) -> dict:
    v = f"NULLIF(trim(CAST({ident(col)} AS VARCHAR)), '')"
    distinct, blanks = con.execute(f"SELECT count(DISTINCT {v}), count(*) - count({v}) FROM raw_t").fetchone()  # type: ignore[misc]
    top = con.execute(
        f"SELECT {v}, count(*) FROM raw_t WHERE {v} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT {k}"
    ).fetchall()
    return {"distinct": int(distinct), "blank": int(blanks), "top": [(str(a), int(b)) for a, b in top]}


def _guess_format(values: list[str], formats: tuple[str, ...]) -> str | None:
    import datetime as dt

    for f in formats:
        try:
            for s in values[:20]:
                dt.datetime.strptime(s, f)
            return f
        except ValueError:
            continue
    return None


def draft(prof: dict, sampled: int | None = None) -> str:
    lines = [
        "# Draft mapping proposed by `continuum data profile`; review every line before use.",
        *([SAMPLED.format(rows=sampled)] if sampled else []),
        "",
        "[params]",
        '# tz = "America/New_York"',
        "# lat = 0.0",
        "# lng = 0.0",
        "",
        "[columns]",
    ]
    taken: set[str] = set()
    normed = {_norm(c): c for c in prof}
    for target, names in SYNONYMS.items():
        src = next((normed[n] for n in names if n in normed and normed[n] not in taken), None)
        if src is None:
            continue
        taken.add(src)
        col = BY_NAME[target]
        values = [v for v, _ in prof[src]["top"]]
        spec: dict = {"from": src}
        if col.kind in ("date", "time"):
            f = _guess_format(values, DATE_FORMATS if col.kind == "date" else TIME_FORMATS)
            if f:
                spec["format"] = f
        if col.kind == "category" and col.values:
            vm: dict[str, str] = {}
            unsure: list[str] = []
            split = "," if any("," in v for v in values) and target == "search_basis" else None
            # a missing marker (NA) is read as missing on load: never a category to map
            tokens = sorted(
                {t.strip() for v in values for t in (v.split(",") if split else [v]) if t.strip()}
                - set(MISSING_MARKERS)
            )
            for tok in tokens:
                low = tok.lower()
                guess = low if low in col.values else VALUE_GUESSES.get(target, {}).get(low)
                if guess:
                    vm[tok] = guess
                else:
                    unsure.append(tok)
            if split:
                spec["split"] = split
            spec["values"] = vm
            if unsure:
                lines.append(
                    f"# {target}: no standard value guessed for {unsure} (they will be reported as unmapped; "
                    "map them, or to \"\" for 'not recorded')"
                )
        lines.append(f"{target} = {_inline(spec)}")
    rest = [c for c in prof if c not in taken]
    if rest:
        lines += ["", f"# source columns not mapped: {', '.join(rest)}"]
    return "\n".join(lines) + "\n"


def _inline(d: dict) -> str:
    parts = []
    for k, v in d.items():
        key = k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)
        parts.append(f"{key} = {_inline(v) if isinstance(v, dict) else json.dumps(v)}")
    return "{ " + ", ".join(parts) + " }"
