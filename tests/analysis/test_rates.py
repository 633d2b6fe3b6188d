"""Rates by group against hand-computed proportions, Wilson intervals and rate ratios."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.rates import rates
from continuum.analysis.errors import InputError


def test_ri_rates_match_pandas(ri_data, ri_path):
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    raw = raw[raw["driver_race"] != ""]
    r = rates(ri_data)
    for race, label in (("Black", "black"), ("White", "white"), ("Hispanic", "hispanic")):
        sub = raw[raw["driver_race"] == race]
        k, n = int((sub["search_conducted"] == "TRUE").sum()), len(sub)
        e = r.estimates[label]["search_rate"]
        assert (e["k"], e["n"]) == (k, n)
        assert e["rate"] == pytest.approx(k / n)
        assert e["ci95"] == pytest.approx(list(proportion_confint(k, n, method="wilson")), abs=1e-12)
        arrests = int((sub["is_arrested"] == "TRUE").sum())
        assert r.estimates[label]["arrest_rate"]["k"] == arrests
    assert r.n_excluded == {"subject_race missing or unmapped": 1454}
    b, w = r.estimates["black"]["search_rate"], r.estimates["white"]["search_rate"]
    rr = (b["k"] / b["n"]) / (w["k"] / w["n"])
    se = math.sqrt(1 / b["k"] - 1 / b["n"] + 1 / w["k"] - 1 / w["n"])
    got = b["ratio_to_reference"]
    assert got["ratio"] == pytest.approx(rr)
    assert got["ci95"] == pytest.approx(
        [rr * math.exp(-1.959963984540054 * se), rr * math.exp(1.959963984540054 * se)]
    )


def test_benchmark_population_gives_stop_rates_and_ratios(ri_data, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("subject_race,population\nwhite,800000\nblack,60000\nhispanic,150000\n")
    r = rates(ri_data, benchmark=path)
    b, w = r.estimates["black"], r.estimates["white"]
    assert b["stop_rate"]["per_1000"] == pytest.approx(1000 * b["stops"] / 60000)
    rr = (b["stops"] / 60000) / (w["stops"] / 800000)
    assert b["stop_rate"]["ratio_to_reference"]["ratio"] == pytest.approx(rr)
    lo, _ = b["stop_rate"]["ratio_to_reference"]["ci95"]
    se = math.sqrt(1 / b["stops"] + 1 / w["stops"])
    assert lo == pytest.approx(rr * math.exp(-1.959963984540054 * se))
    assert "stop_rate" not in r.estimates["asian/pacific islander"]
    assert any("No benchmark population" in c for c in r.caveats)


def test_bad_benchmark_reports_row_and_column(ri_data, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("subject_race,population\nwhite,lots\n")
    with pytest.raises(InputError) as info:
        rates(ri_data, benchmark=path)
    assert (info.value.row, info.value.column) == (2, "population")
