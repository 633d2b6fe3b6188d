"""Generated calls for service, use of force, arrests, shootings, crashes and rosters with known structure,
for benchmarks and demos (tests plant their own small tables). Written with DuckDB so 10M rows stay cheap."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .sql import lit


def _write(sql: str, path: Path, seed: int) -> Path:
    con = duckdb.connect()
    con.execute(f"SELECT setseed({lit(seed / 1000)})")
    con.execute(f"COPY ({sql}) TO {lit(str(path))} (FORMAT PARQUET)")
    con.close()
    return path


def generate_calls(path: str | Path, n: int, seed: int = 7, days: int = 365) -> Path:
    """CAD unit rows: busier afternoons/evenings, ~30% backup units, 15% self-initiated, and planted CAD
    problems: 1% missing clear, 0.2% negative, 0.1% multi-day, 0.5% duplicated unit rows."""
    calls = int(n / 1.3)
    sql = f"""
    WITH c AS (
      SELECT i AS call_id,
        TIMESTAMP '2023-01-01' + to_seconds(CAST(floor(random() * {days}) * 86400 AS BIGINT))
          + to_seconds(CAST(((CASE WHEN random() < 0.6 THEN 10 + random() * 14 ELSE random() * 24 END) * 3600)
          % 86400 AS BIGINT)) AS received,
        ['theft', 'disturbance', 'traffic', 'alarm', 'domestic', 'medical'][1 + CAST(floor(random() * 6) AS INT)]
          AS call_type,
        random() < 0.15 AS self_initiated,
        CAST(1 + floor(random() * 3) AS INT) AS priority,
        1 + CAST(random() < 0.3 AS INT) + CAST(random() < 0.05 AS INT) AS units
      FROM range({calls}) t(i)
    ), u AS (
      SELECT c.*, k AS unit_no, random() AS r, 5 + random() * 60 AS handle
      FROM c, LATERAL (SELECT unnest(range(c.units)) AS k)
    )
    SELECT CAST(call_id AS VARCHAR) AS call_id, 'U' || CAST((call_id * 7 + unit_no) % 60 AS VARCHAR) AS unit,
      received, received + to_seconds(CAST(60 + random() * 240 AS BIGINT)) AS dispatched,
      received + to_seconds(CAST(300 + random() * 600 AS BIGINT)) AS arrived,
      CASE WHEN r < 0.01 THEN NULL
           WHEN r < 0.012 THEN received - to_seconds(600)
           WHEN r < 0.013 THEN received + to_seconds(3 * 86400)
           ELSE received + to_seconds(CAST(240 + 60 * handle AS BIGINT)) END AS cleared,
      CAST(priority AS VARCHAR) AS priority, call_type, self_initiated, 'D' || CAST(call_id % 5 AS VARCHAR) AS district
    FROM u
    """
    con = duckdb.connect()
    con.execute(f"SELECT setseed({lit(seed / 1000)})")
    con.execute(f"CREATE TABLE t AS {sql}")
    # duplicated unit rows: exact copies, as CAD exports repeat them
    con.execute(
        f"COPY (SELECT * FROM t UNION ALL SELECT * FROM t WHERE hash(call_id || unit) % 200 = 0) "
        f"TO {lit(str(path))} (FORMAT PARQUET)"
    )
    con.close()
    return Path(path)
