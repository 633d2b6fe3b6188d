"""Outcome (hit-rate) test (Becker; Knowles, Persico & Todd): if searches of one group find contraband less
often, officers may be searching that group on less evidence. The searches compared are those OPP's
``eligibility.R`` keeps (discretionary ones where the basis is recorded, a missing basis counting as
discretionary); every filter's effect is reported, and the pooled comparison over all the data beside it."""

from __future__ import annotations

import pandas as pd

from ..load import StopData
from ..reduce import Reducer
from ..results import Chart, Result, Table
from ..stats import ratio_ci, wilson
from .common import as_list, finish
from .eligibility import (
    COVERAGE,
    DEFAULT_GROUPS,
    MIN_GEOGRAPHIES,
    MIN_MONTH_STOPS,
    MIN_SEARCHES,
    STEP_COLUMNS,
    Eligibility,
    decisions_table_rows,
    eligible_searches,
    headline_warnings,
    hit_rates,
    rule_text,
)


def outcome_test(
    data: StopData,
    *,
    group: str = "subject_race",
    geography: str | None = "district",
    groups: str | list[str] | None = None,
    reference: str = "white",
    discretionary: str = "auto",
    min_searches: int = MIN_SEARCHES,
    min_geographies: int = MIN_GEOGRAPHIES,
    min_month_stops: int = MIN_MONTH_STOPS,
    coverage: float = COVERAGE,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Hit rates by group over the searches OPP's eligibility keeps, and over all searches (pooled).

    discretionary: "auto" (OPP: filter on the basis when it is recorded for at least ``coverage`` of searches),
    "yes" (always filter on it) or "no" (all searches). groups: compared (default black, white, hispanic).
    """
    e, geography, geo_label = eligible_searches(
        data, "outcome-test", group=group, geography=geography, groups=groups, discretionary=discretionary,
        min_searches=min_searches, min_geographies=min_geographies, min_month_stops=min_month_stops,
        coverage=coverage, reducer=reducer,
    )  # fmt: skip
    searched = e.t["searched"].astype(bool)
    excluded = {**e.excluded(), "search not conducted": int(e.t.loc[~searched, "n"].sum())}
    filtered = by_group(hit_rates(e.t), reference, alpha)
    pooled = by_group(hit_rates(e.pooled), reference, alpha)
    estimates: dict = {"by_group": filtered, "eligible_geographies": e.geographies}
    if geography:
        estimates["by_geography"] = by_geography(e.t, alpha)
    estimates["pooled"] = {"by_group": pooled}
    estimates["eligibility"] = eligibility_summary(e)
    caveats = [
        "Contraband found among searches; a lower hit rate for a group suggests a lower bar for searching it, "
        "but hit rates can differ without discrimination (infra-marginality: see the threshold test).",
        rule_text(e, min_searches, min_geographies, geo_label),
        "Pooled: every search of the compared groups with its outcome recorded, over all months and "
        f"{geo_label} values, under the same search basis rule, without the eligibility filters.",
        basis_caveat(e.discretionary),
    ]
    params = {
        "group": group,
        "geography": geography,
        "groups": as_list(groups) or list(DEFAULT_GROUPS),
        "reference": reference,
        "discretionary": e.discretionary,
        "min_searches": min_searches,
        "min_geographies": min_geographies,
        "min_month_stops": min_month_stops,
        "coverage": coverage,
        "alpha": alpha,
    }
    return finish(
        data,
        "outcome-test",
        estimates,
        int(e.t.loc[searched, "n"].sum()),
        excluded,
        params,
        warnings=headline_warnings(e, reference, geo_label),
        caveats=caveats,
        charts=[hit_rate_chart(group, filtered, pooled)],
        tables=tables(group, geography, estimates, e),
        counts={"eligibility_steps": [d.__dict__ for d in e.decisions]},
    )


def cell(k: float, n: float, alpha: float) -> dict:
    k, n = float(k), float(n)
    lo, hi = wilson(k, n, alpha)
    return {"searches": int(n), "hits": int(k), "hit_rate": k / n if n else None, "ci95": [lo, hi]}


def by_group(rates: dict[str, tuple[int, int]], reference: str, alpha: float) -> dict:
    """Hit rate per group, with its ratio to the reference group's (Katz interval)."""
    out = {g: cell(k, n, alpha) for g, (k, n) in rates.items()}
    ref = out.get(reference)
    for g, c in out.items():
        if ref and g != reference and c["searches"] and ref["searches"]:
            rr, lo, hi = ratio_ci(
                c["hits"], c["searches"], ref["hits"], ref["searches"], binomial=True, alpha=alpha
            )
            c["ratio_to_reference"] = {"ratio": rr, "ci95": [lo, hi]}
    return out


def by_geography(t: pd.DataFrame, alpha: float) -> dict:
    out: dict = {}
    for geo in sorted(t["geo"].unique()):
        for g, (k, n) in hit_rates(t[t["geo"] == geo]).items():
            out.setdefault(str(geo), {})[g] = cell(k, n, alpha)
    return out


def eligibility_summary(e: Eligibility) -> dict:
    kept = hit_rates(e.t)
    return {
        "searches_kept": sum(n for _, n in kept.values()),
        "searches_pooled": int(e.pooled["n"].sum()),
        "share_of_searches_dropped": e.share_of_searches_dropped,
        "geographies_kept": len(e.geographies),
        "geographies_total": e.geographies_total,
    }


def basis_caveat(discretionary: bool) -> str:
    if discretionary:
        return (
            "Discretionary searches only (search basis k9, plain view, consent, probable cause, or not "
            "recorded: OPP counts a missing basis as discretionary)."
        )
    return (
        "All searches: the search basis is not used (not recorded for at least half of the searches, or "
        "discretionary=no), so hit rates mix discretionary searches (e.g. consent) with others "
        "(e.g. incident to arrest)."
    )


def hit_rate_chart(group: str, filtered: dict, pooled: dict) -> Chart:
    points = [(g, e["hit_rate"], *e["ci95"]) for g, e in filtered.items() if e["searches"]]
    points += [(f"{g} (pooled)", e["hit_rate"], *e["ci95"]) for g, e in pooled.items() if e["searches"]]
    return Chart(f"hit rate by {group}", "contraband found / searches", points)


def tables(group: str, geography: str | None, estimates: dict, e: Eligibility) -> list[Table]:
    cols = [group, "searches", "hits", "hit rate", "low", "high"]
    out = [
        Table(
            f"hit rate by {group}",
            cols,
            [
                [g, c["searches"], c["hits"], c["hit_rate"], *c["ci95"]]
                for g, c in estimates["by_group"].items()
            ],
        ),
        Table(
            f"hit rate by {group}, pooled over all the data (no eligibility filter)",
            cols,
            [
                [g, c["searches"], c["hits"], c["hit_rate"], *c["ci95"]]
                for g, c in estimates["pooled"]["by_group"].items()
            ],
        ),
        Table(
            "eligibility: what each OPP filter dropped",
            STEP_COLUMNS,
            decisions_table_rows(e),
        ),
    ]
    if geography:
        out.append(
            Table(
                f"hit rate by {geography} and {group}",
                [geography, group, "searches", "hits", "hit rate"],
                [
                    [geo, g, c["searches"], c["hits"], c["hit_rate"]]
                    for geo, cells in estimates["by_geography"].items()
                    for g, c in cells.items()
                ],
            )
        )
    return out
