"""Read CSV, Excel or Parquet into DuckDB, convert to the standard schema, hash officer ids, validate.

DuckDB reads the file itself and keeps the table in a temporary on-disk database, so files larger than
memory load; Python only touches the header, the distinct officer ids, and (for Excel) the workbook stream.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import hmac
import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from .errors import InputError
from .mapping import ELSE_CODE, Mapping, check_timezone
from .reduce import Reducer
from .schema import SQL_TYPES, Column
from .sql import ident, in_list, lit
from .standardize import (
    LIST_STRIP,
    ColumnSQL,
    _replaced,
    column_sql,
    has_offset_sql,
    marker_count_sql,
    zoned_format,
)
from .tables import TABLES
from .validate import Fold, Issue, ValidationReport

HASH_KEY_ENV = "CONTINUUM_HASH_KEY"
DELIMITERS = (",", ";", "\t", "|")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_officer_id(raw: str, key: bytes) -> str:
    """Keyed HMAC-SHA256: stable across files for one key, useless without it."""
    return hmac.new(key, raw.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass
class StopData:
    """Standardised stops in a DuckDB table; analyses read ``table`` through ``con``."""

    con: duckdb.DuckDBPyConnection
    table: str
    path: Path
    n_rows: int
    columns: frozenset[str]
    mapping: Mapping
    validation: ValidationReport
    input_sha256: str
    _tmpdir: str | None = field(default=None, repr=False)
    kind: str = "stops"  # the standard table type (tables.TABLES)
    reducer: Reducer | None = field(default=None, repr=False)  # analyses' default (e.g. Spark); else DuckDB

    def close(self) -> None:
        self.con.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> StopData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


WORK_DIR_ENV = "CONTINUUM_WORK_DIR"


def work_folder() -> str:
    """A new folder for one load's database and spill files: under $CONTINUUM_WORK_DIR when set (the platform
    points it at a folder of its own, which it sweeps after a crash), else the system's temporary directory."""
    root = os.environ.get(WORK_DIR_ENV) or None
    if root:
        os.makedirs(root, exist_ok=True)
    return tempfile.mkdtemp(prefix="continuum-", dir=root)


def connect(memory_limit: str | None = None) -> tuple[duckdb.DuckDBPyConnection, str]:
    tmp = work_folder()
    con = duckdb.connect(os.path.join(tmp, "stops.duckdb"))
    con.execute(f"SET temp_directory = {lit(os.path.join(tmp, 'spill'))}")
    con.execute(f"SET memory_limit = {lit(memory_limit or os.environ.get('CONTINUUM_DUCKDB_MEMORY', '2GB'))}")
    con.execute("SET preserve_insertion_order = true")
    return con, tmp


def _detect_encoding(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a multi-byte character cut by our 1 MiB window
            return "utf-8"
        return "latin-1"


def _read_header(path: Path, encoding: str, delimiter: str | None) -> tuple[list[str], str]:
    try:
        with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
            sample = f.read(1 << 16)
    except UnicodeDecodeError as exc:
        raise InputError(f"the header is not {encoding} text ({exc.reason})", file=str(path), row=1) from exc
    if not sample.strip():
        raise InputError("file is empty", file=str(path))
    first_line = sample.splitlines()[0]
    if delimiter is None:
        delimiter = max(DELIMITERS, key=first_line.count)
    try:
        header = next(csv.reader(io.StringIO(sample, newline=None), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"the header cannot be read as CSV ({exc})", file=str(path), row=1) from exc
    names = _row_names_named([h.strip() for h in header])
    _check_header(names, path)
    return names, delimiter


def _check_header(names: list[str], path: Path) -> None:
    """Every column needs its own name for a mapping to name it: say which one does not, and where."""
    for i, name in enumerate(names, start=1):
        if not name:
            problem = f"column {i} has no name"
        elif name in names[: i - 1]:
            problem = f"{name[:80]!r} names columns {names.index(name) + 1} and {i}"
        else:
            continue
        raise InputError(
            f"header has blank or duplicate column names ({problem}): give every column its own name",
            file=str(path),
            row=1,
        )


ROW_NAMES = "row_names"


def _row_names_named(names: list[str]) -> list[str]:
    """Name the blank first column that R's write.csv and pandas' to_csv add for row names (an OPP RDS turned
    into CSV starts ``"","raw_row_number",...``), so such a file loads; any other blank name stays an error."""
    if len(names) > 1 and names[0] == "" and all(names[1:]) and ROW_NAMES not in names:
        return [ROW_NAMES, *names[1:]]
    return names


def _csv_error(path: Path, exc: Exception) -> InputError:
    msg = str(exc)
    m = re.search(r"Line:\s*(\d+)", msg)
    # DuckDB's message ends with the reader's settings ("quote = ..."); the reason comes before them.
    lines = [
        ln.strip() for ln in msg.split("Possible Solution")[0].split("file =")[0].splitlines() if ln.strip()
    ]
    lines = [ln for ln in lines if not ln.startswith("Original Line")]  # the row itself may be huge
    reason = next(
        (
            ln
            for ln in lines
            if re.search(r"unterminated|Expected Number|Invalid unicode|Maximum line size|quote", ln, re.I)
        ),
        lines[0] if lines else "unreadable CSV",
    )
    return InputError(f"CSV cannot be parsed: {reason}", file=str(path), row=int(m.group(1)) if m else None)


def _load_csv(con: duckdb.DuckDBPyConnection, path: Path, source: dict, limit: int | None = None) -> None:
    encoding = _detect_encoding(path, source.get("encoding"))
    names, delim = _read_header(path, encoding, source.get("delimiter"))
    cols = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    enc = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "latin1": "latin-1"}.get(
        encoding.lower(), encoding.lower()
    )
    try:
        con.execute(
            f"CREATE TABLE raw_t AS SELECT * FROM read_csv({lit(str(path))}, auto_detect=false, header=true, "
            f"columns={cols}, delim={lit(delim)}, quote='\"', escape='\"', strict_mode=true, "
            f"encoding={lit(enc)}, parallel=true)" + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
    except duckdb.Error as exc:
        raise _csv_error(path, exc) from exc


def _cell(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()  # type: ignore[no-any-return]
    return str(v)


UNPACKED_ENV, DEFAULT_UNPACKED_MB = "CONTINUUM_MAX_UNPACKED_MB", 512


def workbook_unpacked_problem(file) -> str | None:
    """Why a workbook may not be opened, judged from its zip directory alone (a path or an open file), or None.

    An XLSX file is a zip of XML: 8 MB can unpack to gigabytes that the reader must parse and hold. The sizes
    the directory declares bound what reading can produce (zipfile stops at them), so checking them first
    bounds the work."""
    limit = int(os.environ.get(UNPACKED_ENV, DEFAULT_UNPACKED_MB))
    try:
        with zipfile.ZipFile(file) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"not a readable Excel workbook ({exc})"
    if total > limit * 1024 * 1024:
        return (
            f"the workbook unpacks to {total / 1024 / 1024:,.0f} MB, more than the {limit:,} MB a workbook may "
            f"unpack to ({UNPACKED_ENV}); save the sheet as CSV and upload that"
        )
    return None


def _load_excel(con: duckdb.DuckDBPyConnection, path: Path, source: dict, limit: int | None = None) -> None:
    import openpyxl

    problem = workbook_unpacked_problem(path)
    if problem:
        raise InputError(problem, file=str(path))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise InputError(f"not a readable Excel workbook ({exc})", file=str(path)) from exc
    sheet = source.get("sheet")
    if sheet is not None and sheet not in wb.sheetnames:
        raise InputError(
            f"no sheet {sheet!r} (sheets: {wb.sheetnames}): set [source] sheet to one of them", file=str(path)
        )
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError("workbook sheet is empty", file=str(path))
    names = [str(h).strip() if h is not None else "" for h in header]
    _check_header(names, path)
    schema = pa.schema([(n, pa.string()) for n in names])
    con.execute("CREATE TABLE raw_t (" + ", ".join(f"{ident(n)} VARCHAR" for n in names) + ")")
    batch: list[list[str | None]] = []

    def flush() -> None:
        if batch:
            cols = list(zip(*batch, strict=True))
            tbl = pa.Table.from_arrays([pa.array(c, pa.string()) for c in cols], schema=schema)  # noqa: F841
            con.execute("INSERT INTO raw_t SELECT * FROM tbl")
            batch.clear()

    taken = 0
    for r in rows:
        if limit is not None and taken >= limit:
            break
        cells = [_cell(v) for v in r][: len(names)]
        cells += [None] * (len(names) - len(cells))
        if any(c is not None for c in cells):
            batch.append(cells)
            taken += 1
        if len(batch) >= 50_000:
            flush()
    flush()
    wb.close()


def read_raw(
    con: duckdb.DuckDBPyConnection, path: Path, source: dict | None = None, limit: int | None = None
) -> None:
    """The file as it is (CSV and Excel as text) in table ``raw_t``, its first ``limit`` rows when given; an
    unreadable file is an InputError naming it."""
    source = source or {}
    fmt = _format(path)
    if fmt == "parquet":
        cap = f" LIMIT {int(limit)}" if limit is not None else ""
        try:
            con.execute(f"CREATE TABLE raw_t AS SELECT * FROM read_parquet({lit(str(path))}){cap}")
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            raise InputError(f"not a readable Parquet file ({reason})", file=str(path)) from exc
    elif fmt == "excel":
        _load_excel(con, path, source, limit=limit)
    else:
        _load_csv(con, path, source, limit=limit)


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".xlsx", ".xlsm"):
        return "excel"
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == b"PAR1":
        return "parquet"
    if magic == b"PK\x03\x04":
        return "excel"
    return "csv"


def load_stops(
    path: str | Path,
    mapping: Mapping | str | Path | None = None,
    *,
    hash_key: str | bytes | None = None,
    memory_limit: str | None = None,
    max_examples: int = 10,
    tz: str | None = None,
) -> StopData:
    """Load a stops file into DuckDB in the standard schema and validate every converted cell."""
    return load_table(
        path,
        mapping,
        table=None,
        hash_key=hash_key,
        memory_limit=memory_limit,
        max_examples=max_examples,
        tz=tz,
    )


def load_table(
    path: str | Path,
    mapping: Mapping | str | Path | None = None,
    *,
    table: str | None = "stops",
    hash_key: str | bytes | None = None,
    memory_limit: str | None = None,
    max_examples: int = 10,
    tz: str | None = None,
    limit: int | None = None,
) -> StopData:
    """Load any standard table (``tables.TABLES``) the same way; ``table=None`` takes the mapping's own.

    A mapping written for another table is refused: its columns would silently not match. ``tz`` (an IANA
    name) is the data's local time zone when the mapping declares none (OPP files load with no mapping).
    ``limit`` reads only the file's first rows (a preview of a mapping: ``preview.preview``).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = Mapping.from_toml(mapping)
    if mapping is not None and table is not None and mapping.table != table:
        raise InputError(
            f"mapping {mapping.name!r} is for {mapping.table!r} data, not {table!r}: use a mapping that starts "
            f'table = "{table}", or an analysis of {mapping.table.replace("_", " ")} data',
            file=str(path),
        )
    kind = mapping.table if mapping is not None else (table or "stops")
    con, tmp = connect(memory_limit)
    try:
        fmt = _format(path)
        source = mapping.source if mapping else {}
        if fmt == "parquet":
            try:
                cap = f" LIMIT {int(limit)}" if limit is not None else ""
                con.execute(
                    f"CREATE VIEW raw AS SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
                    f"FROM read_parquet({lit(str(path))}, file_row_number=true){cap}"
                )
            except duckdb.Error as exc:
                raise InputError(
                    f"not a readable Parquet file ({str(exc).splitlines()[0]})", file=str(path)
                ) from exc
        else:
            if fmt == "excel":
                _load_excel(con, path, source, limit=limit)
            else:
                _load_csv(con, path, source, limit=limit)
            con.execute("CREATE VIEW raw AS SELECT rowid + 1 AS _row, * FROM raw_t")
        described = con.execute("DESCRIBE raw").fetchall()
        types = {r[0]: r[1] for r in described if r[0] != "_row"}
        n_rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]  # type: ignore[index]
        if n_rows == 0:
            raise InputError("file has a header but no data rows", file=str(path))
        if mapping is None:
            mapping = Mapping.identity(list(types), kind)
            if not mapping.rules:
                noun = "stop" if kind == "stops" else kind.replace("_", " ")
                raise InputError(
                    f"no column matches the standard {noun} schema; supply a mapping "
                    "(`continuum data profile FILE` drafts one)",
                    file=str(path),
                )
        missing = sorted({r.source for r in mapping.rules.values() if r.source not in types})
        if len(missing) == len({r.source for r in mapping.rules.values()}):
            raise InputError(
                f"mapping {mapping.name!r} maps nothing: none of its source columns are in this file "
                f"(wrong table?); file has {list(types)[:8]}",
                file=str(path),
            )
        if missing:
            raise InputError(
                f"mapping {mapping.name!r} names source column(s) not in the file: {missing}; "
                f"{_closest(missing[0], list(types))}correct the rule's from = ... to a column of the file",
                file=str(path),
                column=missing[0],
            )
        if tz is not None:
            mapping = replace(mapping, params={**mapping.params, "tz": check_timezone(tz)})
        data = _standardize(con, path, mapping, types, n_rows, hash_key, max_examples)
        data._tmpdir = tmp
        return data
    except BaseException:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _standardize(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    types: dict[str, str],
    n_rows: int,
    hash_key: str | bytes | None,
    max_examples: int,
) -> StopData:
    std = TABLES[mapping.table]
    by_name = {c.name: c for c in std}
    _refuse_offsets_without_zone(con, path, mapping, types, by_name)
    markers, folds = _markers_and_folds(con, mapping, by_name)
    cleaned = _clear_markers(con, mapping, types)
    specs: dict[str, ColumnSQL] = {}
    for t, rule in mapping.rules.items():
        # a cleaned column has no whole-cell marker left; list entries are still checked one by one
        whole = rule.source in cleaned and not rule.split and not by_name[t].multi
        try:
            specs[t] = column_sql(
                rule,
                types[rule.source],
                by_name[t],
                missing=() if whole else mapping.missing_markers,
                tz=mapping.timezone,
            )
        except InputError as exc:
            raise InputError(exc.reason, file=str(path), column=rule.source) from exc
    select = ["raw._row AS _row"]
    joins = ""
    for col in std:
        if col.name not in specs:
            continue
        rule = mapping.rules[col.name]
        if col.kind == "id" and rule.hash:
            key = hash_key if hash_key is not None else os.environ.get(HASH_KEY_ENV)
            if not key:
                raise InputError(
                    f"officer ids must be hashed on load: set {HASH_KEY_ENV} (the key is never stored)",
                    file=str(path),
                    column=rule.source,
                )
            kb = key.encode() if isinstance(key, str) else key
            src = _id_sql(f"CAST({ident(rule.source)} AS VARCHAR)", mapping.missing_markers)
            ids = [
                r[0]
                for r in con.execute(f"SELECT DISTINCT {src} FROM raw WHERE {src} IS NOT NULL").fetchall()
            ]
            keys = pd.DataFrame({"raw_id": ids, "id_hash": [hash_officer_id(i, kb) for i in ids]})  # noqa: F841
            con.execute("CREATE OR REPLACE TEMP TABLE officer_keys AS SELECT * FROM keys")
            raw_src = _id_sql(f"CAST(raw.{ident(rule.source)} AS VARCHAR)", mapping.missing_markers)
            joins = f" LEFT JOIN officer_keys ok ON ok.raw_id = {raw_src}"
            select.append(f"ok.id_hash AS {ident(col.name)}")
        else:
            select.append(f"{specs[col.name].expr} AS {ident(col.name)}")
    name = "stops" if mapping.table == "stops" else mapping.table
    try:
        con.execute(f"CREATE TABLE {ident(name)} AS SELECT {', '.join(select)} FROM raw{joins}")
    except duckdb.Error as exc:  # a conversion the checks above did not foresee: a reason, not a traceback
        reason = str(exc).splitlines()[0]
        raise InputError(
            f"the file could not be converted to the standard table ({reason})", file=str(path)
        ) from exc

    con.execute(
        "CREATE TABLE problems (_row BIGINT, column_name VARCHAR, source_column VARCHAR, value "
        "VARCHAR, reason VARCHAR)"
    )
    for target, spec in specs.items():
        if spec.problem is not None:
            con.execute(
                f"INSERT INTO problems SELECT _row, {lit(target)}, {lit(spec.source)}, {spec.value_sql}, "
                f"{lit(spec.reason)} FROM raw WHERE {spec.problem}"
            )
    rows = con.execute(
        f"SELECT column_name, source_column, value, reason, count(*) AS n, "
        f"list(_row ORDER BY _row)[1:{max_examples}] FROM problems GROUP BY ALL ORDER BY "
        "column_name, n DESC, value"
    ).fetchall()
    issues = [Issue(c, s, str(v), r, int(n), tuple(ex)) for c, s, v, r, n, ex in rows]
    con.execute("DROP VIEW raw")
    con.execute("DROP TABLE IF EXISTS raw_t")
    con.execute("DROP TABLE IF EXISTS officer_keys")
    used = {r.source for r in mapping.rules.values()}
    report = ValidationReport(
        n_rows=n_rows,
        issues=issues,
        unmapped_columns=[c for c in types if c not in used],
        missing_markers=markers,
        folds=folds,
    )
    return StopData(
        con=con,
        table=name,
        path=path,
        n_rows=n_rows,
        columns=frozenset(specs),
        mapping=mapping,
        validation=report,
        input_sha256=file_sha256(path),
        kind=mapping.table,
    )


def _closest(name: str, columns: list[str]) -> str:
    """ "did you mean ...?" for a source column the file spells differently (case, spaces, a typo)."""
    import difflib

    lowered = {c.lower().strip(): c for c in columns}
    match = lowered.get(name.lower().strip()) or next(
        iter(difflib.get_close_matches(name, columns, n=1, cutoff=0.75)), None
    )
    return f"the file has {match!r}; " if match else f"the file has {', '.join(map(repr, columns[:12]))}; "


def _id_sql(cell: str, markers: tuple[str, ...]) -> str:
    """SQL: an identifier's text, or NULL when blank or a missing marker (NA is nobody, not one officer)."""
    text = f"NULLIF(trim({cell}), '')"
    return f"CASE WHEN {text} IN {in_list(markers)} THEN NULL ELSE {text} END" if markers else text


def _refuse_offsets_without_zone(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, types: dict[str, str], by_name: dict
) -> None:
    """A date or time with a UTC offset and no declared time zone: refuse, naming the first such cell, since
    taking its date in UTC (or as written) would move late-evening events to another day."""
    if mapping.timezone:
        return
    for target, rule in mapping.rules.items():
        if by_name[target].kind not in ("date", "time", "timestamp"):
            continue
        typ = types[rule.source].upper()
        cell = f"NULLIF(trim(CAST({ident(rule.source)} AS VARCHAR)), '')"
        if zoned_format(rule.format) or typ in ("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"):
            where = f"{cell} IS NOT NULL"
        elif typ == "VARCHAR" and not rule.format:
            where = has_offset_sql(cell)
        else:
            continue
        hit = con.execute(f"SELECT _row, {cell} FROM raw WHERE {where} ORDER BY _row LIMIT 1").fetchone()
        if hit:
            raise InputError(
                f"{hit[1]!r} carries a UTC offset, so its local date and time depend on the data's time zone: "
                'declare it in the mapping ([params] tz = "America/New_York", an IANA name)',
                file=str(path),
                row=int(hit[0]),
                column=rule.source,
            )


def _clear_markers(con: duckdb.DuckDBPyConnection, mapping: Mapping, types: dict[str, str]) -> set[str]:
    """Make every mapped text cell that is a missing marker (NA) NULL, once, in the loaded copy of a CSV or
    Excel file (a Parquet file is read in place: its rules check markers themselves). A column one of whose
    rules maps a marker keeps it (that rule gives the code its meaning). Returns the columns cleared."""
    markers = mapping.missing_markers
    is_copy = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'raw_t'").fetchone()[0]  # type: ignore[index]
    if not markers or not is_copy:
        return set()
    kept = {r.source for r in mapping.rules.values() if any(m in r.values for m in markers)}
    cleared = {
        r.source for r in mapping.rules.values() if r.source not in kept and types[r.source] == "VARCHAR"
    }
    if cleared:
        sets = ", ".join(
            f"{ident(c)} = CASE WHEN trim({ident(c)}) IN {in_list(markers)} THEN NULL ELSE {ident(c)} END"
            for c in sorted(cleared)
        )
        con.execute(f"UPDATE raw_t SET {sets}")
    return cleared


def _markers_and_folds(
    con: duckdb.DuckDBPyConnection, mapping: Mapping, by_name: dict
) -> tuple[dict[str, int], list[Fold]]:
    """Cells (or list entries) read as missing because they held a missing marker, per standard column (one
    scan); and every fold the mapping makes with how many cells (or entries) of each folded code the file
    holds, so a result can say what it merged (one grouped scan per folding rule, however many codes)."""
    counted = {t: marker_count_sql(r, by_name[t], mapping.missing_markers) for t, r in mapping.rules.items()}
    counted = {t: sql for t, sql in counted.items() if sql != "0"}
    markers: dict[str, int] = {}
    if counted:
        row = (
            con.execute(f"SELECT {', '.join(f'sum({e})' for e in counted.values())} FROM raw").fetchone()
            or ()
        )
        markers = {t: int(n) for t, n in zip(counted, row, strict=True) if n}
    folds = []
    for target, by_value in mapping.folds().items():
        rule = mapping.rules[target]
        codes = {code for cs in by_value.values() for code in cs}
        counts = _code_counts(con, rule, by_name[target], codes, mapping.missing_markers)
        folds += [Fold(target, rule.source, v, {c: counts[c] for c in cs}) for v, cs in by_value.items()]
    return markers, folds


def _code_counts(
    con: duckdb.DuckDBPyConnection, rule, col: Column, codes: set[str], markers: tuple[str, ...]
) -> dict[str, int]:
    """How many cells (for a list rule, list entries) hold each code; for the ``else`` code, how many neither
    the value map, the vocabulary nor a missing marker accounts for. A value map of thousands of codes costs
    one grouped scan, not an aggregate per code."""
    cell = _replaced(f"NULLIF(trim(CAST({ident(rule.source)} AS VARCHAR)), '')", rule)
    split = rule.split or ("," if col.multi else None)
    strip = lit(LIST_STRIP if col.multi else " ")
    entries = (
        f"(SELECT NULLIF(trim(unnest(string_split({cell}, {lit(split)})), {strip}), '') AS x FROM raw)"
        if split
        else f"(SELECT {cell} AS x FROM raw)"
    )
    counts = dict.fromkeys(codes, 0)
    plain = sorted(codes - {ELSE_CODE})
    if plain:
        rows = con.execute(
            f"SELECT x, count(*) FROM {entries} WHERE x IN {in_list(plain)} GROUP BY x"
        ).fetchall()
        counts.update({str(code): int(n) for code, n in rows})
    if ELSE_CODE in codes:
        known = tuple(rule.values) + tuple(markers)
        test = f"x IS NOT NULL AND x NOT IN {in_list(known)}" if known else "x IS NOT NULL"
        if col.values:
            test += f" AND lower(x) NOT IN {in_list(col.values)}"
        counts[ELSE_CODE] = int(con.execute(f"SELECT count(*) FROM {entries} WHERE {test}").fetchone()[0])  # type: ignore[index]
    return counts


# Text a spreadsheet would run as a formula. The problems file is opened in one and its values come from the
# agency's file, so they get a leading apostrophe, as the web app's exports do.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_safe_sql(expr: str) -> str:
    return f"CASE WHEN left({expr}, 1) IN {in_list(FORMULA_STARTS)} THEN concat('''', {expr}) ELSE {expr} END"


def write_problems(data: StopData, out: str | Path) -> int:
    """Every problem cell as a CSV row (row, column, source_column, value, reason); returns the count."""
    source, value = _formula_safe_sql("source_column"), _formula_safe_sql("value")
    data.con.execute(
        f"COPY (SELECT _row AS row, column_name AS column, {source} AS source_column, {value} AS value, reason "
        f"FROM problems ORDER BY _row, column_name) TO {lit(str(out))} (HEADER, DELIMITER ',')"
    )
    return int(data.con.execute("SELECT count(*) FROM problems").fetchone()[0])  # type: ignore[index]


__all__ = [
    "SQL_TYPES",
    "StopData",
    "file_sha256",
    "hash_officer_id",
    "load_stops",
    "load_table",
    "read_raw",
    "write_problems",
]
