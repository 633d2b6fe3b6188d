"""How an agency's columns and codes become the standard schema, declared in a small TOML file.

A mapping is data, not code, so a reviewer can read it and a report can cite it (by its sha256).

    [params]                 # analysis defaults for this agency (overridable on the command line)
    tz = "America/New_York"
    [source]                 # optional reading hints: delimiter, encoding, sheet
    delimiter = ","
    [columns]
    date = { from = "stop_date", format = "%Y-%m-%d" }
    subject_race = { from = "driver_race", values = { White = "white", Black = "black" } }
    search_basis = { from = "search_type", split = ",", values = { "Probable Cause" = "probable cause" } }
    frisk_performed = { from = "search_type", split = ",", contains = ["Protective Frisk"], missing = false }

A value mapped to "" is a known code for "not recorded": it becomes missing and is not reported as unmapped.
Tables other than stops name themselves at the top (``table = "use_of_force"``; see ``tables.py``); a rule's
``replace = { "a, b" = "a b" }`` rewrites literal text before splitting (for codes that contain the separator).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError
from .tables import columns_of

Value = str | bool | float | int


@dataclass(frozen=True)
class ColumnRule:
    target: str
    source: str
    values: dict[str, Value] = field(default_factory=dict)
    split: str | None = None
    contains: tuple[str, ...] = ()
    missing: Value | None = None
    format: str | None = None
    hash: bool = True
    replace: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    rules: dict[str, ColumnRule]
    params: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    name: str = "identity"
    sha256: str | None = None
    table: str = "stops"

    @classmethod
    def identity(cls, columns: list[str], table: str = "stops") -> Mapping:
        """OPP files: every column already named like the standard maps to itself (ids already hashed)."""
        std = columns_of(table)
        rules = {
            c: ColumnRule(target=c, source=c, hash=False) for c in columns if c in std and not std[c].multi
        }
        if "officer_id_hash" in std and "officer_id_hash" not in rules and "officer_id" in columns:
            rules["officer_id_hash"] = ColumnRule(target="officer_id_hash", source="officer_id", hash=True)
        return cls(rules=rules, table=table)

    @classmethod
    def from_toml(cls, path: str | Path) -> Mapping:
        p = resolve_mapping_path(path)
        raw = p.read_bytes()
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"mapping is not valid TOML: {exc}", file=str(p)) from exc
        return cls.from_dict(doc, name=p.stem, sha256=hashlib.sha256(raw).hexdigest(), file=str(p))

    @classmethod
    def from_dict(
        cls, doc: dict[str, Any], *, name: str = "mapping", sha256: str | None = None, file: str | None = None
    ) -> Mapping:
        columns = doc.get("columns", {})
        if not isinstance(columns, dict) or not columns:
            raise InputError("mapping has no [columns] table: it maps nothing", file=file)
        table = str(doc.get("table", "stops"))
        try:
            std = columns_of(table)
        except InputError as exc:
            raise InputError(exc.reason, file=file) from exc
        rules: dict[str, ColumnRule] = {}
        for target, spec in columns.items():
            if target not in std:
                noun = "stop" if table == "stops" else table.replace("_", " ")
                raise InputError(f"{target!r} is not a standard {noun} column", file=file, column=target)
            if isinstance(spec, str):
                spec = {"from": spec}
            if not isinstance(spec, dict) or "from" not in spec:
                raise InputError("column rule needs a 'from' source column", file=file, column=target)
            unknown = set(spec) - {
                "from",
                "values",
                "split",
                "contains",
                "missing",
                "format",
                "hash",
                "replace",
            }
            if unknown:
                raise InputError(f"unknown keys {sorted(unknown)} in rule", file=file, column=target)
            rules[target] = ColumnRule(
                target=target,
                source=str(spec["from"]),
                values=dict(spec.get("values", {})),
                split=spec.get("split"),
                contains=tuple(spec.get("contains", ())),
                missing=spec.get("missing"),
                format=spec.get("format"),
                hash=bool(spec.get("hash", True)),
                replace={str(k): str(v) for k, v in spec.get("replace", {}).items()},
            )
        return cls(
            rules=rules,
            params=dict(doc.get("params", {})),
            source=dict(doc.get("source", {})),
            name=name,
            sha256=sha256,
            table=table,
        )


def shipped_mappings() -> dict[str, Path]:
    """Mappings that ship with the engine, by name (file stem)."""
    root = resources.files("continuum.analysis") / "mappings"
    return {Path(str(p)).stem: Path(str(p)) for p in root.iterdir() if str(p).endswith(".toml")}


def resolve_mapping_path(path: str | Path) -> Path:
    """A path, or the name of a shipped mapping (e.g. ``ri_state_police``)."""
    p = Path(path)
    if p.exists():
        return p
    shipped = shipped_mappings()
    if str(path) in shipped:
        return shipped[str(path)]
    raise InputError("mapping file not found (nor a shipped mapping of that name)", file=str(path))
