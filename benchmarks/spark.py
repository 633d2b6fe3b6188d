"""The Spark column: the stop analyses on DuckDB and on local-mode Spark over the same standardized Parquet
(generated stops), each size in its own process. Both engines read the file from disk; DuckDB loads and
validates it first (its usual path), Spark reads the Parquet directly (its usual path at scale).

    python -m benchmarks.spark [--sizes 1e7,1e8] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .__main__ import PARAMS, timed

# the stop analyses with a reduction (the threshold test is bound by its sampler, not by the reduction)
ANALYSES_SPARK = ["rates", "veil-of-darkness", "outcome-test", "officer-benchmark"]

NOTE = (
    "When to move to a cluster: local-mode Spark on one machine is slower than DuckDB at every size here "
    "(JVM start, a shuffle per reduction), so on one machine stay with DuckDB, which reduces 100M rows out of "
    "core. Move to a Spark cluster when the data no longer sits on one machine's disk (a national table of many "
    "agencies in object storage, several hundred million rows or more), or when one machine's scan time "
    "(the DuckDB column, roughly linear in rows) is longer than you can wait: a cluster's executors scan "
    "partitioned Parquet in parallel, and the reduced table that comes back is as small as on one machine."
)


def run_one(n: int) -> dict:
    from continuum.analysis.analyses import ANALYSES as FNS
    from continuum.analysis.load import load_stops
    from continuum.analysis.spark_data import session, spark_table
    from continuum.analysis.synthetic import generate_stops

    tmp = Path(tempfile.mkdtemp(prefix="continuum-bench-spark-"))
    try:
        path = generate_stops(tmp / "stops.parquet", n)
        t_start, spark = timed(lambda: session())
        t_duck_load, duck = timed(lambda: load_stops(path))
        t_spark_load, sp = timed(lambda: spark_table(path, "stops", spark))
        rows = []
        for name in ANALYSES_SPARK:
            fn, params = FNS[name], PARAMS.get(name, {})
            t_duck, r_duck = timed(lambda fn=fn, params=params: fn(duck, **params), 2)
            t_spark, r_spark = timed(lambda fn=fn, params=params: fn(sp, **params), 2)
            rows.append(
                {
                    "analysis": name,
                    "duckdb_seconds": t_duck,
                    "spark_seconds": t_spark,
                    "same_n_used": r_duck.n_used == r_spark.n_used,
                }
            )
        duck.close()
        spark.stop()
        return {
            "n": n,
            "spark_session_seconds": t_start,
            "duckdb_load_seconds": t_duck_load,
            "spark_read_seconds": t_spark_load,
            "parquet_mib": path.stat().st_size / 2**20,
            "analyses": rows,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def table_md(runs: list[dict]) -> list[str]:
    headers = ["rows", "analysis", "DuckDB s", "Spark local s", "Spark / DuckDB", "same n_used"]
    md = ["| " + " | ".join(headers) + " |", "|---:|---|---:|---:|---:|---|"]
    for r in runs:
        for a in r["analyses"]:
            cells = [
                f"{r['n']:,}",
                a["analysis"],
                f"{a['duckdb_seconds']:.2f}",
                f"{a['spark_seconds']:.2f}",
                f"{a['spark_seconds'] / a['duckdb_seconds']:.1f}x",
                "yes" if a["same_n_used"] else "NO",
            ]
            md.append("| " + " | ".join(cells) + " |")
        md.append(
            f"| {r['n']:,} | (DuckDB load+validate; Spark session start; Spark read+count) | "
            f"{r['duckdb_load_seconds']:.2f} | {r['spark_session_seconds']:.2f}; {r['spark_read_seconds']:.2f} "
            f"| | ({r['parquet_mib']:.0f} MiB Parquet) |"
        )
    return md


def run_all(sizes: list[int], out: Path, console) -> int:  # type: ignore[no-untyped-def]
    """Each size in a subprocess; writes spark.md/spark.json beside the other results."""
    runs: list[dict] = []
    md: list[str] = []
    for n in sizes:
        console.print(f"Spark column: {n:,} stops …")
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.spark", "--one", str(n)],
            capture_output=True,
            text=True,
            env={**os.environ, "CONTINUUM_HASH_KEY": "bench"},
        )
        if proc.returncode != 0:
            console.print(proc.stderr[-4000:])
            return proc.returncode
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        md = write(runs, out)  # after each size: the largest may take an hour
    console.print("\n".join(md))
    return 0


def write(runs: list[dict], out: Path) -> list[str]:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    sizes = [r["n"] for r in runs]
    meta = f"cpus={os.cpu_count()}; python={sys.version.split()[0]}; sizes={sizes}; Spark local[*]"
    md = [f"# Spark column {stamp}", "", meta, "", *table_md(runs), "", NOTE, ""]
    out.mkdir(parents=True, exist_ok=True)
    (out / "spark.md").write_text("\n".join(md))
    (out / "spark.json").write_text(json.dumps({"stamp": stamp, "meta": meta, "runs": runs}, indent=2))
    return md


def available() -> bool:
    """pyspark installed and a Java runtime that starts."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    java = shutil.which("java")
    return bool(java) and subprocess.run([java, "-version"], capture_output=True).returncode == 0  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.spark", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e7,1e8")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        t0 = time.perf_counter()
        result = run_one(int(args.one))
        result["total_seconds"] = time.perf_counter() - t0
        print(json.dumps(result))
        return 0
    from rich.console import Console

    return run_all([int(float(s)) for s in args.sizes.split(",")], Path(args.out), Console())


if __name__ == "__main__":
    raise SystemExit(main())
