"""The engine's side of a job, run in a bounded child process (continuum.analysis.limits): no Django here, only
paths, mappings and plain values in, a standard table on disk and plain values or a Result out."""

import shutil
from pathlib import Path
from typing import Any

import duckdb

from continuum.analysis.analyses import ANALYSES
from continuum.analysis.errors import InputError
from continuum.analysis.load import _csv_error, _format, _load_excel, connect, hash_officer_id
from continuum.analysis.mapping import Mapping
from continuum.analysis.results import Result
from continuum.analysis.sql import ident, lit

from . import engine


def standardize(raw: Path, mapping: Mapping | dict, table_type: str, key: str, out: Path) -> tuple[dict, int]:
    """Write the upload's standard table to `out`; (validation summary, rows)."""
    if not isinstance(mapping, Mapping):
        return standardize_other(raw, mapping, key, out)
    with engine.load(raw, mapping, table_type, hash_key=key) as data:
        data.con.execute(
            f"COPY (SELECT * EXCLUDE (_row) FROM {data.table} ORDER BY _row) TO {lit(str(out))} (FORMAT parquet)"
        )
        validation = data.validation.to_dict()
        validation["mapped_columns"] = sorted(data.columns)
        validation["unmapped_values"] = data.validation.unmapped_values()
        return validation, data.n_rows


def analyse(
    path: Path, mapping: Mapping | dict | None, table_type: str, key: str | None, analysis: str,
    params: dict[str, Any],
) -> Result:  # fmt: skip
    with engine.load(path, mapping, table_type, hash_key=key) as data:
        return ANALYSES[analysis](data, **params)


def standardize_other(raw: Path, spec: dict, key: str, out: Path) -> tuple[dict, int]:
    """Tables without an engine schema yet: keep the listed columns, hash the officer ones, drop the rest."""
    fmt = _format(raw)
    con, tmp = connect()
    try:
        try:
            if fmt == "parquet":
                con.execute(f"CREATE TABLE raw_t AS SELECT * FROM read_parquet({lit(str(raw))})")
            elif fmt == "excel":
                _load_excel(con, raw, {})
            else:
                con.execute(
                    f"CREATE TABLE raw_t AS SELECT * FROM read_csv({lit(str(raw))}, all_varchar=true, header=true, "
                    "strict_mode=true)"
                )
        except duckdb.Error as error:
            raise _csv_error(raw, error) from error
        actual = {r[0].lstrip("\ufeff"): r[0] for r in con.execute("DESCRIBE raw_t").fetchall()}
        columns = list(actual)
        wanted = spec["keep"] + spec["hash"]
        missing = [c for c in wanted if c not in actual]
        if len(missing) == len(wanted):
            raise InputError(f"the mapping maps nothing: none of its columns are in this file (wrong table?); "
                             f"file has {columns[:8]}", file=str(raw))  # fmt: skip
        if missing:
            raise InputError(
                f"the mapping names column(s) not in the file: {missing}", file=str(raw), column=missing[0]
            )
        n_rows = con.execute("SELECT count(*) FROM raw_t").fetchone()[0]
        if n_rows == 0:
            raise InputError("file has a header but no data rows", file=str(raw))
        select = [f"{ident(actual[c])} AS {ident(c)}" for c in spec["keep"]]
        kb = key.encode()
        for i, col in enumerate(spec["hash"]):
            src = f"NULLIF(trim(CAST({ident(actual[col])} AS VARCHAR)), '')"
            ids = [
                r[0]
                for r in con.execute(f"SELECT DISTINCT {src} FROM raw_t WHERE {src} IS NOT NULL").fetchall()
            ]
            con.execute(f"CREATE TABLE keys_{i} (raw_id VARCHAR, id_hash VARCHAR)")
            if ids:
                con.executemany(
                    f"INSERT INTO keys_{i} VALUES (?, ?)", [(v, hash_officer_id(v, kb)) for v in ids]
                )
            select.append(f"(SELECT id_hash FROM keys_{i} WHERE raw_id = {src}) AS {ident(col + '_hash')}")
        con.execute(f"COPY (SELECT {', '.join(select)} FROM raw_t) TO {lit(str(out))} (FORMAT parquet)")
        profile = []
        for c in spec["keep"]:
            v = f"NULLIF(trim(CAST({ident(actual[c])} AS VARCHAR)), '')"
            blank, distinct = con.execute(
                f"SELECT count(*) - count({v}), count(DISTINCT {v}) FROM raw_t"
            ).fetchone()
            profile.append({"column": c, "blank": int(blank), "distinct": int(distinct)})
        dropped = [c for c in columns if c not in wanted]
        return {
            "n_rows": int(n_rows), "n_problem_cells": 0, "issues": [], "columns": profile,
            "hashed_columns": spec["hash"], "dropped_columns": dropped, "unmapped_source_columns": dropped,
        }, int(n_rows)  # fmt: skip
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
