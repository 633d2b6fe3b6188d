"""The saved mapping of a dataset version in words, for its page: which of the file's columns gives each standard
column, how its codes and dates are read, and which columns the analyses need but the file does not give. The
version page shows this instead of the TOML, so a reviewer can see what was chosen without reading the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from continuum.analysis.dictionary import NEEDS, analyses_of
from continuum.analysis.errors import InputError
from continuum.analysis.mapping import parse_toml
from continuum.analysis.readable import analysis_name
from continuum.analysis.tables import TABLES

from . import guided
from .models import DatasetVersion


@dataclass
class Line:
    label: str  # the standard column as people say it
    source: str  # the file's column it is read from
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    lines: list[Line] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (column label, analyses that need it)
    timezone: str = ""
    kept: list[str] = field(default_factory=list)  # a table without a schema: columns kept as they are
    hashed: list[str] = field(default_factory=list)  # ... and officer identifiers, kept as a keyed hash


def summarize(version: DatasetVersion) -> Summary | None:
    """None when no mapping is saved or its text is not one the engine reads (the text editor says why)."""
    if not version.mapping_toml:
        return None
    try:
        doc = parse_toml(version.mapping_toml)
    except InputError:
        return None
    if guided.kept(version) or "columns" not in doc:
        return Summary(kept=list(doc.get("keep", [])), hashed=list(doc.get("hash", [])))
    table = doc.get("table", "stops")
    if table not in TABLES:
        return None
    rules = doc["columns"]
    summary = Summary(timezone=str(doc.get("params", {}).get("tz", "")))
    for column in TABLES[table]:
        rule = rules.get(column.name)
        if rule is None:
            needed = [analysis_name(a) for a in analyses_of(table) if column.name in NEEDS.get(a, ())]
            if needed:
                summary.missing.append((guided.column_label(column.name), "; ".join(needed)))
            continue
        spec = {"from": rule} if isinstance(rule, str) else dict(rule)
        summary.lines.append(Line(guided.column_label(column.name), str(spec.get("from", "")), _notes(spec)))
    return summary


def _notes(spec: dict) -> list[str]:
    """How a rule reads its column, in words."""
    notes = []
    if spec.get("format"):
        notes.append(f"written like {guided.example(spec['format'])}")
    values = spec.get("values") or {}
    if values:
        notes.append(f"{len(values)} code{'s' if len(values) != 1 else ''} given a standard value")
    if "else" in spec:
        default = spec["else"]
        shown = "not recorded" if default == "" else ("yes" if default is True else "no" if default is False
                                                      else str(default).replace("_", " "))  # fmt: skip
        notes.append(f"every other code read as “{shown}”")
    if spec.get("hash"):
        notes.append("kept only as a keyed hash")
    notes += [words for key, words in guided.ADVANCED_KEYS.items() if key in spec]
    return notes
