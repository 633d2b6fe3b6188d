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

Many agencies publish calls without a cleared time. Then every unit response is taken to last an assumed
service time (``service_minutes``, stated in the result's warnings) and the result gives call volume and
workload by hour and day only; shift staffing and officer counts need measured times.

Steps, each tested on its own: prepare_calls (SQL for the file's columns), handling_times and hourly_minutes
(the two reductions), workload_grid and call_volume, shift_map, relief_factor, staff_shifts, missed_hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    service_minutes: float = 30.0,
    reducer: Reducer | None = None,
) -> Result:
    """Prepare the time expressions, reduce to handling times and hourly minutes, fit workload and shifts,
    present. Without a cleared time every unit's time is ``service_minutes`` (stated in a warning) and only
    call volume and workload are given: officer counts from assumed times would look firmer than they are."""
    if "dispatched" not in data.columns and "received" not in data.columns:
        require(data, "staffing", "dispatched")
    target, shift_hours, work_hours = float(target), float(shift_hours), float(work_hours)
    max_hours, service_minutes = float(max_hours), float(service_minutes)
    if not 0 <= target < 1:
        raise InputError(f"target {target} must be a share in [0, 1)")
    if service_minutes <= 0:
        raise InputError(f"service_minutes {service_minutes:g} must be positive")
    starts = [int(float(s)) % 24 for s in as_list(shift_starts)]
    if not starts or policy not in ("mean", "peak"):
        raise InputError("shift_starts needs at least one hour; policy is mean or peak")
    red = reducer_for(data, reducer)
    cad = prepare_calls(data.columns, max_hours)
    q, overall, means = handling_times(red, data.table, cad, service_minutes)
    w = hourly_minutes(red, data.table, cad, overall, means)
    grid = workload_grid(w)
    workload = grid.workload
    assumed = not cad.timed or not int(q.table["valid_n"].sum())
    volume = call_volume(w, grid)
    if not cad.timed:
        return _present_assumed(data, q, grid, volume, overall, cad, service_minutes, target)
    need = workload / (1 - target)
    shift_of = shift_map(starts, shift_hours)
    given = [int(float(x)) for x in as_list(on_duty)] if on_duty else None
    if given and len(given) not in (1, len(starts)):
        raise InputError("on_duty gives one number, or one per shift in shift_starts order")
    relief = relief_factor(work_hours, shift_hours, leave, leave_hours)
    shifts, staffed, total = staff_shifts(
        need, workload, starts, shift_of, policy, min_on_duty, given, relief
    )
    missed = missed_hours(workload, staffed, target)
    est, counts_q = _estimates(q, grid, overall, relief, shifts, staffed, total, missed, target, max_hours)
    params = {
        "target": target,
        "shift_hours": shift_hours,
        "shift_starts": starts,
        "policy": policy,
        "work_hours": work_hours,
        "leave_hours": relief["leave_hours"],
        "on_duty": given,
        "max_hours": max_hours,
        "min_on_duty": min_on_duty,
    }
    warnings = []
    if assumed:
        est["call_volume"] = volume
        params["service_minutes"] = service_minutes
        warnings.append(_assumed_warning(service_minutes, "no row has a valid cleared time"))
    return finish(
        data,
        "staffing",
        est,
        q.n_used,
        q.excluded,
        params,
        caveats=_caveats(cad, len(grid.days), params, relief),
        warnings=warnings,
        charts=_charts(workload, est["workload_by_month"]),
        tables=_tables(workload, shifts, missed, counts_q),
        counts=counts_q,
    )


def _caveats(cad: CadColumns, n_days: int, p: dict, relief: dict) -> list[str]:
    """Present step: what the full model's figures assume."""
    return [
        "Obligated workload: community-generated calls, each unit's time from "
        f"{'dispatch' if 'dispatched' in cad.cols else 'receipt'} "
        "to clear; self-initiated activity is counted as proactive time, not obligated.",
        f"Workload per hour is the mean number of officers busy on calls in that hour of the week over the "
        f"{n_days} days observed; on duty = workload / (1 - {p['target']}).",
        f"Each shift is staffed at the {p['policy']} need of its hours on its busiest weekday; hours below the "
        "target under that staffing are listed.",
        f"Shift relief factor = 365 x {p['shift_hours']:g} h / ({p['work_hours']:g} - {relief['leave_hours']:g}) "
        f"available hours ({relief['source']}).",
        f"Data rules: duplicates, rows with no start and negative durations are dropped; missing clear times and "
        f"durations of {p['max_hours']:g} h or more are replaced by the call type's mean valid handling time.",
    ]


def _tables(workload: pd.DataFrame, shifts: dict, missed: list[dict], counts_q: dict) -> list[Table]:
    """Present step: workload, officers per shift, hours below target, data problems."""
    return [
        _workload_table(workload),
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


@dataclass(frozen=True)
class CadColumns:
    """The SQL a CAD file's columns allow: start (dispatch, else receipt), duration, data-rule exclusions."""

    cols: frozenset[str]
    timed: bool  # a cleared column is mapped
    has_type: bool
    self_init: str
    derived: dict[str, str]
    exclusions: list[tuple[str, str]]
    max_hours: float


def prepare_calls(cols: frozenset[str], max_hours: float) -> CadColumns:
    """Prepare step: the start time, each unit's minutes and the CAD data rules as SQL. A file with no cleared
    column gets a NULL clear time, so every unit's time falls to the fill (the assumed service time)."""
    start = (
        "coalesce(dispatched, received)"
        if "dispatched" in cols and "received" in cols
        else ("dispatched" if "dispatched" in cols else "received")
    )
    cleared = "cleared" if "cleared" in cols else "CAST(NULL AS TIMESTAMP)"
    has_type = "call_type" in cols
    part = [c for c in ("call_id", "unit") if c in cols]
    dup = (
        f"row_number() OVER (PARTITION BY {', '.join(part)}, {start} ORDER BY _row) > 1"
        if len(part) == 2
        else "FALSE"
    )
    derived = {
        "_dup": dup,
        "_start": start,
        "_dur": f"(epoch({cleared}) - epoch({start})) / 60.0",
        "_type": "coalesce(call_type, '')" if has_type else "''",
    }
    exclusions = [
        ("duplicate unit row (same call, unit and dispatch time)", "_dup"),
        ("no start time (dispatched or received)", "_start IS NULL"),
    ]
    if "cleared" in cols:
        exclusions.append(("negative duration (cleared before start)", "cleared IS NOT NULL AND _dur < 0"))
    return CadColumns(
        cols=cols,
        timed="cleared" in cols,
        has_type=has_type,
        self_init="coalesce(self_initiated, FALSE)" if "self_initiated" in cols else "FALSE",
        derived=derived,
        exclusions=exclusions,
        max_hours=max_hours,
    )


def handling_times(
    red: Reducer, table: str, cad: CadColumns, fallback: float
) -> tuple[Any, float, pd.DataFrame]:
    """Reduce step 1: data problems by call type and the mean valid handling time, overall and by type (the
    fill for missing or too-long times); ``fallback`` minutes when no row has a valid time."""
    limit = cad.max_hours * 60
    q = red.reduce(
        table,
        Reduction(
            keys={"call_type": "_type", "self_initiated": cad.self_init},
            sums={
                "cleared_missing": f"CAST({'cleared' if cad.timed else 'NULL'} IS NULL AS INTEGER)",
                "too_long": f"CAST(_dur >= {limit} AS INTEGER)",
                "valid_n": f"CAST(_dur < {limit} AS INTEGER)",
                "valid_min": f"CASE WHEN _dur < {limit} THEN _dur ELSE 0 END",
            },
            exclusions=cad.exclusions,
            derived=cad.derived,
        ),
    )
    by_type = q.table.groupby("call_type")[["valid_n", "valid_min"]].sum()
    overall = (
        float(by_type["valid_min"].sum() / by_type["valid_n"].sum()) if by_type["valid_n"].sum() else fallback
    )
    means = pd.DataFrame(
        {
            "call_type": by_type.index.astype(str),
            "_fill": np.where(
                by_type["valid_n"] > 0, by_type["valid_min"] / by_type["valid_n"].clip(lower=1), overall
            ),
        }
    )
    return q, overall, means


def hourly_minutes(
    red: Reducer, table: str, cad: CadColumns, overall: float, means: pd.DataFrame
) -> pd.DataFrame:
    """Reduce step 2: each unit's minutes spread over the clock hours they span, summed by day, hour and
    self-initiated; ``units`` counts unit responses by the hour they start."""
    fill = f"coalesce(m._fill, {overall})" if cad.has_type else str(overall)
    cleared = "cleared" if cad.timed else "NULL"
    eff = f"CASE WHEN {cleared} IS NULL OR _dur >= {cad.max_hours * 60} THEN {fill} ELSE _dur END"
    derived2 = {
        **cad.derived,
        "_eff": eff,
        "_h0": "date_trunc('hour', _start)",
        "_nh": f"CAST(ceil((epoch(_start) - epoch(date_trunc('hour', _start)) + 60 * ({eff})) / 3600.0) AS BIGINT)",
    }
    slot = "(_h0 + to_hours(_k))"
    end, slot_end = "epoch(_start) + 60 * _eff", f"epoch({slot}) + 3600"
    overlap = f"greatest(0, (least({end}, {slot_end}) - greatest(epoch(_start), epoch({slot}))) / 60.0)"
    return red.reduce(
        table,
        Reduction(
            keys={"day": f"CAST({slot} AS DATE)", "hour": f"hour({slot})", "self_initiated": cad.self_init},
            sums={"minutes": overlap, "units": "CAST(_k = 0 AS INTEGER)"},
            exclusions=cad.exclusions,
            derived=derived2,
            lookups={"m": (means, "call_type")} if cad.has_type else {},
            explode=("_k", "range(0, greatest(_nh, 1))"),
        ),
    ).table


@dataclass(frozen=True)
class Workload:
    """Fit step's output: busy officers by weekday (0 = Sunday) x hour, and what it was averaged over."""

    workload: pd.DataFrame
    n_weekday: pd.Series  # days of each weekday observed
    days: pd.DatetimeIndex
    obligated: pd.DataFrame  # the hourly rows of community-generated calls
    proactive: pd.DataFrame  # those of self-initiated activity


def workload_grid(w: pd.DataFrame) -> Workload:
    """Fit step: obligated minutes by weekday x hour, divided by the number of such weekdays observed, in
    officers busy (minutes / 60)."""
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
    return Workload(workload, n_weekday, days, obl, pro)


def call_volume(w: pd.DataFrame, grid: Workload) -> dict:
    """Unit responses to community-generated calls starting in each weekday x hour, mean per such weekday
    observed (self-initiated activity left out, as in the workload)."""
    obl = grid.obligated
    units = obl.groupby(["weekday", "hour"])["units"].sum().unstack(fill_value=0)
    units = units.reindex(index=range(7), columns=range(24), fill_value=0)
    mean = units.div(grid.n_weekday.reindex(range(7)).fillna(1.0), axis=0)
    return {
        "unit_responses": int(obl["units"].sum()),
        "by_hour_weekday": {WEEKDAYS[d]: [float(x) for x in mean.loc[d]] for d in range(7)},
        "by_hour": [float(x) for x in mean.mean(axis=0)],
    }


def shift_map(starts: list[int], shift_hours: float) -> dict[int, int]:
    """Each clock hour's shift: the latest-starting shift that covers it; an hour no shift covers is an
    input error (its workload would go unstaffed)."""
    shift_of: dict[int, int | None] = {}
    for h in range(24):
        cand = [s for s in starts if (h - s) % 24 < shift_hours]
        shift_of[h] = min(cand, key=lambda s: (h - s) % 24) if cand else None
    uncovered = [h for h, s in shift_of.items() if s is None]
    if uncovered:
        raise InputError(f"shifts starting at {starts} of {shift_hours} h leave hours {uncovered} uncovered")
    return shift_of  # type: ignore[return-value]


def relief_factor(
    work_hours: float, shift_hours: float, leave: str | Path | None, leave_hours: float | None
) -> dict:
    """Shift relief factor (Wilson & Weiss): officers needed to fill one position every day of the year,
    365 x shift length / hours an officer is available after leave, from records, a figure or stated defaults."""
    source = "stated defaults " + ", ".join(f"{k} {v} h" for k, v in DEFAULT_LEAVE_HOURS.items())
    if leave is not None:
        leave_h, n_leave = read_leave(leave)
        source = f"leave and training records of {n_leave} officers"
    elif leave_hours is not None:
        leave_h = float(leave_hours)
        source = "leave_hours parameter"
    else:
        leave_h = float(sum(DEFAULT_LEAVE_HOURS.values()))
    available = work_hours - leave_h
    if available <= 0:
        raise InputError("leave exceeds working hours: no available hours")
    return {
        "value": 365 * shift_hours / available,
        "shift_hours": shift_hours,
        "work_hours": work_hours,
        "leave_hours": leave_h,
        "available_hours": available,
        "source": source,
    }


def staff_shifts(
    need: pd.DataFrame,
    workload: pd.DataFrame,
    starts: list[int],
    shift_of: dict[int, int],
    policy: str,
    min_on_duty: int,
    given: list[int] | None,
    relief: dict,
) -> tuple[dict, pd.DataFrame, float]:
    """Each shift staffed at the mean (or peak) need of its hours on its busiest weekday (or as given), times
    the relief factor; returns the shifts, on duty by weekday x hour, and total officers."""
    shifts: dict = {}
    staffed = pd.DataFrame(0.0, index=range(7), columns=range(24))
    total = 0.0
    for i, s in enumerate(starts):
        hrs = [h for h in range(24) if shift_of[h] == s]
        per_day = need[hrs].max(axis=1) if policy == "peak" else need[hrs].mean(axis=1)
        pos = max(math.ceil(float(per_day.max()) - 1e-9), int(min_on_duty))
        on = given[0 if len(given) == 1 else i] if given else pos
        staffed[hrs] = on
        officers = on * relief["value"]
        total += officers
        shifts[f"{s:02d}:00"] = {
            "hours": hrs,
            "obligated_officer_hours_per_day": float(workload[hrs].sum(axis=1).mean()),
            "on_duty_needed": pos,
            "on_duty": on,
            "officers_needed": officers,
        }
    return shifts, staffed, total


def missed_hours(workload: pd.DataFrame, staffed: pd.DataFrame, target: float) -> list[dict]:
    """Weekday-hours where, under the staffing, the share of on-duty time left free falls below the target."""
    proactive = 1 - workload / staffed
    return [
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


def _by_month(grid: Workload) -> dict:
    obl = grid.obligated
    months = obl.assign(month=obl["day"].dt.strftime("%Y-%m")).groupby("month")["minutes"].sum() / 60.0
    mdays = pd.Series(grid.days.strftime("%Y-%m")).value_counts()
    return {
        m: {"obligated_hours": float(v), "per_day": float(v / mdays.get(m, 1))} for m, v in months.items()
    }


def _data_problems(q: Any, max_hours: float, timed: bool = True) -> dict:
    qt = q.table
    return {
        ("cleared_missing_imputed" if timed else "cleared_missing_assumed"): int(qt["cleared_missing"].sum()),
        **({f"duration_{max_hours:g}h_or_more_imputed": int(qt["too_long"].sum())} if timed else {}),
        **{f"excluded: {k}": v for k, v in q.excluded.items()},
    }


def _estimates(
    q: Any,
    grid: Workload,
    overall: float,
    relief: dict,
    shifts: dict,
    staffed: pd.DataFrame,
    total: float,
    missed: list[dict],
    target: float,
    max_hours: float,
) -> tuple[dict, dict]:
    """Present step: the full model's estimates and the CAD data problems counted."""
    workload, n_weekday, days = grid.workload, grid.n_weekday, grid.days
    tot_obl = float(grid.obligated["minutes"].sum() / 60.0)
    tot_pro = float(grid.proactive["minutes"].sum() / 60.0)
    on_duty_hours = float(
        (staffed * n_weekday.reindex(range(7)).fillna(1.0).to_numpy()[:, None]).to_numpy().sum()
    )
    counts_q = _data_problems(q, max_hours)
    est = {
        "period": {"first": str(days[0].date()), "last": str(days[-1].date()), "days": len(days)},
        "unit_responses": q.n_used,
        "obligated_hours": tot_obl,
        "self_initiated_hours": tot_pro,
        "self_initiated_share_of_activity": tot_pro / (tot_obl + tot_pro) if tot_obl + tot_pro else None,
        "mean_handling_minutes": overall,
        "workload_by_hour_weekday": {WEEKDAYS[d]: [float(x) for x in workload.loc[d]] for d in range(7)},
        "workload_by_hour": [float(x) for x in workload.mean(axis=0)],
        "workload_by_month": _by_month(grid),
        "proactive_share": 1 - tot_obl / on_duty_hours if on_duty_hours else None,
        "proactive_target": target,
        "shift_relief_factor": relief,
        "shifts": shifts,
        "officers_needed_total": total,
        "officers_needed_total_rounded": math.ceil(total - 1e-9),
        "hours_target_missed": missed,
        "data_problems": counts_q,
    }
    return est, counts_q


def _assumed_warning(minutes: float, why: str) -> str:
    return (
        f"Service times assumed: {why}, so every unit response counts {minutes:g} minutes (service_minutes). "
        "Workload by hour is call volume x that time, not measured time on calls."
    )


def _present_assumed(
    data: StopData,
    q: Any,
    grid: Workload,
    volume: dict,
    overall: float,
    cad: CadColumns,
    service_minutes: float,
    target: float,
) -> Result:
    """Present step without cleared times: call volume and assumed workload by hour and day; no shift
    staffing, officer count or relief factor (the full Wilson & Weiss model needs measured times)."""
    workload, days = grid.workload, grid.days
    counts_q = _data_problems(q, cad.max_hours, timed=False)
    est = {
        "period": {"first": str(days[0].date()), "last": str(days[-1].date()), "days": len(days)},
        "unit_responses": q.n_used,
        "service_time": {"assumed": True, "minutes": service_minutes},
        "call_volume": volume,
        "obligated_hours": float(grid.obligated["minutes"].sum() / 60.0),
        "self_initiated_hours": float(grid.proactive["minutes"].sum() / 60.0),
        "workload_by_hour_weekday": {WEEKDAYS[d]: [float(x) for x in workload.loc[d]] for d in range(7)},
        "workload_by_hour": [float(x) for x in workload.mean(axis=0)],
        "workload_by_month": _by_month(grid),
        "on_duty_for_target_by_hour": [float(x) for x in workload.mean(axis=0) / (1 - target)],
        "proactive_target": target,
        "data_problems": counts_q,
    }
    vol = volume["by_hour_weekday"]
    return finish(
        data,
        "staffing",
        est,
        q.n_used,
        q.excluded,
        {"target": target, "service_minutes": service_minutes, "max_hours": cad.max_hours},
        warnings=[
            _assumed_warning(service_minutes, "the file has no cleared time"),
            "No shift staffing or officer count: the full Wilson & Weiss model needs each unit's measured time "
            "from dispatch to clear.",
        ],
        caveats=[
            "Call volume: unit responses to community-generated calls (each row one unit; backup units are rows "
            "of their own) by the hour they start, mean per weekday observed; self-initiated activity left out.",
            f"Workload per hour is the mean number of officers busy on calls in that hour of the week over the "
            f"{len(days)} days observed, each response lasting the assumed {service_minutes:g} minutes; "
            f"on duty for the target = workload / (1 - {target}).",
            "Data rules: duplicates and rows with no start are dropped.",
        ],
        charts=_charts(workload, est["workload_by_month"]),
        tables=[
            Table(
                "unit responses (mean per day) by weekday and hour",
                ["weekday", *[f"{h:02d}" for h in range(24)]],
                [[d, *[round(x, 2) for x in vol[d]]] for d in WEEKDAYS],
            ),
            _workload_table(workload),
            Table("CAD data problems", ["problem", "rows"], [[k, v] for k, v in counts_q.items()]),
        ],
        counts=counts_q,
    )


def _charts(workload: pd.DataFrame, by_month: dict) -> list[Chart]:
    return [
        Chart(
            "obligated workload by hour of day, mean over weekdays (the weekday table has each day)",
            "officers busy on calls",
            [(f"{h:02d}:00", *[float(workload[h].mean())] * 3) for h in range(24)],
        ),
        Chart(
            "obligated hours per day, by month",
            "officer-hours per day",
            [(m, v["per_day"], v["per_day"], v["per_day"]) for m, v in by_month.items()],
        ),
    ]


def _workload_table(workload: pd.DataFrame) -> Table:
    return Table(
        "obligated workload (busy officers) by weekday and hour",
        ["weekday", *[f"{h:02d}" for h in range(24)]],
        [[WEEKDAYS[d], *[round(float(x), 2) for x in workload.loc[d]]] for d in range(7)],
    )
