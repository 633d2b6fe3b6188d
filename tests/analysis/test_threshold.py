"""Threshold test: planted thresholds are recovered in order; convergence diagnostics are reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from continuum.analysis.analyses.threshold import threshold_test
from continuum.analysis.load import load_stops


def simulate(rng, n, phi, delta, t):
    """Search and hit counts from the discriminant-distribution model, drawn per stop."""
    guilty = rng.random(n) < phi
    x = rng.normal(np.where(guilty, delta, 0.0), 1.0)
    p = expit(logit(phi) + delta * x - delta**2 / 2)
    searched = p > t
    return searched, searched & guilty


def test_planted_threshold_ordering_recovered(tmp_path):
    rng = np.random.default_rng(5)
    thresholds = {"black": 0.15, "white": 0.35}
    rows = []
    for d in range(4):
        for race, t in thresholds.items():
            phi, delta = 0.2 + 0.03 * d, 1.6 + 0.1 * d
            s, h = simulate(rng, 2500, phi, delta, t)
            rows.append(
                pd.DataFrame(
                    {"subject_race": race, "district": f"D{d}", "search_conducted": s, "contraband_found": h}
                )
            )
    df = pd.concat(rows)
    df.to_csv(tmp_path / "s.csv", index=False)
    with load_stops(tmp_path / "s.csv") as data:
        r = threshold_test(data, draws=300, warmup=300, chains=2, seed=1)
    th = r.estimates["thresholds"]
    assert th["black"]["threshold"] < th["white"]["threshold"]
    assert th["black"]["difference_to_reference"]["prob_lower_than_reference"] > 0.95
    lo, hi = th["white"]["ci95"]
    assert lo < 0.35 < hi
    diag = r.estimates["diagnostics"]
    assert np.isfinite(diag["max_r_hat"]) and diag["max_r_hat"] < 1.1
    assert diag["min_ess"] > 20
    assert th["black"]["searches"] == int(df.loc[df["subject_race"] == "black", "search_conducted"].sum())


def test_threshold_test_uses_the_outcome_tests_searches_unless_asked(ri_data):
    """OPP runs both tests on one eligible table: the same districts and the same (discretionary) searches."""
    from continuum.analysis.analyses.outcome import outcome_test

    relaxed = {"groups": "black,white", "min_searches": 10}
    fit = {"draws": 50, "warmup": 50, "chains": 1}
    outcome = outcome_test(ri_data, **relaxed)
    th = threshold_test(ri_data, **relaxed, **fit)
    assert th.counts["geographies"] == len(outcome.estimates["eligible_geographies"])
    for g, e in outcome.estimates["by_group"].items():
        assert (th.estimates["thresholds"][g]["searches"], th.estimates["thresholds"][g]["hits"]) == (
            e["searches"],
            e["hits"],
        )
    everything = threshold_test(ri_data, **relaxed, discretionary="no", **fit)
    all_searches = outcome_test(ri_data, **relaxed, discretionary="no").estimates["by_group"]
    assert everything.params["discretionary"] is False and th.params["discretionary"] is True
    for g, e in all_searches.items():
        assert everything.estimates["thresholds"][g]["searches"] == e["searches"]
        assert e["searches"] > outcome.estimates["by_group"][g]["searches"]
