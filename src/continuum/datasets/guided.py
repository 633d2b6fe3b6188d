"""The guided mapping: the engine's mapping as a form a department's records staff can fill in without knowing
TOML. Each standard column of the requested table gets a choice of the file's columns (with sample values), a
date or time format shown on an example, and for coded columns a table from each code in the file to a standard
value, with a default for every other code. The choices are saved as the same TOML the command line reads
(`continuum.analysis.mapping.to_toml`), through `mappings.save_mapping` (permission, engine check, audit), and
an analyst can still edit that text directly.

What the form cannot show (a rule that splits a list, tests for a code, rewrites text) is kept as it is while
its source column is unchanged, and said so on the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import available_timezones

from django.core.cache import cache

from continuum.analysis.dictionary import NEEDS, analyses_of
from continuum.analysis.errors import InputError
from continuum.analysis.kept import draft_kept
from continuum.analysis.limits import LimitReached, run_bounded
from continuum.analysis.mapping import Mapping, parse_toml, to_toml
from continuum.analysis.preview import Preview, preview
from continuum.analysis.profile import (
    DATE_FORMATS,
    SAMPLE_ROWS,
    STAMP_FORMATS,
    TIME_FORMATS,
    guess_format,
    profile,
    suggest_value,
)
from continuum.analysis.readable import analysis_name
from continuum.analysis.schema import MISSING_MARKERS, Column
from continuum.analysis.tables import TABLES

from . import engine, mappings
from .models import DatasetVersion
from .uploads import DataError

NOT_RECORDED = "(not recorded)"  # a code that means the value was not recorded: missing, not a problem
PREVIEW_SECONDS = 30
MAX_POSTED_CODES = (
    1000  # codes a posted value table may carry (the page shows the commonest 40 and kept ones)
)
PROFILE_CACHE_SECONDS = 3600
# What a rule can do that the form does not show, in words: kept as the text of the mapping says.
ADVANCED_KEYS = {
    "split": "splits a cell into a list of codes",
    "contains": "asks whether a list holds certain codes",
    "replace": "rewrites text before reading it",
    "missing": "gives blank cells a value",
}
EXAMPLE_MOMENT = dt.datetime(2020, 6, 1, 21, 5, 30)
US_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "Pacific/Guam", "Pacific/Pago_Pago",
    "America/St_Thomas",
)  # fmt: skip
LABELS = {"officer_id_hash": "Officer identifier", "lat": "Latitude", "lng": "Longitude"}


def column_label(name: str) -> str:
    """A standard column as people say it: "Subject race" for subject_race."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


@dataclass
class ValueRow:
    index: int
    code: str
    count: int | None  # rows with this code among those profiled (None: a code only the mapping names)
    chosen: str  # a standard value, NOT_RECORDED, or "" (left unmapped: reported as a problem)
    suggested: bool  # the choice is the engine's suggestion, not yet the user's


@dataclass
class ColumnRow:
    name: str
    label: str
    doc: str
    kind: str
    needed_by: list[str]
    source: str = ""
    samples: str = ""
    fmt: str = ""
    formats: list[tuple[str, str]] = field(default_factory=list)
    values: list[ValueRow] = field(default_factory=list)
    more_codes: int = 0
    otherwise: str = ""
    vocabulary: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # rule features the form does not show, kept as they are

    @property
    def is_time(self) -> bool:
        return self.kind in ("date", "time", "timestamp")

    @property
    def is_coded(self) -> bool:
        return bool(self.vocabulary)


@dataclass
class Guided:
    table: str
    columns: list[ColumnRow]
    file_columns: list[tuple[str, str]]  # each column of the file with a few of its values
    unused: list[str]  # file columns no standard column takes (left out of the standard table)
    tz: str
    doc: dict
    needs_tz: bool = False

    @property
    def required(self) -> list[ColumnRow]:
        return [c for c in self.columns if c.needed_by]

    @property
    def optional(self) -> list[ColumnRow]:
        return [c for c in self.columns if not c.needed_by]


def supported(version: DatasetVersion) -> bool:
    """Every upload whose raw file is kept: a table the engine has a schema for gets its standard columns, any
    other table (`kept`) a choice per column of keeping it, hashing it as an officer identifier or leaving it out."""
    return bool(version.raw_file)


def kept(version: DatasetVersion) -> bool:
    """A table the engine has no schema for: its mapping only keeps and hashes columns."""
    return not engine.loads(version.data_request.table_type)


KEPT_CHOICES = (("keep", "Keep"), ("hash", "Keep as an officer identifier, hashed"), ("drop", "Leave out"))


@dataclass
class KeptRow:
    name: str
    samples: str
    choice: str  # keep, hash or drop


def kept_rows(doc: dict, prof: dict) -> list[KeptRow]:
    keep, hashed = set(doc.get("keep", [])), set(doc.get("hash", []))
    return [
        KeptRow(name, _samples(stats), "hash" if name in hashed else "keep" if name in keep else "drop")
        for name, stats in prof.items()
    ]


def kept_doc_from_post(post, prof: dict) -> dict:
    """keep and hash lists from one choice per column of the file; a column with no choice is left out."""
    chosen = {name: post.get(f"kept:{name}", "drop") for name in prof}
    return {
        "keep": [name for name, choice in chosen.items() if choice == "keep"],
        "hash": [name for name, choice in chosen.items() if choice == "hash"],
    }


def table_of(version: DatasetVersion) -> str:
    return engine.table_name(version.data_request.table_type)


def file_profile(version: DatasetVersion) -> tuple[str, dict]:
    """The engine's draft and the file's columns with their commonest values, computed once per upload (in a
    bounded process, as the draft is) and kept in the cache for an hour."""
    table = None if kept(version) else table_of(version)
    key = f"datasets:profile:{version.sha256}:{table}"
    found = cache.get(key)
    if found is None:
        try:
            found = run_bounded(
                profile, Path(version.raw_file.path), mappings.MAX_VALUES, SAMPLE_ROWS, table,
                seconds=mappings.PROFILE_SECONDS, what="Reading the file's columns",
            )  # fmt: skip
            if table is None:  # the engine's draft is for its own tables: keep and hash are drafted here
                found = (draft_kept(list(found[1])), found[1])
        except (InputError, LimitReached) as error:
            raise DataError(_reason(error, version)) from error
        cache.set(key, found, PROFILE_CACHE_SECONDS)
    return found


def initial_doc(version: DatasetVersion, draft: str) -> dict:
    """The saved mapping when it is one for this table, else the engine's draft."""
    for text in (version.mapping_toml, draft):
        if not text:
            continue
        try:
            doc = parse_toml(text)
        except InputError:
            continue
        if kept(version) and ("keep" in doc or "hash" in doc):
            return doc
        if doc.get("columns") and doc.get("table", "stops") == table_of(version):
            return doc
    return {"keep": [], "hash": []} if kept(version) else {"table": table_of(version), "columns": {}}


def build(version: DatasetVersion, doc: dict, prof: dict) -> Guided:
    """The form's rows for `doc`: one per standard column of the table, in the schema's order."""
    table = table_of(version)
    rules = doc.get("columns", {})
    rows = [_row(column, _spec(rules.get(column.name)), prof, table) for column in TABLES[table]]
    used = {r.source for r in rows if r.source}
    file_columns = [(name, _samples(prof[name])) for name in prof]
    tz = str(doc.get("params", {}).get("tz", ""))
    needs_tz = any(r.fmt.endswith("%z") for r in rows)
    return Guided(table, rows, file_columns, [n for n in prof if n not in used], tz, doc, needs_tz)


def _spec(rule: object) -> dict:
    if isinstance(rule, str):
        return {"from": rule}
    return dict(rule) if isinstance(rule, dict) else {}


def _row(column: Column, spec: dict, prof: dict, table: str) -> ColumnRow:
    needed = [analysis_name(a) for a in analyses_of(table) if column.name in NEEDS.get(a, ())]
    row = ColumnRow(column.name, column_label(column.name), column.doc, column.kind, needed)
    source = spec.get("from", "")
    row.source = source if source in prof else ""
    if row.source:
        row.samples = _samples(prof[row.source])
        row.kept = [words for key, words in ADVANCED_KEYS.items() if key in spec]
    if row.is_time:
        row.fmt = spec.get("format", "") if row.source else ""
        row.formats = format_choices(column.kind, row.fmt)
    vocabulary = _vocabulary(column)
    if vocabulary and row.source and "contains" not in spec:
        row.vocabulary = vocabulary
        codes = _codes(prof[row.source], spec.get("split") or ("," if column.multi else None))
        known = spec.get("values", {})
        extra = [c for c in known if c not in codes]
        listed = list(codes.items())[: mappings.MAX_VALUES] + [(c, None) for c in extra]
        for index, (code, count) in enumerate(listed):
            chosen, suggested = _chosen(column, code, known)
            row.values.append(ValueRow(index, code, count, chosen, suggested))
        row.more_codes = max(0, prof[row.source]["distinct"] - len(codes)) if not spec.get("split") else 0
        row.otherwise = _choice_of(spec["else"]) if "else" in spec else ""
    return row


def _vocabulary(column: Column) -> list[tuple[str, str]]:
    if column.kind == "bool":
        return [("true", "yes"), ("false", "no")]
    if column.kind == "category" and column.values:
        return [(v, v) for v in column.values]
    return []


def _codes(stats: dict, split: str | None) -> dict[str, int]:
    """A column's codes with their row counts, commonest first; a list column's entries one by one. Missing
    markers (NA) are read as not recorded by the loader: they are not codes to map."""
    counts: dict[str, int] = {}
    for value, n in stats["top"]:
        for code in value.split(split) if split else [value]:
            code = code.strip()
            if code and code not in MISSING_MARKERS:
                counts[code] = counts.get(code, 0) + n
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _choice_of(value: object) -> str:
    if value == "":
        return NOT_RECORDED
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _chosen(column: Column, code: str, known: dict) -> tuple[str, bool]:
    if code in known:
        return _choice_of(known[code]), False
    guess = suggest_value(column, code)
    return ("", False) if guess is None else (_choice_of(guess), True)


def _samples(stats: dict, n: int = 4) -> str:
    return ", ".join(value for value, _ in stats["top"][:n])


def format_choices(kind: str, current: str = "") -> list[tuple[str, str]]:
    """The formats offered for a date, time or timestamp column, each shown on an example moment."""
    own = {"date": DATE_FORMATS, "time": TIME_FORMATS}.get(kind, ())
    formats = list(dict.fromkeys([*own, *STAMP_FORMATS, *([current] if current else [])]))
    return [("", "as the file writes it, if standard (2020-06-01 21:05)")] + [
        (f, example(f)) for f in formats
    ]


def example(fmt: str) -> str:
    """A format shown as people read it, on June 1, 2020 at 21:05: "06/01/2020 (month first)" rather than
    %m/%d/%Y; the order of day and month is said, since 06/01 alone cannot tell it."""
    moment = (
        EXAMPLE_MOMENT.replace(tzinfo=dt.timezone(dt.timedelta(hours=-4))) if "%z" in fmt else EXAMPLE_MOMENT
    )
    try:
        shown = moment.strftime(fmt)
    except ValueError:
        return fmt
    notes = []
    if "%m" in fmt and "%d" in fmt and not fmt.startswith("%Y"):  # year first is always year-month-day
        notes.append("month first" if fmt.index("%m") < fmt.index("%d") else "day first")
    if "%y" in fmt:
        notes.append("two-digit year")
    if "%I" in fmt:
        notes.append("12-hour clock")
    if "%z" in fmt:
        notes.append("with the UTC offset")
    return f"{shown} ({', '.join(notes)})" if notes else shown


def timezone_choices() -> list[tuple[str, str]]:
    others = sorted(z for z in available_timezones() if "/" in z and z not in US_ZONES)
    return [("", "not set")] + [(z, z.replace("_", " ")) for z in (*US_ZONES, *others)]


def doc_from_post(version: DatasetVersion, post, base: dict, prof: dict) -> dict:
    """The mapping document the posted choices make, starting from `base` (the saved or drafted mapping)."""
    table = table_of(version)
    rules = base.get("columns", {})
    columns: dict[str, dict] = {}
    for column in TABLES[table]:
        source = post.get(f"src:{column.name}", "")
        if not source:
            continue
        if source not in prof:
            raise DataError(f"“{source}” is not a column of {version.original_name}.")
        old = _spec(rules.get(column.name))
        spec = old if old.get("from") == source else {"from": source}
        if column.multi and "split" not in spec and "contains" not in spec:
            spec["split"] = ","
        shown = post.get(f"shown:{column.name}")  # the source the page showed this column's details for
        if column.kind in ("date", "time", "timestamp"):
            fmt = post.get(f"fmt:{column.name}", "")
            if shown != source:  # a new source: the format that reads its values
                fmt = guess_format(column.kind, [value for value, _ in prof[source]["top"]]) or ""
            spec.pop("format", None)
            if fmt:
                spec["format"] = fmt
        vocabulary = dict(_vocabulary(column))
        if vocabulary and "contains" not in spec and shown == source:
            values = {}
            for index in range(MAX_POSTED_CODES):
                code = post.get(f"code:{column.name}:{index}")
                if code is None:
                    break
                picked = post.get(f"val:{column.name}:{index}", "")
                if picked in vocabulary or picked == NOT_RECORDED:
                    values[code] = _value(column, picked)
            spec["values"] = values
            otherwise = post.get(f"else:{column.name}", "")
            spec.pop("else", None)
            if otherwise in vocabulary or otherwise == NOT_RECORDED:
                spec["else"] = _value(column, otherwise)
        elif vocabulary and "contains" not in spec and shown != source:  # a new source: the suggestions
            row = _row(column, spec, prof, table)
            spec["values"] = {v.code: _value(column, v.chosen) for v in row.values if v.chosen}
        columns[column.name] = spec
    params = dict(base.get("params", {}))
    tz = post.get("tz", "")
    params.pop("tz", None)
    if tz:
        params["tz"] = tz
    doc: dict = {"table": table}
    if params:
        doc["params"] = params
    if base.get("source"):
        doc["source"] = base["source"]
    doc["columns"] = columns
    return doc


def _value(column: Column, picked: str) -> object:
    if picked == NOT_RECORDED:
        return ""
    if column.kind == "bool":
        return picked == "true"
    return picked


def text_of(doc: dict) -> str:
    """The TOML saved for `doc`, with a first line saying how it was made."""
    try:
        body = to_toml(doc)
    except InputError as error:
        raise DataError(error.reason) from error
    return "# Made with the guided mapping; an analyst may edit it as text.\n" + body


def opened(form: Guided, result: Preview | None, changed: set[str]) -> set[str]:
    """The columns shown open: those the analyses need, those with cells that would not convert, and those
    the user just changed; the others show one line (their source, or "not in this file")."""
    problems = result.problems if result else {}
    return {c.name for c in form.columns if (c.needed_by or c.name in problems or c.name in changed)}


def changed_sources(post) -> set[str]:
    """The standard columns whose source column was just changed (the page showed another one, or none)."""
    return {
        key.split(":", 1)[1]
        for key, value in post.items()
        if key.startswith("src:") and post.get(f"shown:{key.split(':', 1)[1]}", "") != value
    }


def plain_reason(reason: str) -> str:
    """The loader's reason for a cell it could not convert, said for this page: an unmapped code is a choice
    still to make here, not a vocabulary to read."""
    if reason.removeprefix("listed value(s) ").startswith("not in the mapping nor the vocabulary"):
        return "No standard value is chosen for this code: choose one in its column below, or for every other code."
    return reason


def check(version: DatasetVersion, doc: dict) -> Preview:
    """The mapping tried on the head of the file (bounded in time): what the first rows read as, and the cells
    of a sample that could not be converted. A mapping the engine refuses is a DataError in plain words."""
    if not doc.get("columns"):
        raise DataError("Choose the file's column for at least one standard column.")
    try:
        mapping = Mapping.from_dict(doc, name=f"dataset-{version.data_request_id}-v{version.number}")
        return run_bounded(preview, Path(version.raw_file.path), mapping, seconds=PREVIEW_SECONDS,
                           what="Trying the mapping on the file")  # fmt: skip
    except (InputError, LimitReached) as error:
        raise DataError(_reason(error, version)) from error


def _reason(error: Exception, version: DatasetVersion) -> str:
    if isinstance(error, InputError):
        return mappings.describe(error, version)
    return mappings.scrub(str(error), version)
