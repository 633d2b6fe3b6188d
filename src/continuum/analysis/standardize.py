"""Turn one mapping rule into SQL: the standard value, and the condition under which a cell is a problem.

Everything stays in SQL so DuckDB (or Spark) converts the rows where they live; Python never loops over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError
from .mapping import ColumnRule
from .schema import BY_NAME, MISSING_MARKERS, SQL_TYPES, Column
from .sql import ident, in_list, lit

TRUE_WORDS = ("true", "t", "1", "yes", "y")
FALSE_WORDS = ("false", "f", "0", "no", "n")
NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "UTINYINT", "USMALLINT")


@dataclass(frozen=True)
class ColumnSQL:
    target: str
    source: str
    expr: str  # the standard value
    problem: str | None  # SQL condition true where a non-blank cell could not be converted
    value_sql: str  # SQL for the offending value to report
    reason: str


# A clock time followed by a UTC offset (Z, +hh, -hh:mm, -hhmm): the moment is absolute, its local day is not.
OFFSET_RE = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$"
ZONE_CODES = ("%z", "%Z")


def has_offset_sql(v: str) -> str:
    """SQL: the text ends in a UTC offset after a clock time (a bare date's ``-31`` is not one)."""
    return f"regexp_matches({v}, {lit(OFFSET_RE)})"


def zoned_format(fmt: str | None) -> bool:
    return bool(fmt) and any(code in fmt for code in ZONE_CODES)  # type: ignore[operator]


def _no_zone(what: str) -> InputError:
    return InputError(
        f"{what} carries a UTC offset, so its local date and time depend on the data's time zone: declare it "
        'in the mapping ([params] tz = "America/New_York", an IANA name)'
    )


def _local(instant: str, tz: str | None, what: str) -> str:
    """SQL: an absolute moment (TIMESTAMP WITH TIME ZONE) as the wall-clock time in the data's zone."""
    if not tz:
        raise _no_zone(what)
    return f"timezone({lit(tz)}, {instant})"


def _moment(col: Column, v: str, fmt: str | None, tz: str | None) -> tuple[str, str]:
    """Date/time/timestamp text to the standard type; text with an offset is first moved to local time, so a
    stop at 22:10 -04:00 stays on its own evening instead of becoming 02:10 UTC the next day."""
    typ = SQL_TYPES[col.kind]
    if fmt and zoned_format(fmt):
        local = _local(f"try_strptime({v}, {lit(fmt)})", tz, f"format {fmt!r}")
        return f"CAST({local} AS {typ})", f"not a {col.kind} in format {fmt}"
    if fmt:
        return f"CAST(try_strptime({v}, {lit(fmt)}) AS {typ})", f"not a {col.kind} in format {fmt}"
    plain = f"TRY_CAST({v} AS {typ})"
    zoned = f"CAST({_local(f'TRY_CAST({v} AS TIMESTAMPTZ)', tz, 'a value')} AS {typ})" if tz else "NULL"
    return f"CASE WHEN {has_offset_sql(v)} THEN {zoned} ELSE {plain} END", f"not a {col.kind}"


def _fallback(col: Column, v: str, fmt: str | None, tz: str | None = None) -> tuple[str, str]:
    """Conversion used when a value is not in the rule's value map, and the reason when it fails."""
    if col.kind == "category":
        assert col.values is not None
        return (
            f"CASE WHEN lower({v}) IN {in_list(col.values)} THEN lower({v}) END",
            f"not in the mapping nor the vocabulary {{{', '.join(col.values)}}}",
        )
    if col.kind == "bool":
        return (
            f"CASE WHEN lower({v}) IN {in_list(TRUE_WORDS)} THEN TRUE "
            f"WHEN lower({v}) IN {in_list(FALSE_WORDS)} THEN FALSE END",
            "not a true/false value",
        )
    if col.kind in ("date", "time", "timestamp"):
        return _moment(col, v, fmt, tz)
    if col.kind == "float":
        return f"TRY_CAST({v} AS DOUBLE)", "not a number"
    return v, "not text"


def _out_sql(out: object, kind: str) -> str:
    """SQL literal of a standard value a mapping names ("" is not recorded)."""
    if out == "":
        return "NULL"
    if kind == "bool":
        return lit(bool(out))
    if kind == "float":
        return lit(float(out))  # type: ignore[arg-type]
    return lit(str(out))


def _with_default(fallback: str, rule: ColumnRule, kind: str, v: str) -> str:
    """The conversion of a code the value map does not list: the rule's ``else`` value when the standard
    conversion (the vocabulary, true/false words, a number) finds none; a blank or NA cell stays missing."""
    if rule.default is None:
        return fallback
    return f"CASE WHEN {v} IS NULL THEN NULL ELSE coalesce(({fallback}), {_out_sql(rule.default, kind)}) END"


def _case(values: dict, v: str, fallback: str, kind: str) -> str:
    if not values:
        return fallback
    whens = [f"WHEN {lit(str(key))} THEN {_out_sql(out, kind)}" for key, out in values.items()]
    return f"CASE {v} {' '.join(whens)} ELSE ({fallback}) END"


def column_sql(
    rule: ColumnRule,
    source_type: str,
    col: Column | None = None,
    *,
    missing: tuple[str, ...] = MISSING_MARKERS,
    tz: str | None = None,
) -> ColumnSQL:
    """SQL for one rule; ``missing`` markers (other than codes the rule maps) read as not recorded, and ``tz``
    is the data's local time zone for values carrying a UTC offset."""
    col = col or BY_NAME[rule.target]
    markers = tuple(m for m in missing if m not in rule.values)
    if col.multi:
        return _multi_sql(rule, source_type, col, markers)
    src = ident(rule.source)
    typ = source_type.upper()
    # Typed sources (Parquet, DuckDB) that already hold the right type pass straight through; an absolute
    # moment (TIMESTAMP WITH TIME ZONE) is first moved to the data's local time.
    if not rule.values and not rule.split and rule.missing is None and rule.default is None:
        if col.kind in ("date", "time", "timestamp") and typ in ("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"):
            local = _local(src, tz, f"source column {rule.source!r} (TIMESTAMP WITH TIME ZONE)")
            return ColumnSQL(
                rule.target, rule.source, f"CAST({local} AS {SQL_TYPES[col.kind]})", None, "", ""
            )
        direct = (
            (col.kind == "date" and typ == "DATE")
            or (col.kind == "time" and typ == "TIME")
            or (col.kind == "timestamp" and typ.startswith("TIMESTAMP"))
            or (col.kind == "bool" and typ == "BOOLEAN")
            or (col.kind == "float" and typ in NUMERIC)
        )
        if direct:
            return ColumnSQL(rule.target, rule.source, f"CAST({src} AS {SQL_TYPES[col.kind]})", None, "", "")
        if col.kind in ("date", "time") and typ.startswith("TIMESTAMP"):
            return ColumnSQL(rule.target, rule.source, f"CAST({src} AS {SQL_TYPES[col.kind]})", None, "", "")
    cell = f"NULLIF(trim(CAST({src} AS VARCHAR)), '')"
    v = _replaced(_unmarked(cell, markers), rule)
    explicit_missing = [k for k, out in rule.values.items() if out == ""]
    fallback, reason = _fallback(col, "x" if rule.split else v, rule.format, tz)
    fallback = _with_default(fallback, rule, col.kind, "x" if rule.split else v)

    if rule.split:
        tokens = (
            f"list_filter(list_transform(string_split({v}, {lit(rule.split)}), lambda x: "
            f"{_unmarked('NULLIF(trim(x), ' + lit('') + ')', markers)}), "
            "lambda x: x IS NOT NULL)"
        )
        if rule.contains:
            hits = f"list_filter({tokens}, lambda x: x IN {in_list(rule.contains)})"
            expr = f"CASE WHEN {v} IS NULL THEN NULL ELSE len({hits}) > 0 END"
            problem = None
            value_sql = ""
        else:
            per_token = _case(rule.values, "x", fallback, col.kind)
            mapped = f"list_transform({tokens}, lambda x: {per_token})"
            if col.kind == "category":
                assert col.values is not None
                # several bases in one cell: the first in vocabulary order wins
                expr = (
                    "CASE "
                    + " ".join(
                        f"WHEN list_contains({mapped}, {lit(val)}) THEN {lit(val)}" for val in col.values
                    )
                    + " END"
                )
            else:
                expr = f"list_filter({mapped}, lambda x: x IS NOT NULL)[1]"
            missing_ok = f"x NOT IN {in_list(explicit_missing)}" if explicit_missing else "TRUE"
            bad = f"list_filter({tokens}, lambda x: ({per_token}) IS NULL AND {missing_ok})"
            problem = f"len({bad}) > 0"
            value_sql = f"array_to_string({bad}, {lit(rule.split)})"
            reason = "listed value(s) " + reason
    else:
        expr = _case(rule.values, v, fallback, col.kind)
        problem = f"{v} IS NOT NULL AND ({expr}) IS NULL"
        if explicit_missing:
            problem += f" AND {v} NOT IN {in_list(explicit_missing)}"
        value_sql = v
    if rule.default is not None:  # every code has a value now: nothing is left unmapped
        problem, value_sql = None, ""
    if rule.missing is not None:
        expr = f"CASE WHEN {v} IS NULL THEN {lit(rule.missing)} ELSE ({expr}) END"
    expr = f"CAST(({expr}) AS {SQL_TYPES[col.kind]})"
    return ColumnSQL(rule.target, rule.source, expr, problem, value_sql, reason)


def _unmarked(v: str, markers: tuple[str, ...]) -> str:
    """SQL: the text, or NULL when it is a missing marker (NA): a marker is never a category or a district."""
    return f"CASE WHEN {v} IN {in_list(markers)} THEN NULL ELSE {v} END" if markers else v


LIST_STRIP = " []'" + '"'  # trimmed from each entry of a list column


def marker_count_sql(rule: ColumnRule, col: Column, missing: tuple[str, ...]) -> str:
    """SQL: how many of the row's values a missing marker made missing (the cell, or its list entries); codes
    the rule maps are not markers."""
    markers = tuple(m for m in missing if m not in rule.values)
    if not markers or col.kind not in (
        "category",
        "text",
        "float",
        "bool",
        "date",
        "time",
        "timestamp",
        "id",
    ):
        return "0"
    cell = f"NULLIF(trim(CAST({ident(rule.source)} AS VARCHAR)), '')"
    split = rule.split or ("," if col.multi else None)
    strip = LIST_STRIP if col.multi else " "
    whole = f"CAST(coalesce({cell} IN {in_list(markers)}, FALSE) AS INTEGER)"
    if not split:
        return whole
    entries = (
        f"coalesce(len(list_filter(string_split({cell}, {lit(split)}), "
        f"lambda x: trim(x, {lit(strip)}) IN {in_list(markers)})), 0)"
    )
    return f"CASE WHEN {whole} = 1 THEN 1 ELSE {entries} END"


def _replaced(v: str, rule: ColumnRule) -> str:
    for old, new in rule.replace.items():
        v = f"replace({v}, {lit(old)}, {lit(new)})"
    return v


def _multi_sql(rule: ColumnRule, source_type: str, col: Column, markers: tuple[str, ...] = ()) -> ColumnSQL:
    """A list column: every entry mapped in place (a blank, unmapped or NA entry is NULL, so entry i stays
    subject i), one trailing separator ignored, stray quotes and brackets from list-like exports trimmed."""
    src = ident(rule.source)
    sep = rule.split or ","
    cell = f"NULLIF(trim(CAST({src} AS VARCHAR)), '')"
    v = _replaced(_unmarked(cell, markers), rule)
    body = f"regexp_replace({v}, {lit(r'\s*' + _re_escape(sep) + r'\s*$')}, '')"
    strip = lit(LIST_STRIP)
    entry = _unmarked(f"NULLIF(trim(x, {strip}), '')", markers)
    tokens = f"list_transform(string_split({body}, {lit(sep)}), lambda x: {entry})"
    fallback, reason = _fallback(col, "x", rule.format)
    per_token = _case(rule.values, "x", _with_default(fallback, rule, col.kind, "x"), col.kind)
    typ = SQL_TYPES[col.kind]
    expr = f"CAST(CASE WHEN {v} IS NULL THEN NULL ELSE list_transform({tokens}, lambda x: {per_token}) END AS {typ}[])"
    explicit_missing = [k for k, out in rule.values.items() if out == ""]
    missing_ok = f"x NOT IN {in_list(explicit_missing)}" if explicit_missing else "TRUE"
    bad = f"list_filter({tokens}, lambda x: x IS NOT NULL AND ({per_token}) IS NULL AND {missing_ok})"
    return ColumnSQL(
        rule.target,
        rule.source,
        expr,
        None if rule.default is not None else f"{v} IS NOT NULL AND len({bad}) > 0",
        f"array_to_string({bad}, {lit(sep)})",
        "listed value(s) " + reason,
    )


def _re_escape(s: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() else ch for ch in s)
