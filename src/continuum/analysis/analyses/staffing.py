"""Workload-based patrol staffing from calls for service (Wilson & Weiss, COPS Office 2012).

Obligated workload is the officer time community-generated calls take: each responding unit's time from
dispatch to clear (backup units are rows of their own and count), spread over the clock hours it spans and
averaged over the weeks observed, by hour of day x day of week and by month. Officers on duty must cover it and
leave the proactive-time target free: on duty = workload / (1 - target). Each shift is staffed at the
mean (or peak) need of its hours, the shift relief factor turns positions into officers, and hours where the
staffed shift still falls short of the target are listed.

CAD data rules (each counted in the result): a repeated (call, unit, dispatch time) row is a duplicate and
dropped; a row with no start time (neither dispatched nor received) is dropped; a clear time before the start
is a negative duration and dropped; a missing clear time, or a duration of a day or more, is replaced by the
mean valid handling time of that call type (of all calls if the type has none).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from .common import as_list, finish, reducer_for, require

WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")  # DuckDB dayofweek: 0 = Sunday
DEFAULT_LEAVE_HOURS = {"vacation": 120, "holiday": 80, "sick": 48, "training": 40, "court": 24, "other": 24}


def read_leave(path: str | Path) -> tuple[float, int]:
    """Leave and training records (CSV: officer, hours[, type]): mean hours per officer a year."""
    p = Path(path)
    if not p.is_file():
        raise InputError("leave file not found", file=str(p))
    df = pd.read_csv(p, dtype=str)
    if "hours" not in df.columns or df.shape[1] < 2:
        raise InputError("leave file needs columns officer and hours", file=str(p))
    officer = "officer" if "officer" in df.columns else df.columns[0]
    hours = pd.to_numeric(df["hours"], errors="coerce")
    if hours.isna().any():
        row = int(hours.isna().to_numpy().argmax()) + 2
        raise InputError("hours is not a number", file=str(p), row=row, column="hours")
    n = df[officer].nunique()
    return float(hours.sum() / n), int(n)


def staffing(
    data: StopData,
    *,
    target: float = 0.4,
    shift_hours: float = 8.0,
    shift_starts: str = "6,14,22",
    policy: str = "mean",
    work_hours: float = 2080.0,
    leave_hours: float | None = None,
    leave: str | Path | None = None,
    on_duty: str | None = None,
    max_hours: float = 24.0,
    min_on_duty: int = 1,
    reducer: Reducer | None = None,
) -> Result:
    require(data, "staffing", "cleared")
    if "dispatched" not in data.columns and "received" not in data.columns:
        require(data, "staffing", "dispatched")
    target, shift_hours, work_hours = float(target), float(shift_hours), float(work_hours)
    max_hours = float(max_hours)
    if not 0 <= target < 1:
        raise InputError(f"target {target} must be a share in [0, 1)")
    starts = [int(float(s)) % 24 for s in as_list(shift_starts)]
    if not starts or policy not in ("mean", "peak"):
        raise InputError("shift_starts needs at least one hour; policy is mean or peak")
    cols = data.columns
    start = (
        "coalesce(dispatched, received)"
        if "dispatched" in cols and "received" in cols
        else ("dispatched" if "dispatched" in cols else "received")
    )
    dur = f"(epoch(cleared) - epoch({start})) / 60.0"
    has_type = "call_type" in cols
    self_init = "coalesce(self_initiated, FALSE)" if "self_initiated" in cols else "FALSE"
    part = [c for c in ("call_id", "unit") if c in cols]
    dup = (
        f"row_number() OVER (PARTITION BY {', '.join(part)}, {start} ORDER BY _row) > 1"
        if len(part) == 2
        else "FALSE"
    )
    derived = {
        "_dup": dup,
        "_start": start,
        "_dur": dur,
        "_type": "coalesce(call_type, '')" if has_type else "''",
    }
    exclusions = [
        ("duplicate unit row (same call, unit and dispatch time)", "_dup"),
        ("no start time (dispatched or received)", "_start IS NULL"),
        ("negative duration (cleared before start)", "cleared IS NOT NULL AND _dur < 0"),
    ]
    red = reducer_for(data, reducer)
    # pass 1: data problems and mean valid handling time by call type
    q = red.reduce(
        data.table,
        Reduction(
            keys={"call_type": "_type", "self_initiated": self_init},
            sums={
                "cleared_missing": "CAST(cleared IS NULL AS INTEGER)",
                "too_long": f"CAST(_dur >= {max_hours * 60} AS INTEGER)",
                "valid_n": f"CAST(_dur < {max_hours * 60} AS INTEGER)",
                "valid_min": f"CASE WHEN _dur < {max_hours * 60} THEN _dur ELSE 0 END",
            },
            exclusions=exclusions,
            derived=derived,
        ),
    )
    qt = q.table
    by_type = qt.groupby("call_type")[["valid_n", "valid_min"]].sum()
    overall = (
        float(by_type["valid_min"].sum() / by_type["valid_n"].sum()) if by_type["valid_n"].sum() else 30.0
    )
    means = pd.DataFrame(
        {
            "call_type": by_type.index.astype(str),
            "_fill": np.where(
                by_type["valid_n"] > 0, by_type["valid_min"] / by_type["valid_n"].clip(lower=1), overall
            ),
        }
    )
    # pass 2: obligated minutes spread over the clock hours each unit's time spans
    fill = f"coalesce(m._fill, {overall})" if has_type else str(overall)
    eff = f"CASE WHEN cleared IS NULL OR _dur >= {max_hours * 60} THEN {fill} ELSE _dur END"
    derived2 = {
        **derived,
        "_eff": eff,
        "_h0": "date_trunc('hour', _start)",
        "_nh": f"CAST(ceil((epoch(_start) - epoch(date_trunc('hour', _start)) + 60 * ({eff})) / 3600.0) AS BIGINT)",
    }
    slot = "(_h0 + to_hours(_k))"
    end, slot_end = "epoch(_start) + 60 * _eff", f"epoch({slot}) + 3600"
    overlap = f"greatest(0, (least({end}, {slot_end}) - greatest(epoch(_start), epoch({slot}))) / 60.0)"
    w = red.reduce(
        data.table,
        Reduction(
            keys={"day": f"CAST({slot} AS DATE)", "hour": f"hour({slot})", "self_initiated": self_init},
            sums={"minutes": overlap, "units": "CAST(_k = 0 AS INTEGER)"},
            exclusions=exclusions,
            derived=derived2,
            lookups={"m": (means, "call_type")} if has_type else {},
            explode=("_k", "range(0, greatest(_nh, 1))"),
        ),
    ).table
    w["day"] = pd.to_datetime(w["day"])
    first, last = w["day"].min(), w["day"].max()
    days = pd.date_range(first, last, freq="D")
    n_weekday = pd.Series(days.day_of_week).map(lambda d: (d + 1) % 7).value_counts()  # to DuckDB numbering
    w["weekday"] = (w["day"].dt.day_of_week + 1) % 7
    obl = w[~w["self_initiated"].astype(bool)]
    pro = w[w["self_initiated"].astype(bool)]
    grid = obl.groupby(["weekday", "hour"])["minutes"].sum().unstack(fill_value=0.0)
    grid = grid.reindex(index=range(7), columns=range(24), fill_value=0.0)
    workload = (
        grid.div(n_weekday.reindex(range(7)).fillna(1.0), axis=0) / 60.0
    )  # busy officers, mean per hour
    need = workload / (1 - target)
    # shifts
    shift_of: dict[int, int | None] = {}
    for h in range(24):
        cand = [s for s in starts if (h - s) % 24 < shift_hours]
        shift_of[h] = min(cand, key=lambda s: (h - s) % 24) if cand else None
    uncovered = [h for h, s in shift_of.items() if s is None]
    if uncovered:
        raise InputError(f"shifts starting at {starts} of {shift_hours} h leave hours {uncovered} uncovered")
    given = [int(float(x)) for x in as_list(on_duty)] if on_duty else None
    if given and len(given) not in (1, len(starts)):
        raise InputError("on_duty gives one number, or one per shift in shift_starts order")
    leave_src = "stated defaults " + ", ".join(f"{k} {v} h" for k, v in DEFAULT_LEAVE_HOURS.items())
    if leave is not None:
        leave_h, n_leave = read_leave(leave)
        leave_src = f"leave and training records of {n_leave} officers"
    elif leave_hours is not None:
        leave_h = float(leave_hours)
        leave_src = "leave_hours parameter"
    else:
        leave_h = float(sum(DEFAULT_LEAVE_HOURS.values()))
    available = work_hours - leave_h
    if available <= 0:
        raise InputError("leave exceeds working hours: no available hours")
    srf = 365 * shift_hours / available
    shifts: dict = {}
    staffed = pd.DataFrame(0.0, index=range(7), columns=range(24))
    total = 0.0
    for i, s in enumerate(starts):
        hrs = [h for h in range(24) if shift_of[h] == s]
        per_day = need[hrs].max(axis=1) if policy == "peak" else need[hrs].mean(axis=1)
        pos = max(math.ceil(float(per_day.max()) - 1e-9), int(min_on_duty))
        on = given[0 if len(given) == 1 else i] if given else pos
        staffed[hrs] = on
        officers = on * srf
        total += officers
        shifts[f"{s:02d}:00"] = {
            "hours": hrs,
            "obligated_officer_hours_per_day": float(workload[hrs].sum(axis=1).mean()),
            "on_duty_needed": pos,
            "on_duty": on,
            "officers_needed": officers,
        }
    proactive = 1 - workload / staffed
    missed = [
        {
            "weekday": WEEKDAYS[d],
            "hour": h,
            "workload": float(workload.loc[d, h]),
            "on_duty": float(staffed.loc[d, h]),
            "proactive_share": float(proactive.loc[d, h]),
        }
        for d in range(7)
        for h in range(24)
        if proactive.loc[d, h] < target - 1e-12
    ]
    months = obl.assign(month=obl["day"].dt.strftime("%Y-%m")).groupby("month")["minutes"].sum() / 60.0
    mdays = pd.Series(days.strftime("%Y-%m")).value_counts()
    tot_obl = float(obl["minutes"].sum() / 60.0)
    tot_pro = float(pro["minutes"].sum() / 60.0)
    on_duty_hours = float(
        (staffed * n_weekday.reindex(range(7)).fillna(1.0).to_numpy()[:, None]).to_numpy().sum()
    )
    counts_q = {
        "cleared_missing_imputed": int(qt["cleared_missing"].sum()),
        f"duration_{max_hours:g}h_or_more_imputed": int(qt["too_long"].sum()),
        **{f"excluded: {k}": v for k, v in q.excluded.items()},
    }
    est = {
        "period": {"first": str(first.date()), "last": str(last.date()), "days": len(days)},
        "unit_responses": q.n_used,
        "obligated_hours": tot_obl,
        "self_initiated_hours": tot_pro,
        "self_initiated_share_of_activity": tot_pro / (tot_obl + tot_pro) if tot_obl + tot_pro else None,
        "mean_handling_minutes": overall,
        "workload_by_hour_weekday": {WEEKDAYS[d]: [float(x) for x in workload.loc[d]] for d in range(7)},
        "workload_by_hour": [float(x) for x in workload.mean(axis=0)],
        "workload_by_month": {
            m: {"obligated_hours": float(v), "per_day": float(v / mdays.get(m, 1))} for m, v in months.items()
        },
        "proactive_share": 1 - tot_obl / on_duty_hours if on_duty_hours else None,
        "proactive_target": target,
        "shift_relief_factor": {
            "value": srf,
            "shift_hours": shift_hours,
            "work_hours": work_hours,
            "leave_hours": leave_h,
            "available_hours": available,
            "source": leave_src,
        },
        "shifts": shifts,
        "officers_needed_total": total,
        "officers_needed_total_rounded": math.ceil(total - 1e-9),
        "hours_target_missed": missed,
        "data_problems": counts_q,
    }
    caveats = [
        "Obligated workload: community-generated calls, each unit's time from "
        f"{'dispatch' if 'dispatched' in cols else 'receipt'} "
        "to clear; self-initiated activity is counted as proactive time, not obligated.",
        f"Workload per hour is the mean number of officers busy on calls in that hour of the week over the "
        f"{len(days)} days observed; on duty = workload / (1 - {target}).",
        f"Each shift is staffed at the {policy} need of its hours on its busiest weekday; hours below the "
        "target under that staffing are listed.",
        f"Shift relief factor = 365 x {shift_hours:g} h / ({work_hours:g} - {leave_h:g}) available hours "
        f"({leave_src}).",
        f"Data rules: duplicates, rows with no start and negative durations are dropped; missing clear times and "
        f"durations of {max_hours:g} h or more are replaced by the call type's mean valid handling time.",
    ]
    charts = [
        Chart(
            "obligated workload by hour of day, mean over weekdays (the weekday table has each day)",
            "officers busy on calls",
            [(f"{h:02d}:00", *[float(workload[h].mean())] * 3) for h in range(24)],
        ),
        Chart(
            "obligated hours per day, by month",
            "officer-hours per day",
            [(m, v["per_day"], v["per_day"], v["per_day"]) for m, v in est["workload_by_month"].items()],
        ),
    ]
    tables = [
        Table(
            "obligated workload (busy officers) by weekday and hour",
            ["weekday", *[f"{h:02d}" for h in range(24)]],
            [[WEEKDAYS[d], *[round(float(x), 2) for x in workload.loc[d]]] for d in range(7)],
        ),
        Table(
            "officers per shift",
            ["shift", "on duty needed", "on duty", "officers (x relief factor)"],
            [[k, v["on_duty_needed"], v["on_duty"], v["officers_needed"]] for k, v in shifts.items()],
        ),
        Table(
            "hours when the proactive target is missed",
            ["weekday", "hour", "workload", "on duty", "proactive share"],
            [[m["weekday"], m["hour"], m["workload"], m["on_duty"], m["proactive_share"]] for m in missed],
        ),
        Table("CAD data problems", ["problem", "rows"], [[k, v] for k, v in counts_q.items()]),
    ]
    return finish(
        data,
        "staffing",
        est,
        q.n_used,
        q.excluded,
        {
            "target": target,
            "shift_hours": shift_hours,
            "shift_starts": starts,
            "policy": policy,
            "work_hours": work_hours,
            "leave_hours": leave_h,
            "on_duty": given,
            "max_hours": max_hours,
            "min_on_duty": min_on_duty,
        },
        caveats=caveats,
        charts=charts,
        tables=tables,
        counts=counts_q,
    )
