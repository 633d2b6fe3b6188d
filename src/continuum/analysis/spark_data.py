"""Standard tables for the Spark reducer: the session, reading the engine's standardized Parquet or CSV, and
handing a table loaded in DuckDB (a raw agency file mapped there) over to Spark.

Mapping raw agency files stays in DuckDB (``load.load_table``): Spark reads only standard tables, so the
two reducers see the same typed columns. Local mode binds to 127.0.0.1 with no UI; ``SPARK_REMOTE`` (Spark
Connect) or a master URL runs the same job on a cluster.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .errors import InputError
from .load import StopData, file_sha256, work_folder
from .mapping import Mapping
from .spark_reduce import SparkReducer
from .sql import ident, lit
from .tables import TABLES
from .validate import Issue, ValidationReport

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Session settings the translation relies on (runtime SQL settings, so they hold on a cluster session too).
SQL_CONF = {
    # DuckDB timestamps are naive: with UTC, Spark's hour(), date_trunc() and epoch read the same wall clock
    "spark.sql.session.timeZone": "UTC",
    # the standard `time` column is a Parquet TIME
    "spark.sql.timeType.enabled": "true",
    # size(NULL) is NULL, as DuckDB's array_length(NULL)
    "spark.sql.legacy.sizeOfNull": "false",
    "spark.sql.ansi.enabled": "true",
}
SPARK_TYPES = {
    "date": "DATE",
    "time": "TIME",
    "timestamp": "TIMESTAMP_NTZ",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "category": "STRING",
    "text": "STRING",
    "id": "STRING",
}
CSV_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv")


def session(master: str | None = None) -> SparkSession:
    """The Spark session: ``sc://`` or ``SPARK_REMOTE`` connects to a cluster (Spark Connect), a master URL
    (``spark://``, ``yarn``, ``k8s://``) submits to one, and otherwise Spark runs in this process's JVM."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError("the Spark engine needs pyspark: pip install -e '.[spark]' (and Java 17+)") from exc
    remote = master if master and master.startswith("sc://") else None
    remote = remote or (None if master else os.environ.get("SPARK_REMOTE"))
    builder = SparkSession.builder.appName("continuum")
    if remote:
        builder = builder.remote(remote)
    else:
        master = master or os.environ.get("SPARK_MASTER") or "local[*]"
        builder = builder.master(master)
        if master.startswith("local"):
            builder = (
                builder.config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", os.environ.get("CONTINUUM_SPARK_PARTITIONS", "8"))
                .config("spark.driver.memory", os.environ.get("CONTINUUM_SPARK_MEMORY", "2g"))
            )
    spark = builder.getOrCreate()
    for key, value in SQL_CONF.items():
        spark.conf.set(key, value)
    return spark


def _is_csv(source: str) -> bool:
    return source.lower().endswith(CSV_SUFFIXES)


def _is_local(source: str) -> bool:
    return "://" not in source and not source.startswith("file:")


def _list_sql(col: str, elem: str) -> str:
    """A list cell as DuckDB writes it to CSV (``[a, b]``) back into an array."""
    items = f"split(substring({col}, 2, length({col}) - 2), ', ')"
    cast = f"TRY_CAST(nullif(x, 'NULL') AS {elem})"
    return f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} = '[]' THEN array() ELSE transform({items}, x -> {cast}) END"


def read_standard(spark: SparkSession, source: str, table: str = "stops") -> tuple[DataFrame, list[Issue]]:
    """A standard table (the engine's standardized Parquet or CSV: a file, a directory of partitioned files,
    a glob, any filesystem Spark reads) with the standard types; for CSV also the cells that did not convert."""
    std = {c.name: c for c in TABLES[table]}
    try:
        if _is_csv(source):
            raw = spark.read.csv(source, header=True, escape='"', inferSchema=False)
        else:
            raw = spark.read.parquet(source)
    except Exception as exc:  # Spark raises AnalysisException (path, format) and Py4J errors alike
        raise InputError(f"Spark cannot read it: {str(exc).splitlines()[0]}", file=source) from exc
    names = [c for c in raw.columns if c in std]
    if not names:
        raise InputError(
            f"no column matches the standard {table} schema: the Spark engine reads the engine's standardized "
            "table (map a raw agency file with --mapping instead)",
            file=source,
        )
    dtypes = dict(raw.dtypes)
    select, checks = [], []
    for name in names:
        col = std[name]
        typ = SPARK_TYPES[col.kind]
        q = "`" + name + "`"
        if col.multi:
            want = f"ARRAY<{typ}>"
            expr = _list_sql(q, typ) if dtypes[name] == "string" else f"CAST({q} AS {want})"
        elif dtypes[name] == "string" and typ != "STRING":
            expr = f"TRY_CAST({q} AS {typ})"
        else:
            expr = f"CAST({q} AS {typ})"
        select.append(f"{expr} AS {q}")
        if _is_csv(source) and typ != "STRING":
            checks.append((name, q, f"{q} IS NOT NULL AND ({expr}) IS NULL"))
    select.append("_row" if "_row" in raw.columns else "monotonically_increasing_id() + 1 AS _row")
    issues = _csv_issues(raw, checks) if checks else []
    return raw.selectExpr(*select), issues


def _csv_issues(raw: DataFrame, checks: list[tuple[str, str, str]]) -> list[Issue]:
    """Cells that do not convert to their standard type, counted by column and value (one pass)."""
    cells = ", ".join(
        f"named_struct('c', '{name}', 'v', CASE WHEN {cond} THEN CAST({q} AS STRING) END)"
        for name, q, cond in checks
    )
    rows = (
        raw.selectExpr(f"explode(filter(array({cells}), x -> x.v IS NOT NULL)) AS bad")
        .groupBy("bad.c", "bad.v")
        .count()
        .orderBy("c", "v")
        .collect()
    )
    return [
        Issue(r["c"], r["c"], r["v"], "not a value of the standard type", int(r["count"]), ()) for r in rows
    ]


def fingerprint(df: DataFrame, source: str) -> str:
    """SHA-256 of the input: of the bytes of each local file, else of the file names Spark lists."""
    if _is_local(source) and Path(source).is_file():
        return file_sha256(Path(source))
    h = hashlib.sha256()
    for name in sorted(df.inputFiles()):
        h.update(name.encode())
        path = Path(name.removeprefix("file://")) if name.startswith("file:") else None
        h.update(file_sha256(path).encode() if path is not None and path.is_file() else b"")
    return h.hexdigest()


def spark_table(source: str | Path, table: str = "stops", spark: SparkSession | None = None) -> StopData:
    """The engine's standardized table read by Spark, ready for any analysis; rows never reach DuckDB."""
    source = str(source)
    spark = spark or session()
    df, issues = read_standard(spark, source, table)
    columns = [c for c in df.columns if c != "_row"]
    n_rows = df.count()
    if n_rows == 0:
        raise InputError("file has a header but no data rows", file=source)
    report = ValidationReport(n_rows=n_rows, issues=issues)
    return StopData(
        con=duckdb.connect(),  # holds no rows: every read goes through the Spark reducer
        table=table,
        path=Path(source),
        n_rows=n_rows,
        columns=frozenset(columns),
        mapping=Mapping.identity(columns, table),
        validation=report,
        input_sha256=fingerprint(df, source),
        kind=table,
        reducer=SparkReducer(df, table),
    )


def use_spark(data: StopData, spark: SparkSession | None = None, stage: str | Path | None = None) -> StopData:
    """Hand a table loaded and mapped in DuckDB to Spark: written once as Parquet to ``stage`` (default: the
    load's temporary directory; on a cluster, a directory its executors read), then reduced by Spark."""
    spark = spark or session()
    where = Path(stage) if stage else Path(data._tmpdir or work_folder())
    where.mkdir(parents=True, exist_ok=True)
    out = where / f"{data.table}-{data.input_sha256[:16]}.parquet"
    data.con.execute(
        f"COPY (SELECT * FROM {ident(data.table)} ORDER BY _row) TO {lit(str(out))} (FORMAT parquet)"
    )
    df, _ = read_standard(spark, str(out), data.kind)
    data.reducer = SparkReducer(df, data.table)
    return data


def load_spark(
    source: str | Path,
    mapping: Mapping | str | Path | None = None,
    *,
    table: str = "stops",
    master: str | None = None,
    stage: str | Path | None = None,
    spark: SparkSession | None = None,
) -> StopData:
    """The Spark engine's loader: with a mapping, the raw agency file is mapped and validated in DuckDB and
    its standard table reduced by Spark; without one, ``source`` is the engine's standardized Parquet or CSV
    (local, or any filesystem Spark reads) and only Spark reads it."""
    from .load import load_table

    spark = spark or session(master)
    if mapping is None:
        return spark_table(source, table, spark)
    data = load_table(Path(source), mapping, table=table)
    try:
        return use_spark(data, spark, stage)
    except BaseException:
        data.close()
        raise
