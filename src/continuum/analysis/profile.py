"""Draft a mapping from a file's header and values: a reviewer edits the draft rather than starting blank."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from .errors import InputError
from .load import connect, read_raw
from .schema import CATCH_ALLS, MISSING_MARKERS, Column
from .sql import ident
from .standardize import FALSE_WORDS, TRUE_WORDS
from .tables import TABLES

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("stop_date", "date", "incident_date", "contact_date", "occurred_date", "occurred_d"),
    "time": ("stop_time", "time", "incident_time", "contact_time", "occurred_time", "occurred_t"),
    "subject_race": (
        "subject_race",
        "driver_race",
        "race",
        "race_code",
        "race_cd",
        "subject_ethnicity",
        "cit_race",
        "citizen_race",
        "suspect_race",
    ),
    "subject_sex": ("subject_sex", "driver_gender", "gender", "sex", "cit_sex", "citizen_sex", "suspect_sex"),
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
        # the labels of the US Census and most RMS exports
        "black or african american": "black",
        "african american": "black",
        "hispanic or latino": "hispanic",
        "hispanic/latino": "hispanic",
        "latino/a": "hispanic",
        "latinx": "hispanic",
        "white, not hispanic": "white",
        "white non-hispanic": "white",
        "asian or pacific islander": "asian/pacific islander",
        "asian/pacific islander": "asian/pacific islander",
        "asian american": "asian/pacific islander",
        "pacific islander": "asian/pacific islander",
        "native hawaiian or other pacific islander": "asian/pacific islander",
        "american indian or alaska native": "other",
        "american indian/alaskan native": "other",
        "native american": "other",
        "two or more races": "other",
        "multiracial": "other",
        "middle eastern or north african": "other",
        "unknown": "unknown",
        "not recorded": "unknown",
    },
    "subject_sex": {"m": "male", "f": "female", "man": "male", "woman": "female"},
    "outcome": {"arrest driver": "arrest", "arrest passenger": "arrest", "ticket": "citation"},
}
VALUE_GUESSES["officer_race"] = VALUE_GUESSES["race"] = VALUE_GUESSES["subject_race"]
VALUE_GUESSES["officer_sex"] = VALUE_GUESSES["sex"] = VALUE_GUESSES["subject_sex"]
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m-%d-%Y", "%Y%m%d", "%m/%d/%y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%H%M")
# A date and time in one cell (``6/1/2020 21:00``), with or without a UTC offset: both the date and the time
# column can be read from it with one format.
STAMP_FORMATS = tuple(
    f"{d}{sep}{t}{z}"
    for z in ("", "%z")
    for d in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%y")
    for sep in ((" ", "T") if d == "%Y-%m-%d" else (" ",))
    for t in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f")
)


SAMPLE_ROWS = 100_000
SAMPLED = (
    "# Values below come from the file's first {rows:,} rows; validation reads every row and reports any value "
    "left unmapped."
)


def profile(
    path: str | Path, max_values: int = 40, sample_rows: int = SAMPLE_ROWS, table: str | None = None
) -> tuple[str, dict]:
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
        read_raw(con, path, limit=sample_rows)
        cols = [r[0] for r in con.execute("DESCRIBE raw_t").fetchall()]
        prof = {c: _top(con, c, max_values) for c in cols}
        (n_read,) = con.execute("SELECT count(*) FROM raw_t").fetchone()  # type: ignore[misc]
    finally:
        con.close()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return draft(prof, sampled=int(n_read) if n_read >= sample_rows else None, table=table), prof


def _top(con: duckdb.DuckDBPyConnection, col: str, k: int) -> dict:
    v = f"NULLIF(trim(CAST({ident(col)} AS VARCHAR)), '')"
    distinct, blanks = con.execute(f"SELECT count(DISTINCT {v}), count(*) - count({v}) FROM raw_t").fetchone()  # type: ignore[misc]
    top = con.execute(
        f"SELECT {v}, count(*) FROM raw_t WHERE {v} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT {k}"
    ).fetchall()
    return {"distinct": int(distinct), "blank": int(blanks), "top": [(str(a), int(b)) for a, b in top]}


def guess_format(kind: str, values: list[str]) -> str | None:
    """The format that reads every sampled value of a date, time or timestamp column (None: none does)."""
    own = DATE_FORMATS if kind == "date" else TIME_FORMATS if kind == "time" else ()
    return _guess_format(values, own) or _guess_format(values, STAMP_FORMATS)


def _guess_format(values: list[str], formats: tuple[str, ...]) -> str | None:
    """The first format that reads every sampled value (a day past 12 rules out month-first formats)."""
    import datetime as dt

    for f in formats:
        try:
            for s in values:
                dt.datetime.strptime(s, f)
            return f
        except ValueError:
            continue
    return None


# Names other tables' columns often go by (stops' are SYNONYMS); a standard name always matches itself.
TABLE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "use_of_force": {
        "force_type": ("force_type", "type_of_force", "force_used", "force"),
        "resistance": ("resistance", "subject_resistance", "resistance_type"),
        "report_id": ("report_id", "report_number", "unique_report_id"),
        "incident_id": ("incident_id", "incident_number", "case_number", "filenum", "file_number"),
        "date": ("incident_date", "date", "occurred_date"),
    },
    "arrests": {
        "arrest_id": ("arrest_id", "arrest_number", "arrestno", "booking_number"),
        "date": ("arrest_date", "date"),
        "time": ("arrest_time", "time"),
        "offense": ("offense", "charge", "charge_desc", "charge_description", "top_charge"),
        "offense_level": ("offense_level", "charge_class", "charge_level", "severity"),
    },
    "calls": {
        "call_id": ("call_id", "call_number", "incident_number", "event_number"),
        "received": ("received", "time_received", "call_received", "received_time"),
        "dispatched": ("dispatched", "time_dispatched", "dispatch_time"),
        "arrived": ("arrived", "time_arrived", "arrival_time", "on_scene"),
        "cleared": ("cleared", "time_cleared", "clear_time", "closed"),
        "call_type": ("call_type", "nature", "incident_type", "problem"),
    },
    "ois": {
        "subject_armed": ("subject_armed", "armed", "weapon"),
        "subject_fleeing": ("subject_fleeing", "fleeing", "flee"),
        "outcome": ("outcome", "subject_outcome", "result"),
    },
    "crashes": {
        "crash_id": ("crash_id", "crash_number", "crashno", "accident_number"),
        "preventable": ("preventable", "finding", "preventability"),
        "pursuit": ("pursuit",),
    },
    "personnel": {
        "hire_date": ("hire_date", "date_hired", "hired"),
        "separation_date": ("separation_date", "termination_date", "date_separated"),
        "race": ("race", "ethnicity"),
        "sex": ("sex", "gender"),
    },
}
# Any table with such a column knows these names for it.
SHARED_SYNONYMS = {k: SYNONYMS[k] for k in ("date", "time", "subject_race", "subject_sex", "subject_age")} | {
    "officer_id_hash": SYNONYMS["officer_id_hash"] + ("employee_id", "officer_name"),
    "district": SYNONYMS["district"] + ("beat",),
}


def synonyms(table: str) -> dict[str, tuple[str, ...]]:
    """Per standard column of the table, the source names it is drafted from, most specific first."""
    known = SYNONYMS if table == "stops" else TABLE_SYNONYMS.get(table, {})
    out = {}
    for col in TABLES[table]:
        names = known.get(col.name, ()) + SHARED_SYNONYMS.get(col.name, ())
        out[col.name] = tuple(dict.fromkeys((*names, col.name)))
    return out


def guess_table(columns: list[str]) -> str:
    """The standard table a header most likely holds: a column only one table has a name for counts three
    times as much as one several tables know (a race column says little, a force type a lot); stops win ties."""
    names = {t: {_compact(n) for ns in synonyms(t).values() for n in ns} for t in TABLES}
    score = dict.fromkeys(TABLES, 0)
    for column in columns:
        known = [t for t in TABLES if _compact(column) in names[t]]
        for t in known:
            score[t] += 3 if len(known) == 1 else 1
    return max(TABLES, key=lambda t: (score[t], t == "stops"))


def _compact(name: str) -> str:
    """A column name without case or separators: CallNumber, call_number and "Call Number" are one name."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def draft(prof: dict, sampled: int | None = None, table: str | None = None) -> str:
    """A mapping for the table the header looks like (or ``table``), every line a guess to review."""
    table = table or guess_table(list(prof))
    std = {c.name: c for c in TABLES[table]}
    columns: list[str] = []
    notes: list[str] = []
    offsets: list[str] = []
    taken: set[str] = set()
    normed = {_compact(c): c for c in prof}
    for target, names in synonyms(table).items():
        found = (normed[_compact(n)] for n in names if _compact(n) in normed)
        src = next((c for c in found if c not in taken), None)
        if src is None:
            continue
        taken.add(src)
        spec, note = _spec(std[target], src, [v for v, _ in prof[src]["top"]])
        if spec.get("format", "").endswith("%z"):
            offsets.append(src)
        if note:
            notes.append(note)
        columns.append(f"{target} = {_inline(spec)}")
    _time_from_stamp(columns, std)
    lines = [
        "# Draft mapping proposed by `continuum data profile`; review every line before use.",
        *([SAMPLED.format(rows=sampled)] if sampled else []),
        f"# The header looks like {table.replace('_', ' ')} data; another table: change the next line.",
        f'table = "{table}"',
        "",
        "[params]",
        *(
            [
                f"# values in {', '.join(offsets)} carry UTC offsets: declare the data's own time zone (IANA name)"
            ]
            if offsets
            else []
        ),
        '# tz = "America/New_York"',
        "# lat = 0.0",
        "# lng = 0.0",
        "",
        "[columns]",
        *notes,
        *columns,
    ]
    rest = [c for c in prof if c not in taken]
    if rest:
        lines += ["", f"# source columns not mapped: {', '.join(rest)}"]
    return "\n".join(lines) + "\n"


def _spec(col: Column, src: str, values: list[str]) -> tuple[dict, str | None]:
    """One column's rule, and a note on what the draft could not guess."""
    spec: dict = {"from": src}
    if col.kind in ("date", "time", "timestamp"):
        fmt = guess_format(col.kind, values)
        if fmt:
            spec["format"] = fmt
        return spec, None
    if col.kind != "category" or not col.values:
        if col.multi:
            spec["split"] = ","
        return spec, None
    split = "," if col.multi or (col.name == "search_basis" and any("," in v for v in values)) else None
    # a missing marker (NA) is read as missing on load: never a category to map
    tokens = sorted(
        {t.strip() for v in values for t in (v.split(",") if split else [v]) if t.strip()}
        - set(MISSING_MARKERS)
    )
    vm: dict[str, str] = {}
    unsure: list[str] = []
    for tok in tokens:
        guess = suggest_value(col, tok)
        if guess is not None:
            vm[tok] = guess
        else:
            unsure.append(tok)
    if split:
        spec["split"] = split
    spec["values"] = vm
    if not unsure:
        return spec, None
    catch_all = next((c for c in CATCH_ALLS if c in col.values), None)
    rest = f'; or add else = "{catch_all}" to give every other code that value' if catch_all else ""
    return spec, (
        f"# {col.name}: no standard value guessed for {unsure} (they will be reported as unmapped; map them, "
        f"or to \"\" for 'not recorded'{rest})"
    )


# Force types as agencies' records systems name them (Dallas' "Take Down - Arm", "OC Spray", "K-9 Deployment"),
# by the words they contain, most specific first; a display of a weapon or a verbal command is not force in the
# FBI's use-of-force collection, so no guess is made for it: the reviewer decides.
FORCE_WORDS: tuple[tuple[str, str], ...] = (
    (r"display|verbal|command|presence", ""),
    (r"taser|\bced\b|conducted energy|stun", "ced"),
    (r"\boc\b|pepper|chemical|spray|gas|mace", "chemical"),
    (r"k-?9|canine|\bdog", "canine"),
    (r"firearm|discharge|shot|shooting|pistol|rifle|gun", "firearm"),
    (r"baton|impact|bean ?bag|less.?lethal|40 ?mm|projectile", "impact weapon"),
    (r"take ?down|tackle|\btrip", "takedown"),
    (r"strike|punch|kick|knee|elbow|fist|hit", "strike"),
    (r"hold|lock|escort|grab|push|pressure point|restrain|control|handcuff|held|wrestl", "physical control"),
)


# Codes records systems write for "not recorded" (NJ's "Not Provided"): suggested as missing, never as a value,
# unless the column's vocabulary has the word itself.
NOT_RECORDED_WORDS = frozenset({"not provided", "not recorded", "not available", "unknown", "unk"})


def suggest_value(col: Column, code: str) -> str | None:
    """The standard value a code plainly means: itself in another case, a common label (Census's), or for a
    force type the kind of force its words name; "" (not recorded) for the words records systems use for it."""
    low = " ".join(code.lower().split())
    if col.kind == "bool":  # the words the loader itself reads as true and false
        return "true" if low in TRUE_WORDS else "false" if low in FALSE_WORDS else None
    if low in (col.values or ()):
        return low
    guess = VALUE_GUESSES.get(col.name, {}).get(low)
    if guess is None and col.name == "force_type":
        guess = next((value for words, value in FORCE_WORDS if re.search(words, low)), None) or None
    if guess is None and low in NOT_RECORDED_WORDS and col.values:
        return ""
    return guess


def _time_from_stamp(columns: list[str], std: dict[str, Column]) -> None:
    """A date read from a date-and-time cell and no time column of its own: read the time from it too."""
    if "time" not in std or any(c.startswith("time = ") for c in columns):
        return
    date = next((c for c in columns if c.startswith("date = ")), None)
    if date and ("%H" in date or "%I" in date):
        columns.insert(columns.index(date) + 1, "time" + date[len("date") :])


def _inline(d: dict) -> str:
    parts = []
    for k, v in d.items():
        key = k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)
        parts.append(f"{key} = {_inline(v) if isinstance(v, dict) else json.dumps(v)}")
    return "{ " + ", ".join(parts) + " }"
