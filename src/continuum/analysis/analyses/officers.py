"""Internal benchmarking of officers (Ridgeway & MacDonald 2009).

Each officer's minority share of stops is compared with the stops other officers made at like times and
places, weighted by the propensity that a stop in those circumstances is the officer's: weight p/(1-p). With
discrete matching cells, the propensity model is saturated and p/(1-p) is exactly n_officer,cell /
n_others,cell, so the benchmark is computed from the reduced counts. False-discovery-rate control
(Benjamini-Hochberg) decides which officers stand out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import ident, in_list
from ..stats import benjamini_hochberg
from .common import as_list, finish, reducer_for, require

MATCH_SQL = {
    "district": (ident("district"), ("district",)),
    "beat": (ident("beat"), ("beat",)),
    "zone": (ident("zone"), ("zone",)),
    "hour": ("hour(time)", ("time",)),
    "weekday": ("dayofweek(date)", ("date",)),
    "month": ("month(date)", ("date",)),
    "year": ("year(date)", ("date",)),
    "type": (ident("type"), ("type",)),
}


def officer_benchmark(
    data: StopData,
    *,
    minority: str | list[str] = "black",
    match: str | list[str] = "district,hour,weekday",
    min_stops: int = 50,
    fdr: float = 0.05,
    alternative: str = "greater",
    reducer: Reducer | None = None,
) -> Result:
    """Prepare the matching cells, reduce to officer x cell counts, benchmark, flag, present."""
    minorities = as_list(minority)
    require(data, "officer-benchmark", "officer_id_hash", "subject_race")
    keys_wanted = [k for k in as_list(match) if k in MATCH_SQL]
    keys_used = matching_keys(data, keys_wanted)
    red = reducer_for(data, reducer).reduce(data.table, reduction(keys_used, minorities))
    table, excluded = benchmark_table(red.table, keys_used, min_stops, alternative)
    officers = officer_rows(flag(table, fdr))
    flagged = [o for o in officers if o["flagged"]]
    estimates = {
        "n_officers": len(officers),
        "n_flagged": len(flagged),
        "flagged": flagged,
        "officers": officers,
    }
    params = {"minority": minorities, "match": keys_used, "min_stops": min_stops, "fdr": fdr,
              "alternative": alternative}  # fmt: skip
    return finish(
        data, "officer-benchmark", estimates, sum(o["stops"] for o in officers), {**red.excluded, **excluded},
        params, caveats=caveats(minorities, keys_wanted, keys_used, fdr, alternative),
        charts=[difference_chart(officers)], tables=[flagged_table(flagged)],
    )  # fmt: skip


def matching_keys(data: StopData, wanted: list[str]) -> list[str]:
    """The matching cells the data can form: those whose columns it has."""
    return [k for k in wanted if all(c in data.columns for c in MATCH_SQL[k][1])]


def reduction(keys_used: list[str], minorities: list[str]) -> Reduction:
    """Stops and minority stops per officer and matching cell; a stop missing any key is excluded, by key."""
    exclusions = [
        ("officer_id_hash missing", "officer_id_hash IS NULL"),
        ("subject_race missing", "subject_race IS NULL"),
    ]
    keys = {"officer": "officer_id_hash"}
    for k in keys_used:
        expr = MATCH_SQL[k][0]
        exclusions.append((f"{k} missing", f"({expr}) IS NULL"))
        keys[k] = expr
    minority = f"CAST(subject_race IN {in_list(minorities)} AS INTEGER)"
    return Reduction(keys=keys, sums={"minority": minority}, exclusions=exclusions)


def flag(table: pd.DataFrame, fdr: float) -> pd.DataFrame:
    """Benjamini-Hochberg q-values, and the officers whose q is within the false-discovery rate."""
    q = benjamini_hochberg(table["p_value"].to_numpy()) if len(table) else np.array([])
    return table.assign(q_value=q, flagged=q <= fdr)


def officer_rows(table: pd.DataFrame) -> list[dict]:
    """One record per benchmarked officer, the largest z first."""
    return [
        {
            "officer_id_hash": r.officer,
            "stops": int(r.n),
            "minority_stops": int(r.m),
            "share": r.share,
            "benchmark": r.benchmark,
            "difference": r.share - r.benchmark,
            "z": r.z,
            "p_value": r.p_value,
            "q_value": r.q_value,
            "flagged": bool(r.flagged),
        }
        for r in table.sort_values("z", ascending=False).itertuples()
    ]


def caveats(minorities, keys_wanted, keys_used, fdr: float, alternative: str) -> list[str]:
    missing = ", ".join(k for k in keys_wanted if k not in keys_used) or "all requested"
    cells = (
        f"Minority = {minorities}; matching cells: {keys_used or ['none']} ({missing} unavailable in the data)"
        if set(keys_used) != set(keys_wanted)
        else f"Minority = {minorities}; matching cells: {keys_used}."
    )
    return [
        cells,
        "A cell-exact (saturated) propensity model: an officer's stops in cells no other officer "
        "worked cannot be benchmarked and are excluded.",
        f"Benjamini-Hochberg FDR at {fdr}; alternative: {alternative}. Stand-out officers warrant review, "
        "not conclusions: assignments within a cell can still differ.",
    ]


def difference_chart(officers: list[dict], top: int = 15) -> Chart:
    """Each of the `top` officers' share minus benchmark, with a 95% interval."""
    return Chart(
        "officer minority share minus benchmark (top 15 by z)",
        "difference in share",
        [
            (
                o["officer_id_hash"][:10],
                o["difference"],
                o["difference"] - 1.96 * _se(o),
                o["difference"] + 1.96 * _se(o),
            )
            for o in officers[:top]
        ],
        reference=0.0,
    )


def flagged_table(flagged: list[dict]) -> Table:
    return Table(
        "flagged officers",
        ["officer", "stops", "share", "benchmark", "z", "q"],
        [
            [o["officer_id_hash"], o["stops"], o["share"], o["benchmark"], o["z"], o["q_value"]]
            for o in flagged
        ],
    )


def _se(o: dict) -> float:
    return abs(o["difference"] / o["z"]) if o["z"] else 0.0


def benchmark_table(
    t: pd.DataFrame, cells: list[str], min_stops: int, alternative: str
) -> tuple[pd.DataFrame, dict]:
    """Per officer: observed share, propensity-weighted benchmark, z and p from the cell counts."""
    if cells:
        tot = (
            t.groupby(cells, dropna=False)[["n", "minority"]]
            .sum()
            .rename(columns={"n": "N", "minority": "M"})
        )
        t = t.join(tot, on=cells)
    else:
        t = t.assign(N=t["n"].sum(), M=t["minority"].sum())
    t = t.assign(n_o=t["N"] - t["n"], m_o=t["M"] - t["minority"])
    unmatched = t["n_o"] <= 0
    excluded = {}
    if unmatched.any():
        excluded["stops in cells no other officer worked"] = int(t.loc[unmatched, "n"].sum())
    t = t[~unmatched]
    p_cell = t["M"] / t["N"]
    t = t.assign(
        bench_m=t["n"] * t["m_o"] / t["n_o"],
        var=(t["n"] ** 2) * p_cell * (1 - p_cell) * (1 / t["n"] + 1 / t["n_o"]),
    )
    per = t.groupby("officer")[["n", "minority", "bench_m", "var"]].sum()
    small = per["n"] < min_stops
    if small.any():
        excluded[f"officers with fewer than {min_stops} benchmarkable stops"] = int(per.loc[small, "n"].sum())
    per = per[~small]
    share = per["minority"] / per["n"]
    bench = per["bench_m"] / per["n"]
    se = np.sqrt(per["var"]) / per["n"]
    zval = np.where(se > 0, (share - bench) / se.where(se > 0, 1), 0.0)
    if alternative == "greater":
        p = stats.norm.sf(zval)
    elif alternative == "less":
        p = stats.norm.cdf(zval)
    else:
        p = 2 * stats.norm.sf(np.abs(zval))
    out = pd.DataFrame(
        {
            "officer": per.index,
            "n": per["n"].to_numpy(),
            "m": per["minority"].to_numpy(),
            "share": share.to_numpy(),
            "benchmark": bench.to_numpy(),
            "z": zval,
            "p_value": p,
        }
    )
    return out.reset_index(drop=True), excluded
