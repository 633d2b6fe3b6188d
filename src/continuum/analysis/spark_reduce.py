"""The reduction step on Apache Spark: the same ``Reduction`` the DuckDB reducer runs, as a Spark job.

The plan mirrors ``DuckDBReducer.sql`` step by step (collapse to the columns read, join lookups, derived
columns, explode, the first matching exclusion, one GROUP BY), with every expression translated by
``spark_sql``. The small grouped table comes back as Arrow and is turned into pandas by DuckDB, so its types
are those the DuckDB path produces, and ``reduce.reduced`` finishes both the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from .errors import InputError
from .reduce import Reduced, Reduction, reduced
from .spark_sql import spark_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def _col(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _lit(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


class SparkReducer:
    """Runs Reductions over one Spark DataFrame (the standard table) registered under ``table``."""

    def __init__(self, df: DataFrame, table: str) -> None:
        self.df = df
        self.table = table
        self.spark = df.sparkSession

    def _frame(self, table: str) -> DataFrame:
        if table != self.table:
            raise InputError(f"this Spark reducer holds table {self.table!r}, not {table!r}")
        return self.df

    def plan(self, table: str, spec: Reduction) -> DataFrame:
        """The Spark DataFrame of grouped rows: ``_reason``, the keys, the sums and ``n``."""
        from pyspark.sql import functions as F

        df = self._frame(table)
        if spec.columns:
            df = df.groupBy(*[F.col(_col(c)) for c in spec.columns]).agg(F.count(F.lit(1)).alias("_w"))
        for alias, (frame, key) in spec.lookups.items():
            # through Arrow, so the lookup keeps its types (dates stay dates) even when it is empty
            lookup = self.spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))
            df = df.join(F.broadcast(lookup.alias(alias)), on=key, how="left")
        for name, expr in spec.derived.items():
            df = df.withColumn(name, F.expr(spark_sql(expr)))
        if spec.explode:
            name, expr = spec.explode
            df = df.withColumn(name, F.explode(F.expr(spark_sql(expr))))
        reason = (
            "CASE " + " ".join(f"WHEN {spark_sql(c)} THEN {_lit(r)}" for r, c in spec.exclusions) + " END"
            if spec.exclusions
            else "CAST(NULL AS STRING)"
        )
        weight = " * _w" if spec.columns else ""
        inner = [f"{reason} AS _reason"]
        inner += [f"{spark_sql(e)} AS {_col('k_' + n)}" for n, e in spec.keys.items()]
        inner += [f"{spark_sql(e)} AS {_col('s_' + n)}" for n, e in spec.sums.items()]
        if spec.columns:
            inner.append("_w")
        rows = df.selectExpr(*inner)
        keys = [F.expr(f"CASE WHEN _reason IS NULL THEN {_col('k_' + n)} END").alias(n) for n in spec.keys]
        sums = [F.expr(f"sum({_col('s_' + n)}{weight})").alias(n) for n in spec.sums]
        count = F.expr("sum(_w)" if spec.columns else "count(1)").alias("n")
        return rows.groupBy(F.col("_reason"), *keys).agg(*sums, count)

    def reduce(self, table: str, spec: Reduction) -> Reduced:
        arrow = self.plan(table, spec).toArrow()
        with duckdb.connect() as con:
            df = con.from_arrow(arrow).df()
        return reduced(df, spec)

    def extent(self, table: str, column: str) -> tuple[Any, Any]:
        from pyspark.sql import functions as F

        row = self._frame(table).agg(F.min(_col(column)), F.max(_col(column))).first()
        return (row[0], row[1]) if row is not None else (None, None)
