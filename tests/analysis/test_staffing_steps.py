"""Staffing step by step (prepare, reduce, fit, present), and calls without cleared times: call volume and
workload from an assumed service time, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from continuum.analysis.analyses.staffing import (
    call_volume,
    handling_times,
    hourly_minutes,
    missed_hours,
    prepare_calls,
    relief_factor,
    shift_map,
    staff_shifts,
    staffing,
    workload_grid,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer

from .test_staffing import ROWS

# Calls as many agencies publish them: when received and the type, no unit times after that.
UNTIMED = [
    ("1", "A", "2023-01-01 10:40:00", "x", "false"),  # Sun 10h: 20 min, 11h: 10 min
    ("1", "B", "2023-01-01 10:40:00", "x", "false"),  # backup unit: the same
    ("1", "A", "2023-01-01 10:40:00", "x", "false"),  # duplicate: dropped
    ("2", "C", "2023-01-03 08:00:00", "theft", "false"),  # Tue 8h: 30
    ("3", "E", "2023-01-05 15:00:00", "x", "true"),  # self-initiated: not obligated, not call volume
    ("4", "E", "2023-01-07 23:45:00", "x", "false"),  # Sat 23h: 15 min (the rest falls on Sunday 8 Jan 0h)
    ("5", "F", "", "x", "false"),  # no start: dropped
]


def _write(tmp_path, header, rows):
    p = tmp_path / "calls.csv"
    p.write_text("\n".join([header] + [",".join(r) for r in rows]) + "\n")
    return p


@pytest.fixture()
def untimed(tmp_path):
    p = _write(tmp_path, "call_id,unit,received,call_type,self_initiated", UNTIMED)
    with load_table(p, table="calls") as data:
        yield data


def test_calls_without_cleared_times_give_volume_and_workload(untimed):
    r = staffing(untimed, service_minutes=30, target=0.5)
    e = r.estimates
    minutes = np.zeros((7, 24))  # 8 days observed (Sun 1 to Sun 8 Jan): two Sundays, one of each other day
    minutes[0, 10], minutes[0, 11], minutes[2, 8], minutes[6, 23], minutes[0, 0] = 40, 20, 30, 15, 15
    per_day = np.array([2, 1, 1, 1, 1, 1, 1])[:, None]
    got = np.array(
        [e["workload_by_hour_weekday"][d] for d in ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")]
    )
    np.testing.assert_allclose(got, minutes / per_day / 60, atol=1e-9)
    vol = e["call_volume"]
    assert vol["unit_responses"] == 4
    assert vol["by_hour_weekday"]["Sun"][10] == pytest.approx(1.0)  # two units over two Sundays
    assert vol["by_hour_weekday"]["Tue"][8] == pytest.approx(1.0)
    assert vol["by_hour_weekday"]["Thu"][15] == 0  # self-initiated
    assert e["service_time"] == {"assumed": True, "minutes": 30.0}
    assert e["data_problems"]["cleared_missing_assumed"] == 5
    assert "shifts" not in e and "officers_needed_total" not in e
    assert r.warnings[0].startswith("Service times assumed") and "30 minutes" in r.warnings[0]
    assert "Wilson & Weiss" in r.warnings[1]
    assert r.n_used == 5 and sum(r.n_excluded.values()) == 2
    assert "Service times assumed" in r.to_html()


def test_service_minutes_scales_the_assumed_workload(untimed):
    a = staffing(untimed, service_minutes=30).estimates["obligated_hours"]
    b = staffing(untimed, service_minutes=60).estimates["obligated_hours"]
    assert a == pytest.approx(2.0) and b == pytest.approx(4.0)  # four unit responses
    with pytest.raises(InputError, match="service_minutes"):
        staffing(untimed, service_minutes=0)


def test_cleared_column_all_blank_keeps_the_model_but_warns(tmp_path):
    rows = [(c, u, t, "", k, s) for c, u, t, k, s in UNTIMED if t]
    p = _write(tmp_path, "call_id,unit,dispatched,cleared,call_type,self_initiated", rows)
    with load_table(p, table="calls") as data:
        r = staffing(data, service_minutes=45, shift_starts="0,8,16")
    assert r.estimates["mean_handling_minutes"] == 45
    assert "shifts" in r.estimates and "call_volume" in r.estimates
    assert "no row has a valid cleared time" in r.warnings[0]


def test_prepare_calls_start_and_rules():
    cad = prepare_calls(frozenset({"call_id", "unit", "received", "dispatched", "cleared"}), 24.0)
    assert cad.timed and cad.derived["_start"] == "coalesce(dispatched, received)"
    assert "PARTITION BY call_id, unit" in cad.derived["_dup"]
    assert [e[0].split(" ")[0] for e in cad.exclusions] == ["duplicate", "no", "negative"]
    bare = prepare_calls(frozenset({"received"}), 24.0)
    assert not bare.timed and bare.derived["_dup"] == "FALSE" and len(bare.exclusions) == 2


def test_handling_times_and_hourly_minutes(tmp_path):
    """The planted week of test_staffing: theft's mean valid time 40, alarm's 20 (the 2-day one excluded)."""
    p = _write(tmp_path, "call_id,unit,dispatched,cleared,call_type,self_initiated", ROWS)
    with load_table(p, table="calls") as data:
        cad, red = prepare_calls(data.columns, 24.0), DuckDBReducer(data.con)
        _, overall, means = handling_times(red, data.table, cad, 30.0)
        fills = dict(zip(means["call_type"], means["_fill"], strict=True))
        assert fills["theft"] == pytest.approx(40) and fills["alarm"] == pytest.approx(20)
        assert overall == pytest.approx((60 + 20 + 40 + 20 + 60 + 30) / 6)
        w = hourly_minutes(red, data.table, cad, overall, means)
    sun = w[(w["day"].astype(str).str.startswith("2023-01-01"))].groupby("hour")["minutes"].sum()
    assert sun.to_dict() == pytest.approx({10: 50.0, 11: 30.0})


def test_workload_grid_and_call_volume():
    w = pd.DataFrame(
        {
            "day": ["2023-01-01", "2023-01-08", "2023-01-02"],
            "hour": [10, 10, 9],
            "self_initiated": [False, False, True],
            "minutes": [60.0, 30.0, 45.0],
            "units": [2, 1, 1],
        }
    )
    g = workload_grid(w)
    assert len(g.days) == 8 and g.n_weekday[0] == 2
    assert g.workload.loc[0, 10] == pytest.approx(90 / 2 / 60) and g.workload.loc[1, 9] == 0
    vol = call_volume(w, g)
    assert vol["unit_responses"] == 3 and vol["by_hour_weekday"]["Sun"][10] == pytest.approx(1.5)


def test_shift_map_and_relief_factor():
    m = shift_map([6, 14, 22], 8)
    assert m[5] == 22 and m[6] == 6 and m[13] == 6 and m[14] == 14
    assert shift_map([0, 4, 12, 20], 8)[5] == 4  # overlapping shifts: the latest start covers the hour
    with pytest.raises(InputError, match="uncovered"):
        shift_map([0], 8)
    r = relief_factor(2080, 10, None, 280)
    assert r["value"] == pytest.approx(365 * 10 / 1800) and r["source"] == "leave_hours parameter"
    assert relief_factor(2080, 8, None, None)["leave_hours"] == 336
    with pytest.raises(InputError, match="no available hours"):
        relief_factor(100, 8, None, 200)


def test_staff_shifts_and_missed_hours():
    workload = pd.DataFrame(0.0, index=range(7), columns=range(24))
    workload.loc[2, 3] = 1.5  # Tuesday 3h: 1.5 officers busy
    need = workload / 0.5
    shift_of = {h: (0 if h < 12 else 12) for h in range(24)}
    relief = {"value": 2.0}
    shifts, _, total = staff_shifts(need, workload, [0, 12], shift_of, "peak", 1, None, relief)
    assert shifts["00:00"]["on_duty"] == 3 and shifts["12:00"]["on_duty"] == 1  # ceil(3.0); the minimum
    assert total == pytest.approx(8.0)
    _, mean_staffed, _ = staff_shifts(need, workload, [0, 12], shift_of, "mean", 1, None, relief)
    assert mean_staffed.loc[2, 3] == 1  # mean need of the 12 hours is 0.25
    missed = missed_hours(workload, mean_staffed, 0.5)
    assert [(m["weekday"], m["hour"]) for m in missed] == [("Tue", 3)]
    assert missed[0]["proactive_share"] == pytest.approx(-0.5)
    _, given, _ = staff_shifts(need, workload, [0, 12], shift_of, "mean", 1, [4, 2], relief)
    assert given.loc[0, 0] == 4 and given.loc[0, 12] == 2
