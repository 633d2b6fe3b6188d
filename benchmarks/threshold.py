"""Threshold test on the Rhode Island file (black and white drivers, districts with 10+ searches per group): effective
samples per second, compilation included, for the engine's defaults beside a baseline measured in the same run
(the same model sampled with OPP's settings: 5 chains of 5,000 iterations, 2,500 warm-up) and OPP's rstan fit as
measured once on this kind of machine (about 3,300 effective samples in about 75 s: 44/s). Each fit runs in its
own process so each pays its own compilation.

    python -m benchmarks.threshold [--out benchmarks/results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

RI = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ri_state_police_stops_2005_2008.csv"
RULES = {"group": "subject_race", "geography": "district", "groups": "black,white", "discretionary": "auto"}
RULES |= {"min_searches": 10, "min_geographies": 3, "min_month_stops": 50, "coverage": 0.5, "reducer": None}
CONFIGS = {
    "continuum (defaults)": {},
    "baseline: OPP's settings, same run": {"chains": 5, "warmup": 2500, "draws": 2500},
}
OPP_RSTAN = {"ess": 3300, "seconds": 75.0}  # issue 17: OPP's Stan fit on the same cells, compilation included


def run_one(name: str) -> dict:
    """One fit in this process: prepare and reduce (not timed), then fit and diagnose (timed, with JIT)."""
    import time

    from continuum.analysis.analyses import threshold as T
    from continuum.analysis.load import load_stops

    path = Path(os.environ.get("CONTINUUM_RI", RI))
    with load_stops(path, "ri_state_police") as data:
        cells = T.reduce_cells(T.prepare(data, **RULES)[0].t)
    t0 = time.perf_counter()
    f = T.fit(cells, T.Sampler(**CONFIGS[name]))
    per_cell = T.cell_thresholds(f)
    per_group = T.group_thresholds(cells, per_cell)
    conv = T.diagnose(f, T.reported_quantities(cells, per_group, per_cell, "white"))
    seconds = time.perf_counter() - t0
    by_group = T.summarize(cells, per_group, "white")
    return {
        "config": name,
        "sampler": T.Sampler(**CONFIGS[name]).__dict__,
        "cells": len(cells.frame),
        "seconds": seconds,
        "ess_per_second": conv.min_ess / seconds,
        **conv.to_dict(),
        "thresholds": {g: {k: v[k] for k in ("threshold", "ci95")} for g, v in by_group.items()},
        "difference_black_minus_white": by_group["black"]["difference_to_reference"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.threshold", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).parent / "results"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    runs = []
    for name in CONFIGS:
        print(f"fitting: {name} …", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.threshold", "--one", name],
            capture_output=True,
            text=True,
            env={**os.environ, "CONTINUUM_HASH_KEY": "bench"},
        )
        if proc.returncode != 0:
            print(proc.stderr)
            return proc.returncode
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    md = markdown(runs)
    print("\n".join(md))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / "threshold.json").write_text(
        json.dumps({"at": stamp, "runs": runs, "opp_rstan": OPP_RSTAN}, indent=2)
    )
    (out / "threshold.md").write_text("\n".join(md) + "\n")
    return 0


def markdown(runs: list[dict]) -> list[str]:
    head = ["fit", "seconds", "min ESS", "ESS/s", "max R-hat", "divergences", "converged", "black", "white"]
    md = [
        "Threshold test, RI (black, white; 10+ searches per group and district): compilation included.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * 6 + "---|---|",
    ]
    for r in runs:
        th = r["thresholds"]
        md.append(
            f"| {r['config']} | {r['seconds']:.1f} | {r['min_ess']:.0f} | {r['ess_per_second']:.1f} | "
            f"{r['max_r_hat']:.4f} | {r['divergences']} | {r['converged']} | "
            f"{th['black']['threshold']:.3f} | {th['white']['threshold']:.3f} |"
        )
    opp = OPP_RSTAN["ess"] / OPP_RSTAN["seconds"]
    md.append(f"| OPP rstan (measured once, not this run) | {OPP_RSTAN['seconds']:.0f} | {OPP_RSTAN['ess']} | "
              f"{opp:.1f} | | | | | |")  # fmt: skip
    return md


if __name__ == "__main__":
    raise SystemExit(main())
