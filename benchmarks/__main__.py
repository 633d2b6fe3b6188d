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
    name: f"SELECT {cols}, count(*) FROM stops GROUP BY ALL"
    for name, cols in {
        "rates": "subject_race, search_conducted, frisk_performed, arrest_made, citation_issued",
        "veil-of-darkness": "date, time, subject_race",
        "outcome-test": "subject_race, district, search_conducted, search_basis, contraband_found",
        "officer-benchmark": "officer_id_hash, district, hour(time), dayofweek(date), subject_race",
        "threshold-test": "subject_race, district, search_conducted, contraband_found",
    }.items()
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
        rss = {"after_generate": peak_rss_mib()}
        t_load, data = timed(lambda: load_stops(path))
        rss["after_load"] = peak_rss_mib()
        rows = []
        for name in ANALYSES:
            fn = FNS[name]
            repeat = 1 if name == "threshold-test" else 2
            t_an, _ = timed(lambda fn=fn, name=name: fn(data, **PARAMS.get(name, {})), repeat)
            rss[f"after_{name}"] = peak_rss_mib()
            # the bare query's groups stay in DuckDB (only their count comes back), as the analysis's would
            bare = f"SELECT count(*) FROM ({BARE_SQL[name]})"
            t_bare, _ = timed(lambda bare=bare: data.con.execute(bare).fetchall(), repeat)
            rss[f"after_bare_{name}"] = peak_rss_mib()
            rows.append(
                {"analysis": name, "seconds": t_an, "bare_groupby_seconds": t_bare, "ratio": t_an / t_bare}
            )
        row_fit = row_level_fits(data, tmp) if rowfit else {}
        data.close()
        return {
            "n": n,
            "generate_seconds": t_gen,
            "load_validate_seconds": t_load,
            "analyses": rows,
            "row_level": row_fit,
            "peak_rss_mib": peak_rss_mib(),
            "peak_rss_mib_by_step": rss,
        }
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def row_level_fits(data, tmp: Path) -> dict:  # type: ignore[no-untyped-def]
    """(b): the same models fitted on every row with statsmodels: rows fetched from DuckDB, design built,
    GLM fitted (each step timed). Veil of darkness uses 1M evening stops, so ~all rows enter the fit."""
    import pandas as pd
    import statsmodels.api as sm

    from continuum.analysis.analyses.rates import rates
    from continuum.analysis.analyses.veil import veil_of_darkness
    from continuum.analysis.load import load_stops
    from continuum.analysis.spline import NaturalSpline
    from continuum.analysis.sun import sun_times
    from continuum.analysis.synthetic import generate_stops

    point = {"lat": 41.7, "lng": -71.5, "tz": "America/New_York"}
    evening = load_stops(generate_stops(tmp / "evening.parquet", 1_000_000, minutes=(960, 1320)))
    t_veil_grouped, grouped = timed(lambda: veil_of_darkness(evening, **point, geography=None), 2)

    def veil_rows():  # type: ignore[no-untyped-def]
        # OPP's definitions (analyses/veil.py): window from the earliest to the latest dusk over the stops'
        # dates, whole minutes, sunset <= minute <= dusk dropped, dark from the minute of dusk
        eligible = "subject_race IN ('black', 'white') AND time IS NOT NULL AND date IS NOT NULL"
        dates = [
            d for (d,) in evening.con.execute(f"SELECT DISTINCT date FROM stops WHERE {eligible}").fetchall()
        ]
        sun = sun_times(dates, 41.7, -71.5, "America/New_York")
        lo, hi = float(sun["dusk_minute"].min()), float(sun["dusk_minute"].max())
        m = "(hour(time) * 60 + minute(time))"
        df = evening.con.execute(
            f"""SELECT {m} AS minute, CAST({m} >= sun.dusk_minute AS INT) AS is_dark,
                       CAST(subject_race = 'black' AS INT) AS y
                FROM stops JOIN sun USING (date)
                WHERE {eligible} AND {m} BETWEEN {lo} AND {hi}
                  AND NOT ({m} >= sun.sunset_minute AND {m} <= sun.dusk_minute)"""
        ).df()
        df["minute"] = np.round(df["minute"] / 5) * 5  # R's round: half to even
        # ns() knots at quantiles of the grouped rows, as OPP's glm places them
        spline = NaturalSpline(df.drop_duplicates(["minute", "is_dark"])["minute"].to_numpy())
        X = np.column_stack([np.ones(len(df)), df["is_dark"], spline(df["minute"].to_numpy())])
        return df["y"].to_numpy(float), X

    t_veil_prep, (y, X) = timed(veil_rows)
    t_veil_fit, res = timed(lambda: sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12))
    evening.close()

    t_rates_grouped, _ = timed(lambda: rates(data), 2)

    def rate_rows():  # type: ignore[no-untyped-def]
        s = data.con.execute(
            "SELECT subject_race, CAST(search_conducted AS INT) AS y FROM stops WHERE subject_race IS NOT NULL"
        ).df()
        Xr = pd.get_dummies(s["subject_race"], drop_first=True, dtype=float).to_numpy()
        return s["y"].to_numpy(float), np.column_stack([np.ones(len(s)), Xr])

    t_rates_prep, (yr, Xr) = timed(rate_rows)
    t_rates_fit, _ = timed(lambda: sm.GLM(yr, Xr, family=sm.families.Binomial()).fit())
    return {
        "veil": {
            "rows_in_fit": len(y),
            "grouped_seconds": t_veil_grouped,
            "row_prep_seconds": t_veil_prep,
            "row_fit_seconds": t_veil_fit,
            "coef_row": float(res.params[1]),
            "coef_grouped": grouped.estimates["is_dark"]["coef"],
            "se_row": float(res.bse[1]),
            "se_grouped": grouped.estimates["is_dark"]["se"],
            "n_used_grouped": grouped.n_used,
        },
        "rates": {
            "rows_in_fit": len(yr),
            "grouped_seconds": t_rates_grouped,
            "row_prep_seconds": t_rates_prep,
            "row_fit_seconds": t_rates_fit,
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e6,1e7", help="comma-separated row counts, e.g. 1e6,1e7,1e8")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--rowfit", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--spark-sizes",
        default="1e7",
        help="row counts for the Spark column (needs the spark extra and Java)",
    )
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
    table = Table(title="analysis time vs a bare DuckDB GROUP BY over the same columns (seconds)")
    headers = ["rows", "analysis", "analysis s", "bare GROUP BY s", "ratio", "target <=1.5x", "peak RSS MiB"]
    for c in headers:
        table.add_column(c, justify="right")
    md = ["| " + " | ".join(headers) + " |", "|---:|---|---:|---:|---:|---|---:|"]
    for r in runs:
        for a in r["analyses"]:
            target = (
                "n/a (MCMC-bound)"
                if a["analysis"] == "threshold-test"
                else ("met" if a["ratio"] <= 1.5 else "missed")
            )
            cells = [
                f"{r['n']:,}",
                a["analysis"],
                f"{a['seconds']:.3f}",
                f"{a['bare_groupby_seconds']:.3f}",
                f"{a['ratio']:.2f}",
                target,
                f"{r['peak_rss_mib']:.0f}",
            ]
            table.add_row(*cells)
            md.append("| " + " | ".join(cells) + " |")
        cells = [
            f"{r['n']:,}",
            "(generate; load+validate)",
            f"{r['generate_seconds']:.2f}; {r['load_validate_seconds']:.2f}",
            "",
            "",
            "",
            f"{r['peak_rss_mib']:.0f}",
        ]
        table.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    md += ["", "Row-level statsmodels (1M stops): rows fetched from DuckDB, design built, GLM fitted.", ""]
    rheaders = [
        "model",
        "rows in fit",
        "grouped s",
        "row fetch+design s",
        "row GLM fit s",
        "speed-up (total)",
        "speed-up (fit only)",
        "|coef diff|",
        "|se diff|",
    ]
    rtable = Table(title="grouped analysis vs row-level statsmodels fit, 1M stops")
    for c in rheaders:
        rtable.add_column(c, justify="right")
    md += ["| " + " | ".join(rheaders) + " |", "|---|" + "---:|" * (len(rheaders) - 1)]
    for model, v in row.items():
        total = v["row_prep_seconds"] + v["row_fit_seconds"]
        cells = [
            model,
            f"{v['rows_in_fit']:,}",
            f"{v['grouped_seconds']:.3f}",
            f"{v['row_prep_seconds']:.2f}",
            f"{v['row_fit_seconds']:.2f}",
            f"{total / v['grouped_seconds']:.0f}x",
            f"{v['row_fit_seconds'] / v['grouped_seconds']:.0f}x",
            f"{abs(v['coef_row'] - v['coef_grouped']):.1e}" if "coef_row" in v else "",
            f"{abs(v['se_row'] - v['se_grouped']):.1e}" if "se_row" in v else "",
        ]
        rtable.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(table)
    console.print(rtable)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = f"cpus={os.cpu_count()}; python={sys.version.split()[0]}; sizes={sizes}"
    (out / "latest.md").write_text(f"# Benchmarks {stamp}\n\n{meta}\n\n" + "\n".join(md) + "\n")
    (out / "latest.json").write_text(json.dumps({"stamp": stamp, "meta": meta, "runs": runs}, indent=2))
    console.print(f"written to {out / 'latest.md'} and latest.json")
    from .engine2 import run_all  # use of force, staffing, arrests, shootings, crashes, personnel

    status = run_all([n for n in sizes if n <= 10_000_000] or sizes[:1], out, console)
    from . import spark  # the Spark column: DuckDB vs local-mode Spark on the same Parquet

    if spark.available():
        status = status or spark.run_all([int(float(s)) for s in args.spark_sizes.split(",")], out, console)
    else:
        console.print(
            "Spark column skipped: pip install -e '.[spark]' and Java 17+ (make test-spark installs it)"
        )
    # Reports: a 60-page report with 20 charts to PDF and Word. It needs Django, so it runs in its own process.
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    reports = subprocess.run([sys.executable, "-m", "benchmarks.reports"], env=env, check=False)
    return status or reports.returncode


if __name__ == "__main__":
    raise SystemExit(main())
