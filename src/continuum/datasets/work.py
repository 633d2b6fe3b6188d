"""The engine's side of a job, run in a bounded child process (continuum.analysis.limits): no Django here, only
paths, mappings and plain values in, a standard table on disk and plain values or a Result out."""

from pathlib import Path
from typing import Any

from continuum.analysis.analyses import ANALYSES
from continuum.analysis.kept import KeptColumns, write_kept
from continuum.analysis.mapping import Mapping
from continuum.analysis.results import Result
from continuum.analysis.sql import lit

from . import engine


def standardize(
    raw: Path, mapping: Mapping | KeptColumns, table_type: str, key: str, out: Path
) -> tuple[dict, int]:
    """Write the upload's standard table to `out`; (validation summary, rows). A table the engine has no schema
    for keeps the columns its mapping lists (the engine's kept-columns loader)."""
    if isinstance(mapping, KeptColumns):
        return write_kept(raw, mapping, key, out)
    with engine.load(raw, mapping, table_type, hash_key=key) as data:
        data.con.execute(
            f"COPY (SELECT * EXCLUDE (_row) FROM {data.table} ORDER BY _row) TO {lit(str(out))} (FORMAT parquet)"
        )
        validation = data.validation.to_dict()
        validation["mapped_columns"] = sorted(data.columns)
        validation["unmapped_values"] = data.validation.unmapped_values()
        return validation, data.n_rows


def analyse(
    path: Path, mapping: Mapping | None, table_type: str, key: str | None, analysis: str,
    params: dict[str, Any],
) -> Result:  # fmt: skip
    with engine.load(path, mapping, table_type, hash_key=key) as data:
        return ANALYSES[analysis](data, **params)
