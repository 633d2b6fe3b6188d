"""Outcome (hit-rate) test (Becker; Knowles, Persico & Todd): if searches of one group find contraband less
often, officers may be searching that group on less evidence. Discretionary searches only, where the
search basis says which ones were."""

from __future__ import annotations

from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..schema import DISCRETIONARY_BASES
from ..sql import ident, in_list
from ..stats import ratio_ci, wilson
from .common import finish, reducer_for, require


def outcome_test(
    data: StopData,
    *,
    group: str = "subject_race",
    geography: str | None = "district",
    reference: str = "white",
    discretionary: str = "auto",
    min_searches: int = 10,
    alpha: float = 0.05,
    reducer: Reducer | None = None,
) -> Result:
    """Hit rates by group (and geography), with OPP-style minimum counts.

    discretionary: "auto" (use search_basis when it is recorded), "yes" (require it) or "no" (all searches).
    min_searches: a group x geography cell with fewer searches is reported but left out of comparisons,
    and a geography is compared only where the reference group and the other group both meet it.
    """
    if geography and geography not in data.columns:
        geography = None
    require(data, "outcome-test", group, "search_conducted", "contraband_found")
    if discretionary == "yes":
        require(data, "outcome-test (discretionary)", "search_basis")
    exclusions = [
        ("search not conducted (or not recorded)", "search_conducted IS NOT TRUE"),
        (f"{group} missing or unmapped", f"{ident(group)} IS NULL"),
        ("contraband_found missing", "contraband_found IS NULL"),
    ]
    keys = {"group": ident(group)}
    if geography:
        exclusions.append((f"{geography} missing", f"{ident(geography)} IS NULL"))
        keys["geo"] = ident(geography)
    # the basis class is a key, so one scan serves both the "is the basis recorded?" decision and the fit
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
        keys=keys, sums={"hits": "CAST(contraband_found AS INTEGER)"}, exclusions=exclusions, columns=columns
    )
    red = reducer_for(data, reducer).reduce(data.table, spec)
    t = red.table
    excluded = dict(red.excluded)
    has_basis = bool((t["basis"] != "missing").any())
    use_basis = discretionary == "yes" or (discretionary == "auto" and has_basis)
    if use_basis:
        for cls, reason in (
            ("missing", "search basis missing"),
            ("other", "non-discretionary search (basis other)"),
        ):
            n = int(t.loc[t["basis"] == cls, "n"].sum())
            if n:
                excluded[reason] = n
        t = t[t["basis"] == "discretionary"]
    n_used = int(t["n"].sum())

    def cell(k: float, n: float) -> dict:
        k, n = float(k), float(n)
        lo, hi = wilson(k, n, alpha)
        return {
            "searches": int(n),
            "hits": int(k),
            "hit_rate": k / n if n else None,
            "ci95": [lo, hi],
            "meets_min_searches": n >= min_searches,
        }

    overall = t.groupby("group")[["hits", "n"]].sum()
    estimates: dict = {"by_group": {str(g): cell(r.hits, r.n) for g, r in overall.iterrows()}}
    ref = estimates["by_group"].get(reference)
    for g, e in estimates["by_group"].items():
        if ref and g != reference and e["meets_min_searches"] and ref["meets_min_searches"]:
            rr, lo, hi = ratio_ci(
                e["hits"], e["searches"], ref["hits"], ref["searches"], binomial=True, alpha=alpha
            )
            e["ratio_to_reference"] = {"ratio": rr, "ci95": [lo, hi]}
    if geography:
        by_geo: dict = {}
        for (geo, g), r in t.groupby(["geo", "group"])[["hits", "n"]].sum().iterrows():
            by_geo.setdefault(str(geo), {})[str(g)] = cell(r.hits, r.n)
        estimates["by_geography"] = by_geo
        comparable = {
            geo: sorted(g for g, e in cells.items() if e["meets_min_searches"] and g != reference)
            for geo, cells in by_geo.items()
            if cells.get(reference, {}).get("meets_min_searches")
        }
        estimates["comparable_geographies"] = {k: v for k, v in comparable.items() if v}
    caveats = [
        "Contraband found among searches; a lower hit rate for a group suggests a lower bar for "
        "searching it, "
        "but hit rates can differ without discrimination (infra-marginality: see the threshold test).",
        f"Cells with fewer than {min_searches} searches are reported but not compared.",
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
        "reference": reference,
        "discretionary": use_basis,
        "min_searches": min_searches,
        "alpha": alpha,
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
    )
