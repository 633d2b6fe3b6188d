"""Which stops the outcome and threshold tests compare: the Stanford Open Policing Project's ``eligibility.R``
(``load_base_for`` then ``load_disparity_for``), one named step per OPP filter, each recording what it dropped.

The rows are reduced once (by month, geography, group, stop type, search, search basis class and contraband)
and every step filters that small table, so each filter's effect (stops and searches dropped) is exact and
reported. Beside the filtered searches the module keeps the pooled ones (every search of the compared groups,
no filter but the search basis rule), so a result can say when the filters change the answer.

OPP steps not carried over: the 2011-2018 study window, and the location-specific exclusions (named states,
cities and districts with data OPP judged unreliable); they are about OPP's own files, not a rule for others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..schema import DISCRETIONARY_BASES
from ..sql import ident, in_list
from .common import as_list, reducer_for, require

DEFAULT_GROUPS = ("black", "white", "hispanic")
MIN_MONTH_STOPS = 50  # remove_months_with_too_few_stops(min_stops = 50)
COVERAGE = 0.5  # remove_months_with_low_coverage(..., threshold = 0.5), and the search basis threshold
MIN_SEARCHES = 50  # remove_locations_with_too_few_searches_per_race(subgeography, min_searches = 50)
MIN_GEOGRAPHIES = 3  # remove_locations_with_too_few_subgeographies(min_subgeos = 3)
MOST = 0.5  # a result whose filters drop more than this share of the searches says so first


@dataclass(frozen=True)
class Decision:
    """One filter, as OPP's ``add_decision`` records it, with the counts it removed."""

    action: str
    reason: str
    result: str
    stops_dropped: int = 0
    searches_dropped: int = 0


@dataclass
class Pipeline:
    """The reduced counts (one row per cell, ``n`` stops) and the decisions taken on them so far."""

    t: pd.DataFrame
    decisions: list[Decision] = field(default_factory=list)

    def drop(self, mask: pd.Series, action: str, reason: str, result: str | None = None) -> None:
        """Remove the masked cells and record the step (also when it removed nothing)."""
        mask = mask.fillna(False).astype(bool)
        gone = self.t[mask]
        stops, searches = int(gone["n"].sum()), _searches(gone)
        self.t = self.t[~mask]
        done = result or ("rows removed" if stops else "no change")
        self.decisions.append(Decision(action, reason, done, stops, searches))

    def note(self, action: str, reason: str, result: str) -> None:
        self.decisions.append(Decision(action, reason, result))


@dataclass(frozen=True)
class Eligibility:
    """The eligible stops (``t``), the decisions that made them, and the pooled searches beside them."""

    t: pd.DataFrame
    decisions: list[Decision]
    pooled: pd.DataFrame  # searches only: the same search basis rule, no other filter
    groups: list[str]
    discretionary: bool
    geographies_total: int

    @property
    def geographies(self) -> list[str]:
        """The geographies kept, largest (by stops) first."""
        return [str(g) for g in self.t.groupby("geo")["n"].sum().sort_values(ascending=False).index]

    @property
    def share_of_searches_dropped(self) -> float:
        pooled = int(self.pooled["n"].sum())
        return 1 - _searches(self.t) / pooled if pooled else 0.0

    def excluded(self) -> dict[str, int]:
        """Stops removed, by step (steps that removed none are left out)."""
        return {d.action: d.stops_dropped for d in self.decisions if d.stops_dropped}


def _searches(t: pd.DataFrame) -> int:
    return int(t.loc[t["searched"].fillna(False).astype(bool), "n"].sum())


# --- the one scan -------------------------------------------------------------------------------------------


def reduce_for_eligibility(
    data: StopData, group: str, geography: str | None, reducer: Reducer | None
) -> pd.DataFrame:
    """One GROUP BY over the rows: every column an eligibility step or the tests read, as discrete keys."""
    cols = data.columns

    def key(column: str, expr: str | None = None) -> str:
        return (expr or ident(column)) if column in cols else "CAST(NULL AS VARCHAR)"

    keys = {
        "month": key("date", "strftime(date, '%Y-%m')"),
        "geo": ident(geography) if geography else "'all'",
        "group": ident(group),
        "type": key("type"),
        "searched": "search_conducted",
        "basis": key("search_basis", basis_class_sql()),
        "found": "contraband_found",
    }
    used = [group, "search_conducted", "contraband_found", *([geography] if geography else [])]
    used += [c for c in ("date", "type", "search_basis") if c in cols]
    spec = Reduction(keys=keys, sums={}, columns=tuple(dict.fromkeys(used)))
    t = reducer_for(data, reducer).reduce(data.table, spec).table
    for c in ("month", "geo", "group", "type", "basis"):
        t[c] = t[c].astype(object).where(t[c].notna(), None).map(lambda v: None if v is None else str(v))
    for c in ("searched", "found"):
        t[c] = t[c].astype("boolean")
    return t


def basis_class_sql() -> str:
    """OPP's discretionary bases; a search with no basis recorded is 'missing', kept as discretionary."""
    return (
        f"CASE WHEN NOT search_conducted OR search_conducted IS NULL THEN NULL WHEN search_basis IS NULL "
        f"THEN 'missing' WHEN search_basis IN {in_list(DISCRETIONARY_BASES)} THEN 'discretionary' "
        "ELSE 'other' END"
    )


# --- OPP's steps, in OPP's order ------------------------------------------------------------------------------


def filter_to_vehicular_stops(p: Pipeline, has_type: bool) -> None:
    action, reason = "filter to vehicular stops", "pedestrian stops are qualitatively different"
    if not has_type:
        p.note(action, reason, "stop type not recorded: all stops kept")
        return
    p.drop(p.t["type"] != "vehicular", action, reason)


def remove_months_with_too_few_stops(p: Pipeline, min_stops: int, has_date: bool) -> None:
    action, reason = f"remove months with fewer than {min_stops} stops", "data is too sparse to trust"
    if not has_date:
        p.note(action, reason, "date not recorded: not applied")
        return
    per_month = p.t.groupby("month", dropna=False)["n"].sum()
    bad = set(per_month[per_month < min_stops].index)
    p.drop(p.t["month"].isin(bad), action, reason, _months(bad))


def remove_months_with_low_coverage(
    p: Pipeline,
    feature: str,
    label: str,
    threshold: float,
    has_date: bool,
    predicate: str | None = None,
    na_values: tuple[str, ...] = (),
) -> None:
    """Months where ``feature`` is recorded (among rows where ``predicate`` holds) less than ``threshold``."""
    action = f"remove months where {label} is recorded less than {threshold:.0%} of the time"
    reason = f"{label} data is unreliable"
    if not has_date:
        p.note(action, reason, "date not recorded: not applied")
        return
    base = p.t if predicate is None else p.t[p.t[predicate].fillna(False).astype(bool)]
    recorded = base[feature].notna() & ~base[feature].isin(na_values)
    by_month = (
        base.assign(rec=base["n"].where(recorded, 0)).groupby("month", dropna=False)[["rec", "n"]].sum()
    )
    coverage = by_month["rec"] / by_month["n"]
    bad = set(coverage[coverage < threshold].index)
    p.drop(p.t["month"].isin(bad), action, reason, _months(bad))


def filter_to_races(p: Pipeline, groups: list[str], label: str) -> None:
    p.drop(
        ~p.t["group"].isin(groups), f"filter to {label} in {', '.join(groups)}", "analysis uses only these"
    )


def filter_to_discretionary_searches_if_search_basis(p: Pipeline, mode: str, threshold: float) -> bool:
    """OPP: when the basis is recorded for at least ``threshold`` of searches, drop the stops whose search had
    a non-discretionary basis (incident to arrest, inventory, ...); a missing basis counts as discretionary.
    ``mode``: "auto" (OPP), "yes" (always filter on the basis), "no" (every search). Returns whether it filtered.
    """
    action = (
        "keep only discretionary searches (plain view, consent, probable cause, k9, or no basis recorded)"
    )
    reason = "the officer decides to make these searches and is not obligated"
    if mode == "no":
        p.note(action, reason, "not applied (discretionary=no): every search kept")
        return False
    searches = p.t[p.t["searched"].fillna(False).astype(bool)]
    total = int(searches["n"].sum())
    recorded = int(searches.loc[searches["basis"].isin(("discretionary", "other")), "n"].sum())
    coverage = recorded / total if total else 0.0
    if mode == "auto" and coverage < threshold:
        p.note(
            action,
            reason,
            f"search basis recorded for {coverage:.0%} of searches, under {threshold:.0%}: unreliable, "
            "so every search is assumed discretionary",
        )
        return False
    p.drop(p.t["basis"] == "other", action, reason)
    return True


def remove_na(p: Pipeline, feature: str, label: str) -> None:
    p.drop(p.t[feature].isna(), f"remove rows where {label} is missing", f"{label} is required for analysis")


def remove_locations_with_too_few_searches_per_race(
    p: Pipeline, groups: list[str], min_searches: int, geo_label: str
) -> None:
    """A geography where any compared group has fewer than ``min_searches`` searches (or none) is removed."""
    s = p.t[p.t["searched"].fillna(False).astype(bool)]
    per = s.groupby(["geo", "group"])["n"].sum().unstack(fill_value=0).reindex(columns=groups, fill_value=0)
    per = per.reindex(p.t["geo"].unique(), fill_value=0)
    bad = set(per.index[(per < min_searches).any(axis=1) | (per == 0).any(axis=1)])
    p.drop(
        p.t["geo"].isin(bad),
        f"remove {_plural(geo_label)} with fewer than {min_searches} searches per group",
        "need sufficient data for the outcome and threshold tests",
        f"removed {', '.join(sorted(bad))}" if bad else None,
    )


def remove_locations_with_too_few_subgeographies(p: Pipeline, min_subgeos: int, geo_label: str) -> None:
    """Fewer than ``min_subgeos`` geographies left: OPP drops the whole location."""
    n = p.t["geo"].nunique()
    p.drop(
        pd.Series(n < min_subgeos, index=p.t.index),
        f"remove the data if fewer than {min_subgeos} {_plural(geo_label)} remain",
        "need enough geographies for the threshold test and a representative roll-up",
        f"location eliminated: {n} {_plural(geo_label)} remained"
        if n < min_subgeos
        else f"{n} {_plural(geo_label)} kept",
    )


def remove_outcome_without_action(p: Pipeline) -> None:
    """OPP's ``opp_prepare_for_disparity``: a hit recorded without a search is inconsistent."""
    p.drop(
        ~p.t["searched"].fillna(False).astype(bool) & p.t["found"].fillna(False).astype(bool),
        "remove stops with contraband found but no search",
        "inconsistent: an outcome without the action",
    )


def remove_searches_without_outcome(p: Pipeline) -> None:
    """OPP's ``opp_prepare_for_disparity`` drops rows missing a required column; unsearched stops' missing
    contraband is filled with false first, so only searches can be dropped here."""
    p.drop(
        p.t["searched"].fillna(False).astype(bool) & p.t["found"].isna(),
        "remove searches where contraband_found is missing",
        "a search's outcome is required for analysis",
    )


# --- the whole pipeline -------------------------------------------------------------------------------------


def opp_eligibility(
    data: StopData,
    *,
    group: str,
    geography: str | None,
    groups: list[str],
    discretionary: str,
    min_searches: int = MIN_SEARCHES,
    min_geographies: int = MIN_GEOGRAPHIES,
    min_month_stops: int = MIN_MONTH_STOPS,
    coverage: float = COVERAGE,
    reducer: Reducer | None = None,
) -> Eligibility:
    """OPP's ``load_base_for`` and ``load_disparity_for`` steps that apply outside OPP's own files, in order."""
    if discretionary not in ("auto", "yes", "no"):
        raise InputError(f"discretionary must be auto, yes or no, not {discretionary!r}")
    t = reduce_for_eligibility(data, group, geography, reducer)
    has_date, geo_label = "date" in data.columns, geography or "geography"
    p = Pipeline(t)
    filter_to_vehicular_stops(p, "type" in data.columns)
    remove_months_with_too_few_stops(p, min_month_stops, has_date)
    remove_months_with_low_coverage(p, "group", group, coverage, has_date, na_values=("unknown",))
    filter_to_races(p, groups, group)
    groups = [g for g in groups if g in set(p.t["group"])]  # OPP: the races the data have
    remove_months_with_low_coverage(p, "searched", "search_conducted", coverage, has_date)
    use_basis = filter_to_discretionary_searches_if_search_basis(p, discretionary, coverage)
    remove_na(p, "searched", "search_conducted")
    remove_months_with_low_coverage(p, "found", "contraband_found", coverage, has_date, predicate="searched")
    remove_months_with_low_coverage(p, "geo", geo_label, coverage, has_date)
    remove_na(p, "geo", geo_label)
    remove_locations_with_too_few_searches_per_race(p, groups, min_searches, geo_label)
    remove_locations_with_too_few_subgeographies(p, min_geographies, geo_label)
    remove_searches_without_outcome(p)
    remove_outcome_without_action(p)
    return Eligibility(
        t=p.t.reset_index(drop=True),
        decisions=p.decisions,
        pooled=pooled_searches(t, groups, use_basis),
        groups=groups,
        discretionary=use_basis,
        geographies_total=int(t["geo"].dropna().nunique()),
    )


def eligible_searches(
    data: StopData,
    analysis: str,
    *,
    group: str,
    geography: str | None,
    groups,
    discretionary: str,
    min_searches: int,
    min_geographies: int,
    min_month_stops: int,
    coverage: float,
    reducer: Reducer | None,
) -> tuple[Eligibility, str | None, str]:
    """The searches an outcome or threshold test compares (the same for both unless asked otherwise): the
    columns it needs checked, OPP's eligibility run, and a clear refusal when nothing is left. Returns the
    eligibility, the geography used (None when the data has none) and its label."""
    if geography and geography not in data.columns:
        geography = None
    require(data, analysis, group, "search_conducted", "contraband_found")
    if discretionary == "yes":
        require(data, f"{analysis} (discretionary)", "search_basis")
    e = opp_eligibility(
        data, group=group, geography=geography, groups=as_list(groups) or list(DEFAULT_GROUPS),
        discretionary=discretionary, min_searches=min_searches, min_geographies=min_geographies,
        min_month_stops=min_month_stops, coverage=coverage, reducer=reducer,
    )  # fmt: skip
    geo_label = geography or "geography"
    if e.t.empty:
        raise no_data_left(e, geo_label)
    return e, geography, geo_label


def pooled_searches(t: pd.DataFrame, groups: list[str], use_basis: bool) -> pd.DataFrame:
    """Every search of the compared groups with its outcome recorded, over all months and geographies: the
    same searches the test asks about (the same basis rule), without any eligibility filter."""
    s = t[t["searched"].fillna(False).astype(bool) & t["group"].isin(groups) & t["found"].notna()]
    return s[s["basis"] != "other"] if use_basis else s


# --- what the filters did, in words -------------------------------------------------------------------------


def hit_rates(searches: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """(hits, searches) by group."""
    s = searches[searches["searched"].fillna(False).astype(bool)]
    hits = s["n"].where(s["found"].fillna(False).astype(bool), 0)
    out = s.assign(hits=hits).groupby("group")[["hits", "n"]].sum()
    return {str(g): (int(r.hits), int(r.n)) for g, r in out.iterrows()}


def direction(k: int, n: int, ref_k: int, ref_n: int) -> int:
    """+1 if the group's hit rate is above the reference's, -1 below, 0 equal or not comparable."""
    if not n or not ref_n:
        return 0
    a, b = k * ref_n, ref_k * n  # compare k/n with ref_k/ref_n without rounding
    return (a > b) - (a < b)


def headline_warnings(e: Eligibility, reference: str, geo_label: str) -> list[str]:
    """What a reader must know before the numbers: most searches dropped, or the comparison reversed."""
    out = []
    pooled_n, kept_n = int(e.pooled["n"].sum()), _searches(e.t)
    total = e.geographies_total
    if e.share_of_searches_dropped > MOST:
        out.append(
            f"OPP's eligibility filters dropped {e.share_of_searches_dropped:.0%} of the searches "
            f"({pooled_n - kept_n:,} of {pooled_n:,}); {len(e.geographies)} of {total} {_plural(geo_label)} kept. "
            "The result describes the remaining searches only; see the pooled comparison beside it."
        )
    filtered, pooled = hit_rates(e.t), hit_rates(e.pooled)
    if reference in filtered and reference in pooled:
        for g in e.groups:
            if g == reference or g not in filtered or g not in pooled:
                continue
            d_f = direction(*filtered[g], *filtered[reference])
            d_p = direction(*pooled[g], *pooled[reference])
            if d_f * d_p < 0:
                out.append(
                    f"The filters reverse the comparison: in the filtered data searches of {g} find "
                    f"contraband {_word(d_f)} than searches of {reference} ({_rate(filtered[g])} vs "
                    f"{_rate(filtered[reference])}); pooled over all the data, {_word(d_p)} "
                    f"({_rate(pooled[g])} vs {_rate(pooled[reference])})."
                )
    return out


STEP_COLUMNS = ["step", "result", "stops dropped", "searches dropped"]


def decisions_table_rows(e: Eligibility) -> list[list]:
    return [[d.action, d.result, d.stops_dropped, d.searches_dropped] for d in e.decisions]


def rule_text(e: Eligibility, min_searches: int, min_geographies: int, geo_label: str) -> str:
    return (
        f"OPP eligibility (eligibility.R): {_plural(geo_label)} where each of {e.groups} has at least {min_searches} "
        f"searches, and at least {min_geographies} such {_plural(geo_label)}; months with too few stops or poorly "
        f"recorded fields removed first. {len(e.geographies)} of {e.geographies_total} {_plural(geo_label)} kept; "
        "each step's effect is in the eligibility table."
    )


def no_data_left(e: Eligibility, geo_label: str) -> InputError:
    """Everything was filtered out: say which steps removed what, what the pooled data show, and what to relax."""
    steps = "; ".join(
        f"{d.action}: {d.result} ({d.stops_dropped:,} stops, {d.searches_dropped:,} searches)"
        for d in e.decisions
        if d.stops_dropped
    )
    pooled = ", ".join(f"{g} {_rate(v)}" for g, v in hit_rates(e.pooled).items())
    return InputError(
        f"no data meets OPP's eligibility for {e.groups}: {steps}. Pooled over all the data, hit rates are "
        f"{pooled or 'not available'}. Lower the searches each group needs per {geo_label} or the number of "
        f"{_plural(geo_label)} that must qualify, or compare fewer groups.",
        params=("min_searches", "min_geographies", "groups"),
    )


def _plural(label: str) -> str:
    return label[:-1] + "ies" if label.endswith("y") else label + "s"


def _months(bad: set) -> str | None:
    """The removed months as a reader wants them: the undated rows (OPP's NA month) named, not printed "nan"."""
    if not bad:
        return None
    named = sorted(str(m) for m in bad if not pd.isna(m))
    undated = "the rows with no date" if len(named) < len(bad) else None
    if not named:
        return f"removed {undated}"
    return f"removed months {', '.join(named)}" + (f", and {undated}" if undated else "")


def _word(d: int) -> str:
    return "more often" if d > 0 else "less often"


def _rate(kn: tuple[int, int]) -> str:
    k, n = kn
    return f"{k / n:.1%} of {n:,}" if n else "no searches"
