"""Outcome test: hit rates by group and district, discretionary searches, minimum counts."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.outcome import outcome_test
from continuum.analysis.load import load_stops


def test_ri_hit_rates_on_discretionary_searches(ri_data, ri_path):
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    searched = raw[(raw["search_conducted"] == "TRUE") & (raw["driver_race"] != "")]
    # discretionary: the search basis list names probable cause (the only discretionary basis RI records)
    disc = searched[searched["search_type"].str.contains("Probable Cause")]
    r = outcome_test(ri_data)
    assert r.params["discretionary"] is True
    for race, label in (("Black", "black"), ("White", "white")):
        sub = disc[disc["driver_race"] == race]
        k, n = int((sub["drugs_related_stop"] == "TRUE").sum()), len(sub)
        e = r.estimates["by_group"][label]
        assert (e["hits"], e["searches"]) == (k, n)
        assert e["ci95"] == pytest.approx(list(proportion_confint(k, n, method="wilson")), abs=1e-12)
    assert (
        r.n_excluded["non-discretionary search (basis other)"]
        == int((~searched["search_type"].str.contains("Probable Cause")).sum()) + 0
    )
    zone = r.estimates["by_geography"]["Zone K1"]["black"]
    sub = disc[(disc["district"] == "Zone K1") & (disc["driver_race"] == "Black")]
    assert zone["searches"] == len(sub)


def test_min_count_rule_and_all_searches_without_basis(tmp_path):
    rows = (
        [("white", "D1", True)] * 30
        + [("white", "D1", False)] * 30
        + [("black", "D1", True)] * 3
        + [("black", "D1", False)] * 2
        + [("black", "D2", True)] * 10
        + [("black", "D2", False)] * 30
        + [("white", "D2", True)] * 20
        + [("white", "D2", False)] * 20
    )
    df = pd.DataFrame(rows, columns=["subject_race", "district", "contraband_found"])
    df["search_conducted"] = True
    df.to_csv(tmp_path / "s.csv", index=False)
    with load_stops(tmp_path / "s.csv") as data:
        r = outcome_test(data, min_searches=10)
    assert r.params["discretionary"] is False
    assert any("All searches" in c for c in r.caveats)
    assert r.estimates["by_geography"]["D1"]["black"]["meets_min_searches"] is False
    assert r.estimates["comparable_geographies"] == {"D2": ["black"]}
    assert r.estimates["by_group"]["black"]["hit_rate"] == pytest.approx(13 / 45)
