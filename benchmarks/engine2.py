"""Use of force, staffing, arrests, shootings, crashes and personnel on generated data: each analysis timed
beside a bare DuckDB aggregation over the same columns of the loaded table, with peak RSS. Each table runs in its
own process so its peak RSS is its own.

    python -m benchmarks.engine2 [--sizes 1e6] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# analysis -> (table, generator name, bare aggregate over the same columns of the loaded table)
CASES = {
    "use-of-force": (
        "use_of_force",
        "generate_use_of_force",
        "SELECT strftime(date, '%Y-%m'), force_type, resistance, officer_injured, subjects_injured, count(*) "
        "FROM use_of_force GROUP BY ALL",
    ),
    "staffing": (
        "calls",
        "generate_calls",
        "SELECT CAST(dispatched AS DATE), hour(dispatched), call_type, self_initiated, "
        "sum(epoch(cleared) - epoch(dispatched)), count(*) FROM calls GROUP BY ALL",
    ),
    "arrests": (
        "arrests",
        "generate_arrests",
        "SELECT strftime(date, '%Y-%m'), subject_race, subject_sex, subject_age // 10, offense_category, "
        "offense_level, count(*) FROM arrests GROUP BY ALL",
    ),
    "ois": (
        "ois",
        "generate_ois",
        "SELECT strftime(date, '%Y-%m'), circumstance, subject_armed, subject_fleeing, mental_health, body_camera, "
        "outcome, subject_race, subject_sex, subject_age // 10, district, hour(time) // 6, dayname(date), count(*) "
        "FROM ois GROUP BY ALL",
    ),
    "crashes": (
        "crashes",
        "generate_crashes",
        "SELECT strftime(date, '%Y-%m'), unit, assignment, hour(time) // 6, sum(pursuit::INT), "
        "sum(emergency_response::INT), sum(officer_injured::INT), sum(preventable::INT), sum(injuries), count(*) "
        "FROM crashes GROUP BY ALL",
    ),
    "personnel": (
        "personnel",
        "generate_personnel",
        "SELECT year(hire_date), year(separation_date), race, sex, rank, datediff('day', application_date, "
        "hire_date), count(*) FROM personnel GROUP BY ALL",
    ),
}


def run_one(analysis: str, n: int) -> dict:
    from continuum.analysis import synthetic_tables as gen
    from continuum.analysis.analyses import ANALYSES
    from continuum.analysis.load import load_table
    from continuum.analysis.mapping import Mapping

    from .__main__ import peak_rss_mib, timed

    table, generator, bare = CASES[analysis]
    tmp = Path(tempfile.mkdtemp(prefix="continuum-bench2-"))
    try:
        t_gen, path = timed(lambda: getattr(gen, generator)(tmp / f"{table}.parquet", n))
        mapping = Mapping.from_dict(gen.USE_OF_FORCE_MAPPING) if table == "use_of_force" else None
        t_load, data = timed(lambda: load_table(path, mapping, table=table))
        t_an, _ = timed(lambda: ANALYSES[analysis](data), 2)
        t_bare, _ = timed(lambda: data.con.execute(f"SELECT count(*) FROM ({bare})").fetchall(), 2)
        rows = data.n_rows
        data.close()
        return {
            "analysis": analysis,
            "rows": rows,
            "generate_seconds": t_gen,
            "load_validate_seconds": t_load,
            "seconds": t_an,
            "bare_seconds": t_bare,
            "ratio": t_an / t_bare,
            "peak_rss_mib": peak_rss_mib(),
        }
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def run_all(sizes: list[int], out: Path, console) -> int:  # type: ignore[no-untyped-def]
    """Every case at every size, each in its own process; writes engine2.md and engine2.json beside latest."""
    runs = []
    for n in sizes:
        for analysis in CASES:
            console.print(f"running {analysis} on {n:,} generated rows …")
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.engine2", "--one", analysis, "--n", str(n)],
                capture_output=True,
                text=True,
                env={**os.environ, "CONTINUUM_HASH_KEY": "bench"},
            )
            if proc.returncode != 0:
                console.print(proc.stderr)
                return proc.returncode
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    headers = [
        "rows",
        "analysis",
        "analysis s",
        "bare aggregate s",
        "ratio",
        "load+validate s",
        "peak RSS MiB",
    ]
    md = ["| " + " | ".join(headers) + " |", "|---:|---|---:|---:|---:|---:|---:|"]
    for r in runs:
        cells = [
            f"{r['rows']:,}",
            r["analysis"],
            f"{r['seconds']:.3f}",
            f"{r['bare_seconds']:.3f}",
            f"{r['ratio']:.2f}",
            f"{r['load_validate_seconds']:.2f}",
            f"{r['peak_rss_mib']:.0f}",
        ]
        md.append("| " + " | ".join(cells) + " |")
    console.print("\n".join(md))
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = f"cpus={os.cpu_count()}; python={sys.version.split()[0]}; sizes={sizes}"
    (out / "engine2.md").write_text(f"# Engine II benchmarks {stamp}\n\n{meta}\n\n" + "\n".join(md) + "\n")
    (out / "engine2.json").write_text(json.dumps({"stamp": stamp, "meta": meta, "runs": runs}, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.engine2", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e6", help="comma-separated row counts")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    ap.add_argument("--one", choices=sorted(CASES), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, int(args.n))))
        return 0
    from rich.console import Console

    return run_all([int(float(s)) for s in args.sizes.split(",")], Path(args.out), Console())


if __name__ == "__main__":
    raise SystemExit(main())
