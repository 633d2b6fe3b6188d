"""Outcome (hit-rate) test (Becker; Knowles, Persico & Todd): if searches of one group find contraband less
often, officers may be searching that group on less evidence. Discretionary searches only, where the
search basis says which ones were; OPP's minimum-count rules decide which geographies are compared."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..schema import DISCRETIONARY_BASES
from ..sql import ident, in_list
from ..stats import ratio_ci, wilson
from .common import as_list, finish, reducer_for, require
from .eligibility import DEFAULT_GROUPS, eligible_geographies, rule_text


def outcome_test(
    data: StopData,
    *,
    group: str = "subject_race",
    geography: str | None = "district",
    groups: str | list[str] | None = None,
    reference: str = "white",
    discretionary: str = "auto",
    min_stops: int = 500,
    min_searches: int = 0,
    max_geographies: int = 100,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Hit rates by group (and geography) over the geographies that pass OPP's minimum counts.

    discretionary: "auto" (use search_basis when it is recorded), "yes" (require it) or "no" (all searches).
    groups: the groups compared (default black, white, hispanic); others are excluded and counted.
    """
    if geography and geography not in data.columns:
        geography = None
    require(data, "outcome-test", group, "search_conducted", "contraband_found")
    if discretionary == "yes":
        require(data, "outcome-test (discretionary)", "search_basis")
    wanted = as_list(groups) or list(DEFAULT_GROUPS)
    exclusions = [
        ("search_conducted missing", "search_conducted IS NULL"),
        (f"{group} missing or unmapped", f"{ident(group)} IS NULL"),
        (f"{group} not among {wanted}", f"{ident(group)} NOT IN {in_list(wanted)}"),
        ("searched but contraband_found missing", "search_conducted AND contraband_found IS NULL"),
        ("contraband found without a search (inconsistent)", "NOT search_conducted AND contraband_found"),
    ]
    keys = {"group": ident(group)}
    if geography:
        exclusions.append((f"{geography} missing", f"{ident(geography)} IS NULL"))
        keys["geo"] = ident(geography)
    keys["searched"] = "search_conducted"
    # the basis class is a key, so one scan serves the eligibility counts, the basis decision and the rates
    keys["basis"] = (
        f"CASE WHEN search_basis IS NULL THEN 'missing' WHEN search_basis IN {in_list(DISCRETIONARY_BASES)} "
        "THEN 'discretionary' ELSE 'other' END"
        if "search_basis" in data.columns
        else "'missing'"
    )
    columns = (group, "search_conducted", "contraband_found", *([geography] if geography else []))
    if "search_basis" in data.columns:
        columns += ("search_basis",)
    spec = Reduction(
        keys=keys,
        sums={"hits": "CAST(search_conducted AND contraband_found AS INTEGER)"},
        exclusions=exclusions,
        columns=columns,
    )
    red = reducer_for(data, reducer).reduce(data.table, spec)
    t = red.table.copy()
    if not geography:
        t["geo"] = "all"
    t["geo"] = t["geo"].astype(str)
    t["group"] = t["group"].astype(str)
    excluded = dict(red.excluded)

    counts = (
        t.assign(searches=t["n"].where(t["searched"].astype(bool), 0))
        .groupby(["geo", "group"], as_index=False)[["n", "searches"]]
        .sum()
        .rename(columns={"n": "stops"})
    )
    compared = [g for g in wanted if g in set(t["group"])]
    eligible = eligible_geographies(counts, compared, min_stops, min_searches, max_geographies)
    if not eligible:
        raise InputError(
            f"no {geography or 'data'} meets OPP's minimum counts for {compared} (more than {min_stops} stops "
            f"and {min_searches} searches each); lower them with --param min_stops=N"
        )

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal t
        n = int(t.loc[mask, "n"].sum())
        if n:
            excluded[reason] = excluded.get(reason, 0) + n
        t = t[~mask]

    drop(~t["geo"].isin(eligible), f"{geography or 'data'} below OPP minimum counts")
    drop(~t["searched"].astype(bool), "search not conducted")
    has_basis = bool((t["basis"] != "missing").any())
    use_basis = discretionary == "yes" or (discretionary == "auto" and has_basis)
    if use_basis:
        drop(t["basis"] == "missing", "search basis missing")
        drop(t["basis"] == "other", "non-discretionary search (basis other)")
    n_used = int(t["n"].sum())

    def cell(k: float, n: float) -> dict:
        k, n = float(k), float(n)
        lo, hi = wilson(k, n, alpha)
        return {"searches": int(n), "hits": int(k), "hit_rate": k / n if n else None, "ci95": [lo, hi]}

    overall = t.groupby("group")[["hits", "n"]].sum()
    estimates: dict = {"by_group": {g: cell(r.hits, r.n) for g, r in overall.iterrows()}}
    ref = estimates["by_group"].get(reference)
    for g, e in estimates["by_group"].items():
        if ref and g != reference and e["searches"] and ref["searches"]:
            rr, lo, hi = ratio_ci(
                e["hits"], e["searches"], ref["hits"], ref["searches"], binomial=True, alpha=alpha
            )
            e["ratio_to_reference"] = {"ratio": rr, "ci95": [lo, hi]}
    estimates["eligible_geographies"] = eligible
    if geography:
        by_geo: dict = {}
        for (geo, g), r in t.groupby(["geo", "group"])[["hits", "n"]].sum().iterrows():
            by_geo.setdefault(str(geo), {})[str(g)] = cell(r.hits, r.n)
        estimates["by_geography"] = by_geo
    caveats = [
        "Contraband found among searches; a lower hit rate for a group suggests a lower bar for searching it, "
        "but hit rates can differ without discrimination (infra-marginality: see the threshold test).",
        rule_text(compared, min_stops, min_searches, max_geographies),
        "Discretionary searches only (search basis k9, plain view, consent, probable cause)."
        if use_basis
        else "All searches: the data do not tell discretionary searches (e.g. consent) from others "
        "(e.g. incident to arrest), so hit rates mix the two.",
    ]
    chart = Chart(
        f"hit rate by {group}",
        "contraband found / searches",
        [(g, e["hit_rate"], *e["ci95"]) for g, e in estimates["by_group"].items() if e["searches"]],
    )
    rows = [
        [g, e["searches"], e["hits"], e["hit_rate"], *e["ci95"]] for g, e in estimates["by_group"].items()
    ]
    tables = [Table(f"hit rate by {group}", [group, "searches", "hits", "hit rate", "low", "high"], rows)]
    if geography:
        tables.append(
            Table(
                f"hit rate by {geography} and {group}",
                [geography, group, "searches", "hits", "hit rate"],
                [
                    [geo, g, e["searches"], e["hits"], e["hit_rate"]]
                    for geo, cells in estimates["by_geography"].items()
                    for g, e in cells.items()
                ],
            )
        )
    params = {
        "group": group,
        "geography": geography,
        "groups": wanted,
        "reference": reference,
        "discretionary": use_basis,
        "min_stops": min_stops,
        "min_searches": min_searches,
        "max_geographies": max_geographies,
        "alpha": alpha,
    }
    counts_out = {
        f"{r.geo}|{r.group}": {"stops": int(r.stops), "searches": int(r.searches)}
        for r in counts.itertuples()
    }
    return finish(
        data,
        "outcome-test",
        estimates,
        n_used,
        excluded,
        params,
        caveats=caveats,
        charts=[chart],
        tables=tables,
        counts={"stops_and_searches_by_geography_and_group": counts_out},
    )
