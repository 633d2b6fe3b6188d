"""The only step that touches rows: reduce them to sufficient statistics (one GROUP BY, one scan).

A ``Reduction`` says which rows are excluded and why (first matching reason wins), which discrete keys to
group by and which sums to take. A ``Reducer`` runs it; ``DuckDBReducer`` is the one here, and a Spark one
can implement the same protocol (``spark_reduce.SparkReducer`` does). Everything downstream works on the
small table it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb
import pandas as pd

from .sql import ident


@dataclass(frozen=True)
class Reduction:
    keys: dict[str, str]  # output name -> SQL expression (discrete)
    sums: dict[str, str]  # output name -> SQL numeric/boolean expression summed over used rows
    exclusions: list[tuple[str, str]] = field(default_factory=list)  # (reason, SQL condition), in order
    lookups: dict[str, tuple[pd.DataFrame, str]] = field(default_factory=dict)  # alias -> (table, join key)
    # The raw columns every expression above reads. When given (and their distinct combinations are few), the
    # reducer first collapses rows to those combinations with a count, then evaluates exclusions, keys and
    # sums on the collapsed rows (sums weighted by the count): exact, and as cheap as a bare GROUP BY.
    columns: tuple[str, ...] = ()
    # Named expressions computed once per row (after lookups are joined) and usable by name in the
    # exclusions, keys and sums; lookup columns are likewise referenced by bare name.
    derived: dict[str, str] = field(default_factory=dict)
    # (name, SQL list expression): each row becomes one row per list entry, the entry bound to ``name``
    # (after ``derived``). Subjects of a multi-subject report, or the clock hours a call spans. Rows whose
    # list is empty vanish, so callers keep lists non-empty; ``n`` then counts the exploded rows.
    explode: tuple[str, str] | None = None


@dataclass(frozen=True)
class Reduced:
    table: pd.DataFrame  # one row per distinct key combination among used rows, plus ``n`` and the sums
    n_used: int
    excluded: dict[str, int]  # reason -> rows

    @property
    def n_excluded(self) -> int:
        return sum(self.excluded.values())


class Reducer(Protocol):
    def reduce(self, table: str, spec: Reduction) -> Reduced: ...

    def extent(self, table: str, column: str) -> tuple[Any, Any]: ...


class DuckDBReducer:
    """Runs a Reduction as one aggregate query over a DuckDB table."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def sql(self, table: str, spec: Reduction) -> str:
        reason = (
            "CASE " + " ".join(f"WHEN {cond} THEN {_q(r)}" for r, cond in spec.exclusions) + " END"
            if spec.exclusions
            else "CAST(NULL AS VARCHAR)"
        )
        joins = "".join(
            f" LEFT JOIN {ident('lk_' + alias)} AS {ident(alias)} USING ({ident(key)})"
            for alias, (_, key) in spec.lookups.items()
        )
        inner_cols = ", ".join(
            [f"{reason} AS _reason"]
            + [f"{e} AS {ident('k_' + n)}" for n, e in spec.keys.items()]
            + [f"{e} AS {ident('s_' + n)}" for n, e in spec.sums.items()]
        )
        keys = [f"CASE WHEN _reason IS NULL THEN {ident('k_' + n)} END AS {ident(n)}" for n in spec.keys]
        if spec.columns:
            source = (
                f"(SELECT {', '.join(ident(c) for c in spec.columns)}, count(*) AS _w "
                f"FROM {ident(table)} GROUP BY ALL) AS {ident(table)}"
            )
            inner_cols += ", _w"
            weight, count = " * _w", "sum(_w)"
        else:
            source, weight, count = ident(table), "", "count(*)"
        sums = [
            # summed over every row of the group; excluded rows' groups are dropped afterwards, so their
            # sums need no CASE (cheaper than masking each sum)
            f"sum({ident('s_' + n)}{weight}) AS {ident(n)}"
            for n in spec.sums
        ]
        derived = "".join(f", {e} AS {ident(n)}" for n, e in spec.derived.items())
        rows = f"(SELECT *{derived} FROM {source}{joins})" if derived or joins else source
        if spec.explode:
            rows = f"(SELECT *, unnest({spec.explode[1]}) AS {ident(spec.explode[0])} FROM {rows})"
        return (
            f"SELECT _reason, {', '.join([*keys, *sums, f'{count} AS n'])} "
            f"FROM (SELECT {inner_cols} FROM {rows}) GROUP BY ALL"
        )

    def reduce(self, table: str, spec: Reduction) -> Reduced:
        for alias, (frame, _) in spec.lookups.items():
            self.con.register("lk_" + alias, frame)
        try:
            df = self.con.execute(self.sql(table, spec)).df()
        finally:
            for alias in spec.lookups:
                self.con.unregister("lk_" + alias)
        return reduced(df, spec)

    def extent(self, table: str, column: str) -> tuple[Any, Any]:
        """(min, max) of one column: the date span an analysis reports over."""
        sql = f"SELECT min({ident(column)}), max({ident(column)}) FROM {ident(table)}"
        return self.con.execute(sql).fetchone()  # type: ignore[return-value]


def reduced(df: pd.DataFrame, spec: Reduction) -> Reduced:
    """The grouped rows (``_reason``, keys, sums, ``n``) of any reducer as a Reduced: the same for all engines."""
    used = df[df["_reason"].isna()].drop(columns="_reason")
    excl = df[df["_reason"].notna()].groupby("_reason")["n"].sum()
    order = [r for r, _ in spec.exclusions]
    excluded = {r: int(excl[r]) for r in order if r in excl.index}
    # sorted for stable, readable output; very large reductions (officer x cell) skip it, since every
    # consumer groups by key rather than relying on order
    if spec.keys and len(used) <= 100_000:
        used = used.sort_values(list(spec.keys))
    used = used.reset_index(drop=True)
    for name in spec.sums:
        used[name] = used[name].astype("float64").fillna(0.0)
    used["n"] = used["n"].astype("int64")
    return Reduced(table=used, n_used=int(used["n"].sum()), excluded=excluded)


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
