"""Outcome test: hit rates by group and district on discretionary searches, with OPP's minimum counts."""

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
    raw = raw[raw["driver_race"].isin(RACES)]
    # OPP eligibility, computed here: every group has > 500 stops and > 0 searches in the zone
    stops = raw.groupby(["district", "driver_race"]).size().unstack(fill_value=0)
    searches = (
        raw[raw["search_conducted"] == "TRUE"]
        .groupby(["district", "driver_race"])
        .size()
        .unstack(fill_value=0)
    )
    ok = [
        z
        for z in stops.index
        if (stops.loc[z] > 500).all() and (searches.reindex(stops.index).fillna(0).loc[z] > 0).all()
    ]
    r = outcome_test(ri_data)
    assert r.estimates["eligible_geographies"] == ok
    # discretionary: the search basis list names probable cause (the only discretionary basis RI records)
    used = raw[raw["district"].isin(ok) & (raw["search_conducted"] == "TRUE")]
    used = used[used["search_type"].str.contains("Probable Cause")]
    assert r.n_used == len(used)
    for race, label in RACES.items():
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


def test_min_counts_all_searches_without_basis(tmp_path):
    df = pd.concat(
        [
            rows("white", "D1", 900, 60, 30),
            rows("black", "D1", 400, 50, 10),  # D1: too few black stops
            rows("white", "D2", 800, 40, 20),
            rows("black", "D2", 600, 45, 9),
            rows("white", "D3", 700, 30, 10),
            rows("black", "D3", 700, 0, 0),  # D3: no black searches
            rows("other", "D2", 10, 5, 1),
        ]
    )
    df.to_csv(tmp_path / "s.csv", index=False)
    with load_stops(tmp_path / "s.csv") as data:
        r = outcome_test(data, groups="black,white")
        assert r.estimates["eligible_geographies"] == ["D2"]
        assert r.estimates["by_group"]["black"]["hit_rate"] == pytest.approx(9 / 45)
        assert r.estimates["by_group"]["white"]["hit_rate"] == pytest.approx(20 / 40)
        assert r.n_used == 85
        assert r.n_excluded["subject_race not among ['black', 'white']"] == 10
        assert r.n_excluded["district below OPP minimum counts"] == 900 + 400 + 700 + 700
        assert r.n_excluded["search not conducted"] == 800 + 600 - 85
        assert r.params["discretionary"] is False
        assert any("All searches" in c for c in r.caveats)
        with pytest.raises(InputError, match="minimum counts"):
            outcome_test(data, groups="black,white", min_stops=1000)
