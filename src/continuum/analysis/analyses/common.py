"""Shared plumbing for analyses: required columns, reducer choice, result provenance."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import readable
from ..errors import InputError
from ..load import StopData
from ..reduce import DuckDBReducer, Reducer
from ..results import Result
from ..sql import ident, in_list


def require(data: StopData, analysis: str, *columns: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(
            f"{analysis} needs standard column(s) {missing}, which the mapping does not provide",
            file=str(data.path),
            column=missing[0],
        )


def reducer_for(data: StopData, reducer: Reducer | None) -> Reducer:
    """The reducer given, else the data's own (Spark when loaded for it), else DuckDB on the loaded table."""
    if reducer is not None:
        return reducer
    return data.reducer if data.reducer is not None else DuckDBReducer(data.con)


def race_in(values: list[str] | tuple[str, ...]) -> str:
    return f"{ident('subject_race')} IN {in_list(values)}"


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def finish(
    data: StopData,
    analysis: str,
    estimates: dict,
    n_used: int,
    excluded: dict[str, int],
    params: dict,
    **kw: Any,
) -> Result:
    params = {**params, "mapping": data.mapping.name, "mapping_sha256": data.mapping.sha256}
    validation = {
        "n_problem_cells": data.validation.n_problem_cells,
        "unmapped_values": data.validation.unmapped_values(),
        # read as missing (NA and the like) and merged categories: what the counts silently depend on otherwise
        "missing_markers": data.validation.missing_markers,
        "folded": [f.to_dict() for f in data.validation.folds],
    }
    result = Result(
        analysis=analysis,
        estimates=estimates,
        n_input=data.n_rows,
        n_used=n_used,
        n_excluded=excluded,
        params=params,
        input_sha256=data.input_sha256,
        validation=validation,
        **kw,
    )
    # caveats this result's own figures call for (few rows used, small counts, partial months), first
    result.warnings = [*result.warnings, *(w for w in readable.caveats(result) if w not in result.warnings)]
    return result


def as_float(value: Any) -> float | None:
    """A numeric parameter that may arrive as text from the command line (``--param arrests=12000``)."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"parameter value {value!r} is not a number") from exc


def most_frequent(rows: pd.DataFrame, unit: str, col: str) -> pd.Series:
    """Per unit, the value of ``col`` that most of its rows (weighted by ``n``) record, ties to the first
    seen; units that never record it are left out (missing when aligned)."""
    counts = rows.groupby([unit, col], sort=False)["n"].sum().reset_index()
    top = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates(unit)
    return top.set_index(unit)[col]
