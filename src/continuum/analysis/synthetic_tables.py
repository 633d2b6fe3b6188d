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


def _pick(options: list[str], weights: list[float] | None = None) -> str:
    """SQL drawing one option per row, in proportion to weights (to the nearest 1/200)."""
    weights = weights or [1 / len(options)] * len(options)
    slots = [o for o, w in zip(options, weights, strict=True) for _ in range(max(1, round(200 * w)))]
    return f"[{', '.join(lit(o) for o in slots)}][1 + CAST(floor(random() * {len(slots)}) AS INT)]"


def generate_use_of_force(path: str | Path, n: int, seed: int = 11) -> Path:
    """Officer reports in the NJ export's shape (subject fields as comma lists), 1-2 subjects a report; a few
    officers (in one agency each) write most reports."""
    race = _pick(["Black", "White", "Hispanic", "Asian"], [0.4, 0.35, 0.2, 0.05])
    force = _pick(["Used arms", "Used take down on", "Used fists/punch", "Discharged Chemical at", "Used CED on",
                   "Discharged Firearm at"], [0.4, 0.3, 0.15, 0.08, 0.065, 0.005])  # fmt: skip
    res = _pick(["Verbal", "Attempt to flee", "Resistive tension (stiffening tightening muscles)",
                 "Aggressive resistance (attempt to attack or harm)"])  # fmt: skip
    sql = f"""
    SELECT CAST(i AS VARCHAR) AS report, 'I' || CAST(i // 2 AS VARCHAR) AS incident,
      strftime(DATE '2021-01-01' + CAST(floor(random() * 730) AS INT), '%m/%d/%Y') AS incident_date,
      'Agency ' || CAST(o % 50 AS VARCHAR) AS agency, 'Officer ' || CAST(o AS VARCHAR) AS officer_name,
      CASE WHEN random() < 0.08 THEN 'Yes' ELSE 'No' END AS officer_injured,
      CAST(CAST(random() < 0.2 AS INT) AS VARCHAR) AS injured,
      CASE WHEN s = 1 THEN {race} ELSE {race} || ',' || {race} END AS subject_race,
      CASE WHEN s = 1 THEN 'Male' ELSE 'Male,Female' END AS subject_gender,
      CASE WHEN s = 1 THEN CAST(18 + CAST(random() * 50 AS INT) AS VARCHAR) ELSE '25,31' END AS subject_age,
      CASE WHEN random() < 0.75 THEN 'Yes' ELSE 'No' END AS subject_arrested,
      CASE WHEN random() < 0.3 THEN {force} || ',' || {force} ELSE {force} END AS type_of_force,
      {res} AS subject_resistance,
      {_pick(["Domestic", "Other", "MV/Traffic Stop", "Assault"])} AS incident_type
    FROM (SELECT i, 1 + CAST(random() < 0.1 AS INT) AS s,
                 CAST(floor(pow(random(), 2) * {max(n // 5, 10)}) AS INT) AS o FROM range({n}) t(i))
    """
    return _write(sql, Path(path), seed)


USE_OF_FORCE_MAPPING = {
    "table": "use_of_force",
    "columns": {
        "report_id": "report",
        "incident_id": "incident",
        "date": {"from": "incident_date", "format": "%m/%d/%Y"},
        "assignment": "agency",
        "officer_id_hash": "officer_name",
        "officer_injured": "officer_injured",
        "subjects_injured": "injured",
        "subject_race": {"from": "subject_race", "split": ",", "values": {
            "Black": "black", "White": "white", "Hispanic": "hispanic", "Asian": "asian/pacific islander"}},
        "subject_sex": {"from": "subject_gender", "split": ",", "values": {"Male": "male", "Female": "female"}},
        "subject_age": {"from": "subject_age", "split": ","},
        "subject_arrested": {"from": "subject_arrested", "split": ","},
        "force_type": {"from": "type_of_force", "split": ",", "values": {
            "Used arms": "physical control", "Used take down on": "takedown", "Used fists/punch": "strike",
            "Discharged Chemical at": "chemical", "Used CED on": "ced", "Discharged Firearm at": "firearm"}},
        "resistance": {"from": "subject_resistance", "split": ",", "values": {
            "Verbal": "verbal", "Attempt to flee": "flight",
            "Resistive tension (stiffening tightening muscles)": "active",
            "Aggressive resistance (attempt to attack or harm)": "aggressive"}},
        "incident_type": {"from": "incident_type", "split": ","},
    },
}  # fmt: skip


def generate_arrests(path: str | Path, n: int, seed: int = 13) -> Path:
    sql = f"""
    SELECT DATE '2020-01-01' + CAST(floor(sqrt(random()) * 1461) AS INT) AS date,
      {_pick(["white", "black", "hispanic", "asian/pacific islander"], [0.5, 0.3, 0.15, 0.05])} AS subject_race,
      {_pick(["male", "female"], [0.75, 0.25])} AS subject_sex,
      CAST(16 + floor(random() * 55) AS DOUBLE) AS subject_age,
      {_pick(["drugs", "theft", "assault", "warrant", "traffic", "disorder"])} AS offense_category,
      {_pick(["felony", "misdemeanor", "violation", "warrant"], [0.3, 0.45, 0.15, 0.1])} AS offense_level
    FROM range({n})
    """  # fmt: skip
    return _write(sql, Path(path), seed)


def generate_ois(path: str | Path, n: int, seed: int = 17) -> Path:
    sql = f"""
    SELECT DATE '2010-01-01' + CAST(floor(sqrt(random()) * 5000) AS INT) AS date,
      make_time(CAST(floor(random() * 24) AS INT), 0, 0) AS time,
      {_pick(["N", "S", "E", "W"])} AS district,
      {_pick(["robbery", "domestic", "traffic stop", "mental health call"])} AS circumstance,
      {_pick(["firearm", "knife", "unarmed", "vehicle"], [0.6, 0.15, 0.15, 0.1])} AS subject_armed,
      random() < 0.3 AS subject_fleeing, random() < 0.2 AS mental_health, random() < 0.7 AS body_camera,
      {_pick(["fatal", "injured", "not hit"])} AS outcome,
      {_pick(["white", "black", "hispanic"])} AS subject_race,
      {_pick(["male", "female"], [0.95, 0.05])} AS subject_sex,
      CAST(16 + floor(random() * 50) AS DOUBLE) AS subject_age
    FROM range({n})
    """  # fmt: skip
    return _write(sql, Path(path), seed)


def generate_crashes(path: str | Path, n: int, seed: int = 19) -> Path:
    sql = f"""
    SELECT DATE '2020-01-01' + CAST(floor(random() * 1461) AS INT) AS date,
      make_time(CAST(floor(random() * 24) AS INT), 0, 0) AS time,
      'U' || CAST(CAST(floor(random() * 40) AS INT) AS VARCHAR) AS unit,
      {_pick(["patrol", "traffic", "detective", "k9"], [0.6, 0.2, 0.15, 0.05])} AS assignment,
      random() < 0.08 AS pursuit, random() < 0.35 AS emergency_response,
      CAST(floor(-ln(random()) * 0.3) AS DOUBLE) AS injuries, random() < 0.1 AS officer_injured,
      CASE WHEN random() < 0.1 THEN NULL ELSE random() < 0.55 END AS preventable
    FROM range({n})
    """
    return _write(sql, Path(path), seed)


def generate_personnel(path: str | Path, n: int, seed: int = 23) -> Path:
    sql = f"""
    SELECT 'E' || CAST(i AS VARCHAR) AS officer_id,
      {_pick(["officer", "sergeant", "lieutenant"], [0.8, 0.15, 0.05])} AS rank,
      h - CAST(30 + floor(random() * 300) AS INT) AS application_date, h AS hire_date,
      CASE WHEN random() < 0.4 AND h + CAST(100 + floor(random() * 4000) AS INT) < DATE '2024-12-31'
           THEN h + CAST(100 + floor(random() * 4000) AS INT) END AS separation_date,
      {_pick(["white", "black", "hispanic", "asian/pacific islander"], [0.6, 0.2, 0.15, 0.05])} AS race,
      {_pick(["male", "female"], [0.8, 0.2])} AS sex
    FROM (SELECT i, DATE '2000-01-01' + CAST(floor(random() * 9000) AS INT) AS h FROM range({n}) t(i))
    """  # fmt: skip
    return _write(sql, Path(path), seed)
