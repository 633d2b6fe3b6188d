"""A mapping tried on the head of a file, for the guided mapping page: what the first rows read as, column by
column (the source text beside the standard value), and how many cells of a sample of rows could not be
converted, by column and value. It loads through the loader itself (``load_table`` with a row limit), so the
preview and the validation that follows can never disagree on how a date or a code is read."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .load import connect, load_table, read_raw
from .mapping import Mapping
from .sql import ident
from .tables import TABLES

PREVIEW_ROWS = 6
SAMPLE_ROWS = 20_000  # enough to find most bad codes, small enough to answer as the user changes a choice
ISSUES_SHOWN = 12


@dataclass(frozen=True)
class Cell:
    source: str  # the cell as the file has it ("" when blank)
    standard: str  # what the standard table holds, in words ("not recorded" when missing)


@dataclass(frozen=True)
class Preview:
    n_read: int  # rows read (at most `sample_limit`)
    sample_limit: int
    columns: list[str]  # the standard columns mapped, in schema order
    rows: list[dict[str, Cell]]  # the first rows, per standard column
    problems: dict[str, int] = field(default_factory=dict)  # cells not converted, per standard column
    issues: list[tuple[str, str, str, int]] = field(default_factory=list)  # column, value, reason, cells
    folds: list[str] = field(default_factory=list)  # source codes merged into one standard value, in words

    @property
    def n_problem_cells(self) -> int:
        return sum(self.problems.values())

    @property
    def whole_file(self) -> bool:
        return self.n_read < self.sample_limit


def preview(
    path: str | Path, mapping: Mapping, rows: int = PREVIEW_ROWS, sample_rows: int = SAMPLE_ROWS
) -> Preview:
    """The mapping applied to the file's first `sample_rows` rows; the first `rows` of them shown cell by cell.

    Officer identifiers are hashed with a key made for the preview and thrown away: the page shows that they
    are hashed, never an identifier."""
    path = Path(path)
    key = secrets.token_bytes(32)
    with load_table(path, mapping, table=None, hash_key=key, limit=sample_rows, max_examples=1) as data:
        std = {c.name: c for c in TABLES[mapping.table]}
        columns = [c for c in std if c in data.columns]
        select = ", ".join(ident(c) for c in ["_row", *columns])
        standard = data.con.execute(
            f"SELECT {select} FROM {ident(data.table)} ORDER BY _row LIMIT {int(rows)}"
        )
        shown = standard.fetchall()
        report = data.validation
        n_read = data.n_rows
    sources = _source_rows(path, mapping, [mapping.rules[c].source for c in columns], rows)
    out_rows = []
    for values in shown:
        row_number, *cells = values
        raw = sources.get(int(row_number), {})
        out_rows.append(
            {
                c: Cell(raw.get(mapping.rules[c].source, ""), _words(v, std[c].kind))
                for c, v in zip(columns, cells, strict=True)
            }
        )
    problems: dict[str, int] = {}
    for issue in report.issues:
        problems[issue.column] = problems.get(issue.column, 0) + issue.count
    issues = [(i.column, i.value, i.reason, i.count) for i in report.issues]
    issues.sort(key=lambda i: -i[3])
    return Preview(
        n_read=n_read,
        sample_limit=sample_rows,
        columns=columns,
        rows=out_rows,
        problems=problems,
        issues=issues[:ISSUES_SHOWN],
        folds=[f.describe() for f in report.folds],
    )


def _source_rows(path: Path, mapping: Mapping, sources: list[str], rows: int) -> dict[int, dict[str, str]]:
    """The first rows' cells as the file has them, by row number (1 = the first data row)."""
    con, tmp = connect()
    try:
        read_raw(con, path, mapping.source, limit=rows)
        names = list(dict.fromkeys(sources))
        if not names:
            return {}
        cast = ", ".join(f"CAST({ident(n)} AS VARCHAR)" for n in names)
        found = con.execute(f"SELECT rowid + 1, {cast} FROM raw_t ORDER BY rowid").fetchall()
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        int(r[0]): {n: "" if v is None else str(v) for n, v in zip(names, r[1:], strict=True)} for r in found
    }


def _words(value: object, kind: str) -> str:
    if value is None:
        return "not recorded"
    if kind == "id":
        return "an identifier, hashed"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
