"""How an agency's columns and codes become the standard schema, declared in a small TOML file.

A mapping is data, not code, so a reviewer can read it and a report can cite it (by its sha256).

    [params]                 # analysis defaults for this agency (overridable on the command line)
    tz = "America/New_York"  # the data's local time zone (IANA name): offsets are converted to it on load
    [source]                 # optional reading hints: delimiter, encoding, sheet, missing
    delimiter = ","
    missing = ["NA", "-"]    # text meaning "not recorded" in every column (default: schema.MISSING_MARKERS)
    [columns]
    date = { from = "stop_date", format = "%Y-%m-%d" }
    subject_race = { from = "driver_race", values = { White = "white", Black = "black" } }
    search_basis = { from = "search_type", split = ",", values = { "Probable Cause" = "probable cause" } }
    frisk_performed = { from = "search_type", split = ",", contains = ["Protective Frisk"], missing = false }

A value mapped to "" is a known code for "not recorded": it becomes missing and is not reported as unmapped.
``else = "other"`` in a rule gives every code that neither its ``values`` nor the standard vocabulary knows that
value (``else = ""``: not recorded), so a column of a hundred codes needs only the codes that matter.
A date, time or timestamp carrying a UTC offset (``2024-05-31T22:10:00-04:00``, format ``%z``) is converted to
``[params] tz`` before the date and clock time are taken, so a late-evening event keeps its local day; such a
value with no ``tz`` declared is refused, since its local day cannot be known. Several source codes mapped to one
standard value, or a code mapped to a catch-all (``other``), are folds: ``Mapping.folds`` lists them and every
result shows them with their counts.
Tables other than stops name themselves at the top (``table = "use_of_force"``; see ``tables.py``); a rule's
``replace = { "a, b" = "a b" }`` rewrites literal text before splitting (for codes that contain the separator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError
from .schema import CATCH_ALLS, MISSING_MARKERS, Column
from .tables import TABLES, columns_of

Value = str | bool | float | int
ELSE_CODE = "(any other code)"  # how a fold lists the codes a rule's ``else`` gathered


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
    default: Value | None = (
        None  # ``else``: the value of any code neither ``values`` nor the vocabulary knows
    )


@dataclass(frozen=True)
class Mapping:
    rules: dict[str, ColumnRule]
    params: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    name: str = "identity"
    sha256: str | None = None
    table: str = "stops"

    @property
    def timezone(self) -> str | None:
        """The data's local time zone (``[params] tz``), to which timestamps with offsets are converted."""
        tz = self.params.get("tz")
        return str(tz) if tz else None

    @property
    def missing_markers(self) -> tuple[str, ...]:
        """Text read as "not recorded" in every column (codes the rules map explicitly excepted)."""
        return tuple(self.source.get("missing", MISSING_MARKERS))

    def folds(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Per standard column, the standard values that fold source categories, and the codes folded.

        A value folds when two or more codes that are not mere spellings of it map to it (Native American and
        Alaska Native both to "other"), or when it is a catch-all receiving any code but its own spelling."""
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for target, rule in self.rules.items():
            by_value: dict[str, list[str]] = {}
            for code, value in rule.values.items():
                if isinstance(value, str) and value and not rule.contains:
                    by_value.setdefault(value, []).append(code)
            for value, codes in by_value.items():
                others = [c for c in codes if _spelling(c) != _spelling(value)]
                if len(others) >= 2 or (others and value in CATCH_ALLS):
                    out.setdefault(target, {})[value] = tuple(codes)
            if (
                isinstance(rule.default, str) and rule.default and not rule.contains
            ):  # else merges all the rest
                folded = out.setdefault(target, {})
                folded[rule.default] = (*folded.get(rule.default, by_value.get(rule.default, ())), ELSE_CODE)
        return out

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
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"mapping is not valid TOML: {exc}", file=str(p)) from exc
        doc = parse_toml(text, file=str(p))
        return cls.from_dict(doc, name=p.stem, sha256=hashlib.sha256(raw).hexdigest(), file=str(p))

    @classmethod
    def from_dict(
        cls, doc: dict[str, Any], *, name: str = "mapping", sha256: str | None = None, file: str | None = None
    ) -> Mapping:
        """Check every key and value here, so a hostile or mistyped mapping is one clear InputError and never
        a crash later inside the loader's SQL."""
        unknown = set(doc) - TOP_KEYS
        if unknown:
            raise InputError(f"unknown keys {sorted(unknown)}; a mapping has {sorted(TOP_KEYS)}", file=file)
        columns = doc.get("columns", {})
        if not isinstance(columns, dict) or not columns:
            raise InputError("mapping has no [columns] table: it maps nothing", file=file)
        table = doc.get("table", "stops")
        if not isinstance(table, str):
            raise InputError(f"table must be the name of a table type, not {_kind_of(table)}", file=file)
        try:
            std = columns_of(table)
        except InputError as exc:
            raise InputError(exc.reason, file=file) from exc
        rules: dict[str, ColumnRule] = {}
        for target, spec in columns.items():
            if target not in std:
                raise InputError(not_a_column(target, table, list(columns)), file=file, column=target)
            try:
                rules[target] = _rule(std[target], spec)
            except InputError as exc:
                raise InputError(exc.reason, file=file, column=target) from exc
        for key in ("params", "source"):
            if not isinstance(doc.get(key, {}), dict):
                raise InputError(f"[{key}] must be a table of settings, not {_kind_of(doc[key])}", file=file)
        if "tz" in doc.get("params", {}):
            try:
                check_timezone(doc["params"]["tz"])
            except InputError as exc:
                raise InputError(exc.reason, file=file) from exc
        try:
            source = _source(doc.get("source", {}))
        except InputError as exc:
            raise InputError(exc.reason, file=file) from exc
        return cls(
            rules=rules,
            params=dict(doc.get("params", {})),
            source=source,
            name=name,
            sha256=sha256,
            table=table,
        )


MAX_NESTING = 32  # arrays and inline tables inside one another; a real mapping needs three

# A bracket, a brace or a line end; or what a scan steps over whole so that brackets in it are not counted:
# strings of the four kinds (an unterminated one runs to where tomllib will refuse it) and comments.
_TOML_TOKENS = re.compile(
    r'[\[{\]}\n]|"""(?:\\.|[^\\])*?(?:"""|\Z)|\'\'\'.*?(?:\'\'\'|\Z)'
    r'|"(?:\\.|[^"\\\n])*"?|\'[^\'\n]*\'?|#[^\n]*',
    re.DOTALL,
)


def _too_deep(text: str) -> tuple[int, int] | None:
    """The line and column where arrays or inline tables first nest deeper than MAX_NESTING, or None.

    tomllib parses nesting by recursion, so a hostile mapping would reach Python's recursion limit, where
    anything else that runs at that moment (a finalizer, a log call) fails too. Refusing it first is exact."""
    depth, line, start = 0, 1, 0
    for token in _TOML_TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line, token.start() - start + 1
        elif mark in "]}":
            depth = max(depth - 1, 0)
        newlines = mark.count("\n")
        if newlines:
            line += newlines
            start = token.start() + mark.rindex("\n") + 1
    return None


def parse_toml(text: str, *, file: str | None = None) -> dict[str, Any]:
    """TOML text as a document; anything tomllib refuses, or nested too deeply to parse safely, is an
    InputError."""
    if deep := _too_deep(text):
        raise InputError(
            f"mapping is not valid TOML: its arrays or inline tables nest more than {MAX_NESTING} deep "
            f"(at line {deep[0]}, column {deep[1]})",
            file=file,
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"mapping is not valid TOML: {exc}", file=file) from exc


def to_toml(doc: dict[str, Any]) -> str:
    """A mapping document as the TOML text the CLI reads and the platform saves, so a mapping made in a form
    and one written by hand are the same file: ``parse_toml(to_toml(doc)) == doc``. Every rule is one line."""
    lines = []
    top = [key for key in doc if key not in ("params", "source", "columns")]  # table; keep and hash lists
    if top:
        lines += [f"{_toml_key(key)} = {_toml_value(doc[key])}" for key in top] + [""]
    for section in ("params", "source", "columns"):
        if doc.get(section):
            lines.append(f"[{section}]")
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in doc[section].items()]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters (DEL too) escaped, everything else as
    it is (JSON would write a character beyond the BMP as a surrogate pair, which TOML refuses)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    """TOML for a value of a mapping."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{value!r} is not a number a mapping can hold")
        return repr(value)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: no file's text decodes to one
            raise InputError(f"{_short(value)} is not text a mapping can hold") from exc
        return _toml_string(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise InputError(f"a mapping cannot hold {_kind_of(value)}")


def not_a_column(target: str, table: str, targets: list[str]) -> str:
    """Why a mapped column is refused, and what to write instead: the table whose column it is (when the
    mapping is for another table, most of its columns are another table's), else the valid names."""
    noun = "stop" if table == "stops" else table.replace("_", " ")
    valid = [c.name for c in TABLES[table]]
    fits = [
        t
        for t, cols in TABLES.items()
        if t != table and len(targets) > 1 and {c.name for c in cols} >= set(targets)
    ]
    if fits:
        return (
            f"{target!r} is not a standard {noun} column, but every column this mapping names is a "
            f"{fits[0]!r} column: if the file holds {fits[0].replace('_', ' ')} data, put "
            f'table = "{fits[0]}" at the top of the mapping'
        )
    others = [t for t, cols in TABLES.items() if t != table and any(c.name == target for c in cols)]
    hint = f' (it is a column of {", ".join(repr(t) for t in others)}; set table = "..." to map that table)'
    return f"{target!r} is not a standard {noun} column{hint if others else ''}; its columns are {', '.join(valid)}"


TOP_KEYS = frozenset({"table", "params", "source", "columns"})
RULE_KEYS = frozenset({"from", "values", "split", "contains", "missing", "format", "hash", "replace", "else"})
# What both the header reader (Python) and DuckDB's CSV reader understand without extensions.
ENCODINGS = ("utf-8", "utf8", "latin-1", "latin1", "utf-16")
# DuckDB's strptime specifiers: any other %-sequence fails inside the query.
FORMAT_SPEC = re.compile(r"%(-[dmyHIMSj]|[abcdfghjmnpuwxyzABGHIMSTUVWXYZ%])")
DATE_TEXT = r"\d{4}-\d{2}-\d{2}"
TIME_TEXT = r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
TEXT_OF = {
    "date": (re.compile(DATE_TEXT), dt.date),
    "time": (re.compile(TIME_TEXT), dt.time),
    "timestamp": (re.compile(f"{DATE_TEXT}[ T]{TIME_TEXT}"), dt.datetime),
}


def _kind_of(value: object) -> str:
    if value == "":
        return "empty text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "a table", list: "a list", str: "text"}.get(type(value), type(value).__name__)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{what} must be non-empty text, not {_kind_of(value)}")
    return value


def _standard_value(col: Column, value: object, what: str) -> Value:
    """A value the standard column can hold, checked now so the loader's CAST cannot fail on it."""
    if col.kind == "category":
        if value not in (col.values or ()):
            raise InputError(f"{what} {value!r} is not in the vocabulary {{{', '.join(col.values or ())}}}")
        return value  # type: ignore[return-value]
    if col.kind == "bool":
        if not isinstance(value, bool):
            raise InputError(f"{what} must be true or false, not {value!r}")
        return value
    if col.kind == "float":
        try:
            number = float(value) if not isinstance(value, bool) else math.nan  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number):
            raise InputError(f"{what} must be a number, not {_short(value)}")
        return number
    if col.kind in TEXT_OF:
        pattern, kind = TEXT_OF[col.kind]
        if isinstance(value, kind) and (col.kind != "date" or not isinstance(value, dt.datetime)):
            return value.isoformat()
        if not (isinstance(value, str) and pattern.fullmatch(value) and _iso(kind, value)):
            raise InputError(f"{what} must be a {col.kind} (e.g. {EXAMPLES[col.kind]}), not {_short(value)}")
        return value
    if isinstance(value, dict | list):
        raise InputError(f"{what} must be text, not {_kind_of(value)}")
    return str(value)


def _iso(kind: type, text: str) -> bool:
    try:
        kind.fromisoformat(text)  # type: ignore[attr-defined]
    except ValueError:
        return False  # e.g. 2020-13-45 or 25:99
    return True


EXAMPLES = {"date": "2020-01-31", "time": "13:45", "timestamp": "2020-01-31 13:45:00"}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _rule(col: Column, spec: object) -> ColumnRule:
    if isinstance(spec, str):
        spec = {"from": spec}
    if not isinstance(spec, dict) or "from" not in spec:
        raise InputError("column rule needs a 'from' source column")
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise InputError(
            f"unknown keys {sorted(unknown)} in rule; a rule takes {', '.join(sorted(RULE_KEYS))}"
        )
    values = spec.get("values", {})
    if not isinstance(values, dict):
        raise InputError(f"values must be a table of source code = standard value, not {_kind_of(values)}")
    contains = spec.get("contains", [])
    if not isinstance(contains, list) or not all(isinstance(c, str) for c in contains):
        raise InputError("contains must be a list of text codes")
    split, fmt = spec.get("split"), spec.get("format")
    if "contains" in spec:
        col = Column(col.name, "bool")  # the rule answers "does the list contain one of these?"
    missing = spec.get("missing")
    hashed = spec.get("hash", True)
    if not isinstance(hashed, bool):
        raise InputError(f"hash must be true or false, not {_short(hashed)}")
    replace = spec.get("replace", {})
    if not isinstance(replace, dict) or not all(isinstance(v, str) for v in replace.values()):
        raise InputError("replace must be a table of text = replacement text")
    default = spec.get("else")
    if default is not None and "contains" in spec:
        raise InputError("else does not go with contains: such a rule is already true or false for every row")
    if fmt is not None:
        _text(fmt, "format")
        if "%" in FORMAT_SPEC.sub("", fmt):
            raise InputError(f"format {fmt!r} has a % code that is not a date/time code (e.g. %Y-%m-%d)")
    return ColumnRule(
        target=col.name,
        source=_text(spec["from"], "from"),
        values={
            str(k): "" if v == "" else _standard_value(col, v, f"value for {k!r}") for k, v in values.items()
        },
        split=None if split is None else _text(split, "split"),
        contains=tuple(contains),
        missing=None if missing is None else _standard_value(col, missing, "missing"),
        format=fmt,
        hash=hashed,
        replace=dict(replace),
        default=None if default is None else "" if default == "" else _standard_value(col, default, "else"),
    )


def _spelling(text: str) -> str:
    """A code's letters and digits, lower case: "White" and "WHITE " are spellings of white, "W" is not."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def check_timezone(tz: object) -> str:
    """An IANA time zone name, checked now so a typo is one clear error rather than a failure mid-query."""
    if not isinstance(tz, str) or not tz:
        raise InputError(f"tz must be an IANA time zone name (e.g. America/New_York), not {_kind_of(tz)}")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"tz {_short(tz)} is not an IANA time zone name (e.g. America/New_York)") from exc
    return tz


def _source(source: dict[str, Any]) -> dict[str, Any]:
    unknown = set(source) - {"delimiter", "encoding", "sheet", "missing"}
    if unknown:
        raise InputError(
            f"unknown keys {sorted(unknown)} in [source]; use delimiter, encoding, sheet or missing"
        )
    missing = source.get("missing")
    if missing is not None and (
        not isinstance(missing, list) or not all(isinstance(m, str) and m.strip() for m in missing)
    ):
        raise InputError('missing must be a list of non-blank text codes (e.g. ["NA", "-"])')
    delimiter = source.get("delimiter")
    if delimiter is not None and (
        not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'
    ):
        raise InputError(
            f"delimiter must be one character (not a quote or line break), not {_short(delimiter)}"
        )
    encoding = source.get("encoding")
    if encoding is not None and (not isinstance(encoding, str) or encoding.lower() not in ENCODINGS):
        raise InputError(f"encoding must be one of {', '.join(ENCODINGS)}, not {_short(encoding)}")
    sheet = source.get("sheet")
    if sheet is not None:
        _text(sheet, "sheet")
    return dict(source)


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
