"""Results people can read: the headline comparisons in words (direction and uncertainty), labels instead of
column codes, percentages where a share is meant, counts by year with partial years flagged, and caveats that
apply to this result only. Presentation only: everything here reads a finished Result's figures."""

from __future__ import annotations

import calendar
import math
import re
from typing import Any

from .results import Result, Table

# Standard column codes as a reader says them.
LABELS = {
    "subject_race": "race",
    "subject_sex": "sex",
    "subject_age": "age",
    "age_band": "age band",
    "officer_id": "officer",
    "search_basis": "search basis",
    "is_dark": "darkness",
}
ANALYSIS_NAMES = {
    "rates": "Stop, search and outcome rates by group",
    "veil-of-darkness": "Veil of darkness: stops in daylight and in darkness",
    "outcome-test": "Outcome test: how often searches find contraband",
    "threshold-test": "Threshold test: the evidence officers require to search",
    "officer-benchmark": "Officers compared with peers",
    "use-of-force": "Use of force",
    "staffing": "Patrol staffing from calls for service",
    "arrests": "Arrests",
    "ois": "Officer-involved shootings",
    "crashes": "Crashes",
    "personnel": "Personnel",
}
# Measures as a reader says them (others: the code with spaces).
MEASURES = {
    "weapon_or_firearm_share": "share subjected to a weapon or firearm (severity 3 or 4)",
    "hit_rate": "hit rate (contraband found)",
}
SMALL = 30  # a denominator below this gives a wide interval; the reader is told
FEW_EVENTS = 5  # so does a numerator below this
FEW_MONTHS = 12  # fewer monthly points cannot separate a trend from the seasons
MOST = 0.5  # filters that leave less than this share of the rows are named first
# Exclusions that define what the analysis compares (stops without a search, outside the twilight window, groups
# not compared) rather than data lost.
BY_DESIGN = re.compile(r"not conducted|outside the|between sunset and dusk|\bor not\b", re.I)
_PROPORTION = re.compile(r"\b(rate|share|proportion)\b")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def label(text: str) -> str:
    """'search_rate by subject_race' -> 'search rate by race'."""
    for code, name in LABELS.items():
        text = re.sub(rf"\b{code}\b", name, text)
    return text.replace("_", " ")


def analysis_name(analysis: str) -> str:
    return ANALYSIS_NAMES.get(analysis, label(analysis))


def is_proportion(name: str, values: list[Any]) -> bool:
    """A column (or axis) of shares: named a rate or share (not 'per ...') and every value between 0 and 1."""
    name = name.lower()
    finite = [
        v for v in values if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    return bool(_PROPORTION.search(name)) and " per " not in f" {name} " and all(0 <= v <= 1 for v in finite)


def percent(v: float) -> str:
    if not isinstance(v, int | float) or not math.isfinite(v):
        return "—"
    if v and abs(v) < 0.001:
        return "<0.1%"
    return f"{100 * v:.1f}%"


def num(v: float) -> str:
    if not isinstance(v, int | float) or not math.isfinite(v):
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


# Headline ----------------------------------------------------------------------------------------------


def _direction(lo: float, hi: float, higher: str = "higher", lower: str = "lower") -> str:
    """Which way a ratio points, said only when its interval excludes 1."""
    if lo > 1:
        return f"{higher}; the 95% interval lies above 1"
    if hi < 1:
        return f"{lower}; the 95% interval lies below 1"
    return "no clear difference; the 95% interval includes 1"


def _value(node: dict) -> tuple[str, float | None, str]:
    """The measure a node holds (name, value, 'k of n')."""
    for key, k_key, n_key, noun in (
        ("rate", "k", "n", ""),
        ("hit_rate", "hits", "searches", "searches"),
        ("weapon_or_firearm_share", None, "subjects", "subjects"),
        ("share", None, "count", ""),
    ):
        if isinstance(node.get(key), int | float):
            k, n = node.get(k_key) if k_key else None, node.get(n_key)
            denom = f" ({num(k)} of {num(n)}{' ' + noun if noun else ''})" if k is not None and n else ""
            if k is None and n:
                denom = f" (of {num(n)}{' ' + noun if noun else ''})"
            return key, node[key], denom
    return "", None, ""


def _figures(r: Result | dict) -> tuple[dict, dict]:
    """Estimates and parameters of a Result, or of its JSON (a report exhibit keeps only that)."""
    if isinstance(r, dict):
        return r.get("estimates") or {}, r.get("params") or {}
    return r.estimates, r.params


def comparisons(r: Result | dict) -> list[tuple[str, dict]]:
    """Every (path, node) whose node compares a group with the reference: {ratio, ci95}."""
    found: list[tuple[str, dict]] = []

    def walk(path: list[str], node: Any) -> None:
        if not isinstance(node, dict):
            return
        for key, inner in node.items():
            if (key == "ratio_to_reference" or re.match(r".+_ratio_to_.+", key)) and isinstance(inner, dict):
                if isinstance(inner.get("ratio"), int | float) and isinstance(inner.get("ci95"), list):
                    found.append((" / ".join(path), node | {"_ratio": inner, "_key": key}))
            elif isinstance(inner, dict):
                walk([*path, str(key)], inner)

    walk([], _figures(r)[0])
    return found


def headline(r: Result | dict, limit: int = 12) -> list[str]:
    """The comparisons first, in words: each group against the reference, ratio with its interval, and the
    counts it rests on; clear differences before the others, then the odds ratio and the trend."""
    out: list[str] = []
    estimates, params = _figures(r)
    reference = params.get("reference")
    for path, node in comparisons(r):
        parts = [p for p in path.split(" / ") if p not in ("by_group", "values", "per_population")]
        ratio = node["_ratio"]
        ref = (
            ratio.get("reference")
            or reference
            or (node["_key"].split("_ratio_to_")[-1] if "_ratio_to_" in node["_key"] else "")
        )
        key, value, denom = _value(node)
        if node["_key"].startswith("weapon"):
            key, value = "weapon_or_firearm_share", node.get("weapon_or_firearm_share")
        measure = parts[-1] if parts and parts[-1].endswith(("_rate", "_share")) else key or "rate"
        group = next((p for p in reversed(parts) if p != measure and not p.startswith("_")), "")
        pooled = " (pooled over all the data)" if "pooled" in path else ""
        ref_value = ""
        if ref and group:
            sibling = _sibling(estimates, path, group, str(ref))
            if sibling is not None:
                _, v, d = _value(sibling)
                if v is not None:
                    ref_value = f"'s {percent(v) if 0 <= v <= 1 else num(v)}{d}"
        shown = (
            (percent(value) if value is not None and 0 <= value <= 1 else num(value))
            if value is not None
            else ""
        )
        lo, hi = ratio["ci95"]
        if not all(isinstance(x, int | float) and math.isfinite(x) for x in (ratio["ratio"], lo, hi)):
            continue
        out.append(
            f"{MEASURES.get(measure, label(measure)).capitalize()}{pooled}: {label(group)} {shown}{denom}, "
            f"{ratio['ratio']:.2f} times {label(str(ref))}{ref_value}, 95% interval {lo:.2f} to {hi:.2f}: "
            f"{_direction(lo, hi)}."
        )
    # clear differences (interval excluding 1) first, in the result's order: a short list still shows them
    out.sort(key=lambda sentence: "no clear difference" in sentence)
    odds = estimates.get("is_dark") if isinstance(estimates.get("is_dark"), dict) else None
    if (
        odds
        and isinstance(odds.get("odds_ratio"), int | float)
        and isinstance(odds.get("odds_ratio_ci95"), list)
    ):
        lo, hi = odds["odds_ratio_ci95"]
        minority, majority = params.get("minority", "minority"), params.get("majority", "majority")
        out.append(
            f"Odds that a stopped driver is {minority} rather than {majority}, in darkness against daylight at "
            f"the same clock time: {odds['odds_ratio']:.2f} (95% interval {lo:.2f} to {hi:.2f}): "
            + _direction(
                lo,
                hi,
                f"higher: more {minority} drivers among the stops made in darkness",
                f"lower: fewer {minority} drivers among the stops made in darkness, as expected if race, easier "
                "to see in daylight, shapes who is stopped",
            )
            + "."
        )
    trend = estimates.get("trend") if isinstance(estimates.get("trend"), dict) else None
    if (
        trend
        and isinstance(trend.get("rate_ratio_per_period"), int | float)
        and isinstance(trend.get("ci95"), list)
    ):
        lo, hi = trend["ci95"]
        rr = trend["rate_ratio_per_period"]
        out.append(
            f"Trend over {trend.get('periods', '?')} months: each month {rr:.2f} times the month before "
            f"(95% interval {lo:.2f} to {hi:.2f}): " + _direction(lo, hi, "rising", "falling") + "."
        )
    return out[:limit]


def _sibling(estimates: dict, path: str, group: str, ref: str) -> dict | None:
    node: Any = estimates
    for part in path.split(" / "):
        part = ref if part == group else part
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, dict) else None


# By year -----------------------------------------------------------------------------------------------


def by_year(r: Result) -> Table | None:
    """Monthly counts summed by calendar year, with the days observed; a year not wholly observed is flagged,
    since its count is not comparable with a full year's."""
    months = r.estimates.get("by_month")
    if not isinstance(months, dict) or not months or not all(_MONTH.match(str(m)) for m in months):
        return None
    years: dict[int, list[int]] = {}
    for month, v in months.items():
        if not isinstance(v, dict):
            return None
        count = v.get("count", v.get("reports"))
        if not isinstance(count, int | float):
            return None
        y = int(month[:4])
        acc = years.setdefault(y, [0, 0])
        acc[0] += int(count)
        acc[1] += int(v.get("days") or 0)
    rows = []
    for y, (count, days) in sorted(years.items()):
        full = 366 if calendar.isleap(y) else 365
        partial = days < full
        rows.append([str(y), count, days, round(30 * count / days, 1) if days else None,
                     f"partial: {days} of {full} days" if partial else "full year"])  # fmt: skip
    return Table("Counts by year", ["year", "count", "days observed", "per 30 days", "period"], rows)


# Caveats for this result ---------------------------------------------------------------------------------


def caveats(r: Result) -> list[str]:
    """What this result's own numbers call for: most rows dropped, small counts behind a comparison, too few
    months for a trend, a partial first or last month."""
    out = []
    # rows outside what the analysis studies by design (stops without a search, stops outside the twilight
    # window) are not data lost; an analysis that already says what its filters dropped is not repeated
    lost = {k: v for k, v in r.n_excluded.items() if not BY_DESIGN.search(k)}
    said = any(re.search(r"\bdropped\b|\bremoved\b", w) for w in r.warnings)
    if lost and not said and r.n_used < MOST * (r.n_used + sum(lost.values())):
        reasons = sorted(lost.items(), key=lambda kv: -kv[1])
        top = "; ".join(f"{label(k)}: {v:,}" for k, v in reasons[:2])
        total = r.n_used + sum(lost.values())
        out.append(
            f"Only {r.n_used:,} of {total:,} rows ({percent(r.n_used / total)}) were used; most were excluded "
            f"as {top}."
        )
    small = []
    for path, node in comparisons(r):
        n = node.get("n", node.get("searches", node.get("subjects", node.get("count"))))
        k = node.get("k", node.get("hits"))
        if isinstance(n, int | float) and n < SMALL:
            small.append(f"{label(path.replace(' / ', ', '))} ({num(n)})")
        elif isinstance(k, int | float) and k < FEW_EVENTS:
            small.append(f"{label(path.replace(' / ', ', '))} ({num(k)} of {num(n)})")
    if small:
        out.append(
            f"Small counts (under {SMALL} in all, or under {FEW_EVENTS} events) make these comparisons' "
            "intervals wide: "
            + ", ".join(small[:6])
            + (f" and {len(small) - 6} more" if len(small) > 6 else "")
            + "."
        )
    months = r.estimates.get("by_month")
    if isinstance(months, dict) and months and all(_MONTH.match(str(m)) for m in months):
        keys = sorted(months)
        if isinstance(r.estimates.get("trend"), dict) and len(keys) < FEW_MONTHS:
            out.append(
                f"The trend rests on {len(keys)} months, too few to tell a trend from seasonal swings "
                f"(at least {FEW_MONTHS} wanted)."
            )
        for m in dict.fromkeys([keys[0], keys[-1]]):
            v = months[m]
            days = v.get("days") if isinstance(v, dict) else None
            full = calendar.monthrange(int(m[:4]), int(m[5:]))[1]
            if isinstance(days, int) and days < full:
                out.append(
                    f"{m} is a partial month ({days} of {full} days observed): its count is not comparable "
                    "with a full month's (rates per day or per 30 days allow for it)."
                )
    return out
