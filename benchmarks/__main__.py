"""Time each analysis on generated stops beside (a) a bare DuckDB GROUP BY over the same columns and
(b) a row-level statsmodels fit on 1M rows; record peak memory. Each size runs in its own process so its
peak RSS is its own.

    python -m benchmarks [--sizes 1e6,1e7[,1e8]] [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ANALYSES = ["rates", "veil-of-darkness", "outcome-test", "officer-benchmark", "threshold-test"]
# the columns each analysis groups on, as a bare aggregate over the same table
BARE_SQL = {
    "rates": (
        "SELECT subject_race, count(*), sum(CAST(search_conducted AS INT)), "
        "sum(CAST(frisk_performed AS INT)), "
        "sum(CAST(arrest_made AS INT)), sum(CAST(citation_issued AS INT)) FROM stops GROUP BY ALL"
    ),
    "veil-of-darkness": (
        "SELECT date, hour(time) * 60 + minute(time) AS m, subject_race, count(*) FROM stops GROUP BY ALL"
    ),
    "outcome-test": (
        "SELECT subject_race, district, search_basis, count(*), "
        "sum(CAST(contraband_found AS INT)) "
        "FROM stops WHERE search_conducted GROUP BY ALL"
    ),
    "officer-benchmark": "SELECT officer_id_hash, district, hour(time), dayofweek(date), count(*), "
    "sum(CAST(subject_race = 'black' AS INT)) FROM stops GROUP BY ALL",
    "threshold-test": "SELECT subject_race, district, count(*), sum(CAST(search_conducted AS INT)), "
    "sum(CAST(contraband_found AS INT)) FROM stops GROUP BY ALL",
}
PARAMS = {
    "veil-of-darkness": {"lat": 41.7, "lng": -71.5, "tz": "America/New_York"},
    "threshold-test": {"draws": 500, "warmup": 500, "chains": 2},
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run_one(n: int, rowfit: bool) -> dict:
    """One size in this process: generate, load, run each analysis and its bare GROUP BY."""
    from continuum.analysis.analyses import ANALYSES as FNS
    from continuum.analysis.load import load_stops
    from continuum.analysis.synthetic import generate_stops

    tmp = Path(tempfile.mkdtemp(prefix="continuum-bench-"))
    try:
        t_gen, path = timed(lambda: generate_stops(tmp / "stops.parquet", n))
        t_load, data = timed(lambda: load_stops(path))
        rows = []
        for name in ANALYSES:
            fn = FNS[name]
            repeat = 1 if name == "threshold-test" else 2
            t_an, _ = timed(lambda fn=fn, name=name: fn(data, **PARAMS.get(name, {})), repeat)
            t_bare, _ = timed(lambda name=name: data.con.execute(BARE_SQL[name]).fetchall(), repeat)
            rows.append(
                {"analysis": name, "seconds": t_an, "bare_groupby_seconds": t_bare, "ratio": t_an / t_bare}
            )
        row_fit = row_level_fits(data) if rowfit else {}
        data.close()
        return {
            "n": n,
            "generate_seconds": t_gen,
            "load_validate_seconds": t_load,
            "analyses": rows,
            "row_level": row_fit,
            "peak_rss_mib": peak_rss_mib(),
        }
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def row_level_fits(data) -> dict:  # type: ignore[no-untyped-def]
    """(b): the same veil-of-darkness and search-rate models fitted on every row with statsmodels."""
    import statsmodels.api as sm

    from continuum.analysis.analyses.veil import veil_of_darkness
    from continuum.analysis.spline import NaturalSpline
    from continuum.analysis.sun import sun_times

    dates = [d for (d,) in data.con.execute("SELECT DISTINCT date FROM stops").fetchall()]
    sun = sun_times(dates, 41.7, -71.5, "America/New_York")
    lo, hi = float(sun["sunset_min"].min()), float(sun["dusk_min"].max())
    df = data.con.execute(
        f"""SELECT CAST(round((hour(time) * 60 + minute(time)) / 5.0) * 5 AS INT) AS minute,
                   CAST(hour(time) * 60 + minute(time) > sun.dusk_min AS INT) AS is_dark,
                   CAST(subject_race = 'black' AS INT) AS y
            FROM stops JOIN sun USING (date)
            WHERE subject_race IN ('black', 'white')
              AND hour(time) * 60 + minute(time) BETWEEN {lo} AND {hi}
              AND NOT (hour(time) * 60 + minute(time) BETWEEN sun.sunset_min AND sun.dusk_min)"""
    ).df()
    spline = NaturalSpline(df["minute"].unique())
    X = np.column_stack([np.ones(len(df)), df["is_dark"], spline(df["minute"].to_numpy())])
    t_veil, res = timed(
        lambda: sm.GLM(df["y"].to_numpy(float), X, family=sm.families.Binomial()).fit(tol=1e-12)
    )
    grouped = veil_of_darkness(data, lat=41.7, lng=-71.5, tz="America/New_York")
    s = data.con.execute(
        "SELECT subject_race, CAST(search_conducted AS INT) AS y FROM stops WHERE subject_race IS NOT NULL"
    ).df()
    Xr = np.asarray(__import__("pandas").get_dummies(s["subject_race"], drop_first=True, dtype=float))
    Xr = np.column_stack([np.ones(len(s)), Xr])
    t_rates, _ = timed(lambda: sm.GLM(s["y"].to_numpy(float), Xr, family=sm.families.Binomial()).fit())
    return {
        "veil_rows": len(df),
        "veil_row_fit_seconds": t_veil,
        "rates_rows": len(s),
        "rates_row_fit_seconds": t_rates,
        "veil_coef_row": float(res.params[1]),
        "veil_coef_grouped": grouped.estimates["is_dark"]["coef"],
        "veil_se_row": float(res.bse[1]),
        "veil_se_grouped": grouped.estimates["is_dark"]["se"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e6,1e7", help="comma-separated row counts, e.g. 1e6,1e7,1e8")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--rowfit", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(int(args.one), args.rowfit)))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    runs = []
    for n in sizes:
        console.print(f"running {n:,} stops …")
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks", "--one", str(n)] + (["--rowfit"] if n == 1_000_000 else []),
            capture_output=True,
            text=True,
            env={**os.environ, "CONTINUUM_HASH_KEY": "bench"},
        )
        if proc.returncode != 0:
            console.print(proc.stderr)
            return proc.returncode
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    row = next((r["row_level"] for r in runs if r["row_level"]), {})
    per_1m = {a["analysis"]: a["seconds"] for r in runs if r["n"] == 1_000_000 for a in r["analyses"]}
    table = Table(title="continuum.analysis benchmarks (seconds; ratio = analysis / bare DuckDB GROUP BY)")
    for c in (
        "rows",
        "analysis",
        "analysis s",
        "bare GROUP BY s",
        "ratio",
        "row-level fit 1M s",
        "speed-up vs row fit",
        "peak RSS MiB",
    ):
        table.add_column(c, justify="right")
    md = [
        "| rows | analysis | analysis s | bare GROUP BY s | ratio | row-level fit 1M s | "
        "speed-up | peak RSS MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        for a in r["analyses"]:
            rf = {
                "veil-of-darkness": row.get("veil_row_fit_seconds"),
                "rates": row.get("rates_row_fit_seconds"),
            }.get(a["analysis"])
            speed = f"{rf / per_1m[a['analysis']]:.0f}x" if rf and r["n"] == 1_000_000 else ""
            cells = [
                f"{r['n']:,}",
                a["analysis"],
                f"{a['seconds']:.3f}",
                f"{a['bare_groupby_seconds']:.3f}",
                f"{a['ratio']:.2f}",
                f"{rf:.2f}" if rf and r["n"] == 1_000_000 else "",
                speed,
                f"{r['peak_rss_mib']:.0f}",
            ]
            table.add_row(*cells)
            md.append("| " + " | ".join(cells) + " |")
        md.append(
            f"| {r['n']:,} | (generate / load+validate) | {r['generate_seconds']:.2f} / "
            f"{r['load_validate_seconds']:.2f} | | | | | {r['peak_rss_mib']:.0f} |"
        )
    console.print(table)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = f"cpus={os.cpu_count()}; python={sys.version.split()[0]}; sizes={sizes}"
    (out / "latest.md").write_text(
        f"# Benchmarks {stamp}\n\n{meta}\n\n"
        + "\n".join(md)
        + "\n\n"
        + (f"Row-level check at 1M: {json.dumps(row)}\n" if row else "")
    )
    (out / "latest.json").write_text(json.dumps({"stamp": stamp, "meta": meta, "runs": runs}, indent=2))
    console.print(f"written to {out / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
