"""Generated stops in the standard schema, written to Parquet by DuckDB itself (fast, for
benchmarks/demos).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .sql import lit


def generate_stops(
    path: str | Path,
    n: int,
    *,
    seed: float = 0.42,
    officers: int = 500,
    districts: int = 12,
    minutes: tuple[int, int] = (0, 1440),
) -> Path:
    """n stops over two years with race shares varying by district and hour, and searches/hits by race.

    ``minutes`` limits clock times (e.g. (960, 1320) puts every stop in the evening, for veil-of-darkness
    row-level comparisons).
    """
    path = Path(path)
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")
    con.execute(
        f"""
        COPY (
          WITH base AS (
            SELECT i,
              DATE '2020-01-01' + CAST(floor(random() * 731) AS INTEGER) AS date,
              CAST({minutes[0]} + floor(random() * {minutes[1] - minutes[0]}) AS INTEGER) AS m,
              CAST(floor(random() * {districts}) AS INTEGER) AS d,
              CAST(floor(random() * {officers}) AS INTEGER) AS o,
              random() AS u_race, random() AS u_search, random() AS u_hit,
              random() AS u_out, random() AS u_sex
            FROM range({int(n)}) t(i)
          )
          SELECT
            date,
            make_time(m // 60, m % 60, 0) AS time,
            41.7 AS lat, -71.5 AS lng,
            'D' || lpad(CAST(d AS VARCHAR), 2, '0') AS district,
            'O' || lpad(CAST(o AS VARCHAR), 5, '0') AS officer_id_hash,
            CASE WHEN u_race < 0.10 + 0.015 * d + 0.05 * CAST(m BETWEEN 1200 AND 1439 AS INTEGER) THEN 'black'
                 WHEN u_race < 0.25 + 0.015 * d THEN 'hispanic'
                 WHEN u_race < 0.30 + 0.015 * d THEN 'asian/pacific islander'
                 WHEN u_race < 0.97 THEN 'white' ELSE 'other' END AS subject_race,
            CASE WHEN u_sex < 0.68 THEN 'male' ELSE 'female' END AS subject_sex,
            'vehicular' AS type,
            u_search < 0.04 AS search_conducted,
            CASE WHEN u_search < 0.04 THEN
              CASE WHEN u_search < 0.015 THEN 'consent'
                   WHEN u_search < 0.03 THEN 'probable cause' ELSE 'other' END
            END AS search_basis,
            CASE WHEN u_search < 0.04 THEN u_hit < 0.3 ELSE FALSE END AS contraband_found,
            u_search < 0.01 AS frisk_performed,
            u_out < 0.03 AS arrest_made,
            u_out >= 0.03 AND u_out < 0.70 AS citation_issued,
            u_out >= 0.70 AS warning_issued,
            CASE WHEN u_out < 0.03 THEN 'arrest' WHEN u_out < 0.70 THEN 'citation'
                 ELSE 'warning' END AS outcome
          FROM base
        ) TO {lit(str(path))} (FORMAT parquet, ROW_GROUP_SIZE 1000000)
        """
    )
    con.close()
    return path
