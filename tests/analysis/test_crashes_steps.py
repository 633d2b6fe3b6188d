"""Police vehicle crashes step by step: the reduction, flag shares, fleet rates and rates by unit against an
exposure file, on counts worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from continuum.analysis.analyses.crashes import (
    flag_shares,
    fleet_rates,
    rates_by_group,
    read_exposure,
    reduce_crashes,
)
from continuum.analysis.load import load_table
from continuum.analysis.reduce import DuckDBReducer


def test_reduce_crashes_and_flag_shares(tmp_path):
    p = tmp_path / "crashes.csv"
    p.write_text(
        "date,time,unit,pursuit,injuries\n2021-01-01,02:00,A,true,0\n2021-01-02,13:30,A,,2\n"
        "2021-01-03,19:00,B,false,\n,10:00,B,true,1\n"
    )
    with load_table(p, table="crashes") as data:
        r = reduce_crashes(DuckDBReducer(data.con), data.table, data.columns)
    assert r.n_used == 3 and r.excluded == {"date missing or unparsable": 1}
    assert sorted(r.table["time_of_day"]) == ["00-06", "12-18", "18-24"]
    est = flag_shares(r.table, r.n_used, 0.05)
    assert est["pursuit"]["count"] == 1 and est["pursuit"]["recorded"] == 2 and est["pursuit"]["share"] == 0.5
    assert est["people_injured"] == 2 and est["crashes_with_injury"]["share"] == pytest.approx(1 / 3)


def test_fleet_rates():
    r = fleet_rates(12, 400_000.0, 60.0, 0.05)
    assert r["per_100k_miles"]["rate"] == pytest.approx(3.0) and r["per_vehicle"]["rate"] == pytest.approx(
        0.2
    )
    assert fleet_rates(12, None, None, 0.05) == {}


def test_rates_by_group_from_an_exposure_file(tmp_path):
    p = tmp_path / "exposure.csv"
    p.write_text("unit,miles,vehicles\nA,200000,10\nC,100000,5\n")
    ex = read_exposure(p)
    t = pd.DataFrame({"unit": ["A", "A", "B"], "n": [3, 1, 7]})
    out = rates_by_group(t, ex, "unit", 0.05)
    assert out["A"]["crashes"] == 4 and out["A"]["per_100k_miles"]["rate"] == pytest.approx(2.0)
    assert out["C"]["crashes"] == 0 and out["C"]["per_100k_miles"]["rate"] == 0
    assert out["C"]["per_vehicle"]["ci95"][1] > 0  # no crashes: a zero rate with an upper limit, not unknown
    assert "B" not in out  # no exposure for it
