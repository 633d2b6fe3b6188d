"""Staffing on a planted week of CAD rows whose workload, shift needs and data problems are worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from continuum.analysis.analyses.staffing import staffing
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_table

ROWS = [
    # call_id, unit, dispatched, cleared, call_type, self_initiated
    ("1", "A", "2023-01-01 10:30:00", "2023-01-01 11:30:00", "x", "false"),  # Sun: 30 min in 10h, 30 in 11h
    ("1", "B", "2023-01-01 10:40:00", "2023-01-01 11:00:00", "x", "false"),  # backup unit: 20 min in 10h
    ("1", "A", "2023-01-01 10:30:00", "2023-01-01 11:30:00", "x", "false"),  # duplicate: dropped
    ("2", "A", "2023-01-02 09:00:00", "", "theft", "false"),  # no clear: theft mean 40 min, Mon 9h
    ("3", "C", "2023-01-02 14:00:00", "2023-01-02 14:40:00", "theft", "false"),  # Mon 14h: 40
    ("4", "C", "2023-01-03 08:00:00", "2023-01-03 07:00:00", "x", "false"),  # negative: dropped
    (
        "5",
        "D",
        "2023-01-04 12:00:00",
        "2023-01-06 12:00:00",
        "alarm",
        "false",
    ),  # 2 days: alarm mean 20, Wed 12h
    ("6", "D", "2023-01-04 13:10:00", "2023-01-04 13:30:00", "alarm", "false"),  # Wed 13h: 20
    ("7", "E", "2023-01-05 15:00:00", "2023-01-05 16:00:00", "x", "true"),  # self-initiated: proactive
    ("8", "E", "2023-01-07 23:00:00", "2023-01-07 23:30:00", "x", "false"),  # Sat 23h: 30
]


@pytest.fixture()
def calls(tmp_path):
    p = tmp_path / "calls.csv"
    lines = ["call_id,unit,dispatched,cleared,call_type,self_initiated"] + [",".join(r) for r in ROWS]
    p.write_text("\n".join(lines) + "\n")
    data = load_table(p, table="calls")
    yield data
    data.close()


def test_planted_week(calls):
    r = staffing(calls, target=0.5, shift_hours=8, shift_starts="0,8,16")
    e = r.estimates
    minutes = np.zeros((7, 24))  # weekday (0 = Sunday) x hour, one week so each cell is one hour observed
    minutes[0, 10], minutes[0, 11] = 50, 30
    minutes[1, 9], minutes[1, 14] = 40, 40
    minutes[3, 12], minutes[3, 13] = 20, 20
    minutes[6, 23] = 30
    work = minutes / 60
    got = np.array(
        [e["workload_by_hour_weekday"][d] for d in ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")]
    )
    np.testing.assert_allclose(got, work, atol=1e-9)
    assert e["obligated_hours"] == pytest.approx(230 / 60)
    assert e["self_initiated_hours"] == pytest.approx(1.0)
    # each shift staffed at ceil(max over days of mean need over its 8 hours), at least 1
    need = work / 0.5
    for start in (0, 8, 16):
        hrs = list(range(start, start + 8))
        assert e["shifts"][f"{start:02d}:00"]["on_duty"] == max(1, math.ceil(need[:, hrs].mean(axis=1).max()))
    srf = 365 * 8 / (2080 - 336)
    assert e["shift_relief_factor"]["value"] == pytest.approx(srf)
    assert e["officers_needed_total"] == pytest.approx(3 * srf)
    assert e["proactive_share"] == pytest.approx(1 - (230 / 60) / (24 * 7))
    missed = {(m["weekday"], m["hour"]) for m in e["hours_target_missed"]}
    assert missed == {("Sun", 10), ("Mon", 9), ("Mon", 14)}  # 1 - busy < 0.5 with one officer on duty
    assert r.n_excluded == {
        "duplicate unit row (same call, unit and dispatch time)": 1,
        "negative duration (cleared before start)": 1,
    }
    assert e["data_problems"]["cleared_missing_imputed"] == 1
    assert e["data_problems"]["duration_24h_or_more_imputed"] == 1
    assert r.n_used == 8
    assert "<svg" in r.to_html()


def test_relief_factor_from_leave_records_and_stated_staffing(calls, tmp_path):
    leave = tmp_path / "leave.csv"
    leave.write_text("officer,hours,type\na,100,vacation\na,60,training\nb,200,sick\n")
    r = staffing(calls, target=0.5, leave=leave, on_duty="2,2,2")
    srf = 365 * 8 / (2080 - 360 / 2)
    assert r.estimates["shift_relief_factor"]["value"] == pytest.approx(srf)
    assert r.estimates["officers_needed_total"] == pytest.approx(6 * srf)
    assert r.estimates["hours_target_missed"] == []  # 2 on duty: at most 50/60 busy, share 0.58
    with pytest.raises(InputError):
        staffing(calls, shift_starts="0", shift_hours=8)  # 16 hours uncovered


def test_cad_export_through_shipped_mapping(calls, tmp_path):
    """The same week as a CAD export (agency column names, Source codes) gives the same workload."""
    p = tmp_path / "cad.csv"
    lines = [
        "CallNumber,Unit,TimeReceived,TimeDispatched,TimeArrived,TimeCleared,Priority,CallType,Source,Beat"
    ]
    for cid, unit, disp, clr, typ, self_init in ROWS:
        lines.append(
            f"{cid},{unit},{disp},{disp},,{clr},1,{typ},{'Officer' if self_init == 'true' else '911'},B1"
        )
    p.write_text("\n".join(lines) + "\n")
    with load_table(p, "cad_calls", table="calls") as cad:
        assert cad.validation.n_problem_cells == 0
        a = staffing(cad, target=0.5, shift_starts="0,8,16")
    b = staffing(calls, target=0.5, shift_starts="0,8,16")
    assert a.estimates["workload_by_hour_weekday"] == b.estimates["workload_by_hour_weekday"]
    assert a.estimates["self_initiated_hours"] == pytest.approx(1.0)
