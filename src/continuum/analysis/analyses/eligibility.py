"""The Stanford Open Policing Project's minimum-count rules for hit-rate and threshold comparisons.

OPP compares groups only within sub-geographies where every compared group has more than ``min_stops``
stops (500) and more than ``min_searches`` searches (0), and keeps at most ``max_geographies`` (100) of
those, the largest by stops. Small cells give hit rates too noisy to compare.
"""

from __future__ import annotations

import pandas as pd

DEFAULT_GROUPS = ("black", "white", "hispanic")


def eligible_geographies(
    counts: pd.DataFrame, groups: list[str], min_stops: int, min_searches: int, max_geographies: int
) -> list[str]:
    """counts: one row per (geo, group) with columns ``stops`` and ``searches``."""
    wide = counts[counts["group"].isin(groups)].pivot_table(
        index="geo", columns="group", values=["stops", "searches"], aggfunc="sum", fill_value=0
    )
    if wide.empty:
        return []
    present = [g for g in groups if g in wide["stops"].columns]
    ok = (wide["stops"][present] > min_stops).all(axis=1) & (wide["searches"][present] > min_searches).all(
        axis=1
    )
    ok &= len(present) == len(groups)
    totals = counts.groupby("geo")["stops"].sum()
    keep = totals[ok.reindex(totals.index, fill_value=False)].sort_values(ascending=False)
    return [str(g) for g in keep.index[:max_geographies]]


def rule_text(groups: list[str], min_stops: int, min_searches: int, max_geographies: int) -> str:
    return (
        f"OPP minimum counts: only geographies where each of {groups} has more than {min_stops} stops and "
        f"more than {min_searches} searches (at most {max_geographies}, largest first)."
    )
