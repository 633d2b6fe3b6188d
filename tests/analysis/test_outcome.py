"""Outcome test: hit rates by group and district on discretionary searches, with OPP's eligibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.outcome import outcome_test
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

RACES = {"Black": "black", "White": "white", "Hispanic": "hispanic"}


def test_ri_hit_rates_on_discretionary_searches_in_eligible_zones(ri_data, ri_path):
    raw = pd.read_csv(ri_path, dtype=str, keep_default_na=False)
    month = raw["stop_date"].str[:7]
    raw = raw[month.map(month.value_counts()) >= 50]  # OPP: months with fewer than 50 stops go
    raw = raw[raw["driver_race"].isin(["Black", "White"])]
    searched = raw[raw["search_conducted"] == "TRUE"]
    # discretionary as OPP's RI cleaning: not incident to arrest or inventory, unless probable cause or
    # reasonable suspicion is also listed
    parts = searched["search_type"].str.split(",").map(set)
    disc = searched[parts.map(lambda p: bool(p & {"Probable Cause", "Reasonable Suspicion"}) or not (
        p & {"Incident to Arrest", "Inventory"}))]  # fmt: skip
    per = disc.groupby(["district", "driver_race"]).size().unstack(fill_value=0)
    ok = sorted(per.index[(per >= 10).all(axis=1)])
    r = outcome_test(ri_data, groups="black,white", min_searches=10)
    assert sorted(r.estimates["eligible_geographies"]) == ok and len(ok) >= 3
    used = disc[disc["district"].isin(ok)]
    assert r.n_used == len(used)
    for race, label in (("Black", "black"), ("White", "white")):
        sub = used[used["driver_race"] == race]
        k, n = int((sub["drugs_related_stop"] == "TRUE").sum()), len(sub)
        e = r.estimates["by_group"][label]
        assert (e["hits"], e["searches"]) == (k, n)
        assert e["ci95"] == pytest.approx(list(proportion_confint(k, n, method="wilson")), abs=1e-12)
    assert r.n_used + sum(r.n_excluded.values()) == ri_data.n_rows
    assert r.params["discretionary"] is True


def rows(race: str, district: str, n: int, searches: int, hits: int) -> pd.DataFrame:
    searched = np.arange(n) < searches
    return pd.DataFrame(
        {
            "subject_race": race,
            "district": district,
            "search_conducted": searched,
            "contraband_found": np.where(searched, np.arange(n) < hits, False),
        }
    )


def test_min_searches_all_searches_without_basis(tmp_path):
    df = pd.concat(
        [
            rows("white", "D1", 900, 60, 30),
            rows("black", "D1", 400, 49, 10),  # D1: too few black searches
            rows("white", "D2", 800, 50, 20),
            rows("black", "D2", 600, 55, 9),
            rows("white", "D3", 700, 70, 10),
            rows("black", "D3", 700, 0, 0),  # D3: no black searches
            rows("white", "D4", 100, 50, 25),
            rows("black", "D4", 100, 50, 20),
            rows("other", "D2", 10, 5, 1),
        ]
    )
    df.to_csv(tmp_path / "s.csv", index=False)
    with load_stops(tmp_path / "s.csv") as data:
        r = outcome_test(data, groups="black,white", min_geographies=2)
        assert r.estimates["eligible_geographies"] == ["D2", "D4"]  # largest first
        assert r.estimates["by_group"]["black"]["hit_rate"] == pytest.approx((9 + 20) / (55 + 50))
        assert r.estimates["by_group"]["white"]["hit_rate"] == pytest.approx((20 + 25) / (50 + 50))
        assert r.n_used == 205
        assert r.n_excluded["filter to subject_race in black, white"] == 10
        assert r.n_excluded["remove districts with fewer than 50 searches per group"] == 900 + 400 + 700 + 700
        assert r.n_excluded["search not conducted"] == 800 + 600 + 200 - 205
        assert r.params["discretionary"] is False
        assert any("All searches" in c for c in r.caveats)
        with pytest.raises(InputError, match="location eliminated: 2 districts remained"):
            outcome_test(data, groups="black,white")
