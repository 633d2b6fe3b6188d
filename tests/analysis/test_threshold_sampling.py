"""The threshold test's full NUTS fit on planted thresholds (about 15 s): in the suite, left out of the mutation
selection, with the one short sampling run below: compiling NUTS takes 10-15 CPU seconds in each process, and
mutmut runs every mutant's tests in a new process. test_threshold.py reaches the same steps on cheap inputs: the
model's log density against a SciPy transcription of the Stan file, fit's settings as numpyro receives them, and
every step after the sampler on draws with a known answer."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from continuum.analysis.analyses.threshold import Sampler, fit, reduce_cells, threshold_test
from continuum.analysis.load import load_stops

from .test_threshold import (
    TRUE_SIGNAL,
    district_risk,
    signal_threshold,
    simulated_counts,
    true_group_threshold,
    truth_as_probability,
    write_rows,
)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Simulated stops written as rows, and the full analysis run on them (one fit for the module)."""
    counts = simulated_counts(np.random.default_rng(4), stops=1500)
    path = tmp_path_factory.mktemp("threshold") / "s.csv"
    write_rows(counts, path)
    with load_stops(path) as data:
        result = threshold_test(data, draws=400, warmup=300, chains=4, seed=1)
    return counts, path, result


def test_planted_thresholds_recovered_by_a_converged_fit(planted):
    counts, _, r = planted
    assert r.estimates["converged"] is True, r.estimates["diagnostics"]
    th, diag = r.estimates["thresholds"], r.estimates["diagnostics"]
    for g in TRUE_SIGNAL:
        lo, hi = th[g]["ci95"]
        assert lo < true_group_threshold(counts, g) < hi
    assert th["black"]["difference_to_reference"]["prob_lower_than_reference"] > 0.99
    assert diag["max_r_hat"] <= 1.01 and diag["min_ess"] >= 400 and diag["divergences"] == 0
    covered = []
    for c in r.estimates["by_geography"]:  # each district's planted threshold inside its interval
        d = int(c["geography"][1:])
        truth = truth_as_probability(signal_threshold(c["group"], d), *district_risk(d))
        covered.append(c["ci95"][0] < truth < c["ci95"][1])
    assert sum(covered) >= 7, covered  # 95% intervals: one miss in eight is within chance
    assert th["black"]["searches"] == counts.query("group == 'black' and searched")["n"].sum()
    assert [c.title for c in r.charts] == ["search threshold by subject_race"]
    assert json.loads(r.to_json())["estimates"]["diagnostics"]["converged"] is True


def test_a_tiny_sampling_run_draws_the_models_quantities():
    """One short NUTS run (2 chains): the draws have the shapes the steps read, and the deterministic sites
    are the model's own formulas applied to the sampled parameters."""
    counts = pd.DataFrame({"group": ["a", "a", "b", "b"] * 2, "geo": ["x", "y"] * 4,
                           "searched": [True] * 4 + [False] * 4, "found": [True, False] * 2 + [False] * 4,
                           "n": [30, 20, 25, 15, 100, 120, 90, 110]})  # fmt: skip
    cells = reduce_cells(counts)
    f = fit(cells, Sampler(chains=2, warmup=20, draws=30, seed=2, max_tree_depth=4))
    d = f.draws
    assert d["threshold"].shape == (2, 30, 4) and d["sigma_threshold_raw"].shape == (2, 30)
    assert isinstance(f.divergences, int) and 0 <= f.divergences <= 60 and f.seconds > 0
    t = (
        d["threshold_race_raw"][..., cells.group_idx]
        + d["threshold_raw"] * d["sigma_threshold_raw"][..., None]
    )
    np.testing.assert_allclose(d["threshold"], t, rtol=1e-9)
    pin = lambda v: np.concatenate([np.zeros((*v.shape[:2], 1)), v], axis=-1)  # noqa: E731
    logit_phi = d["mu_phi_raw"][..., None] + 0.1 * (
        pin(d["phi_race_raw"])[..., cells.group_idx] + pin(d["phi_subgeography_raw"])[..., cells.geo_idx]
    )
    np.testing.assert_allclose(d["logit_phi"], logit_phi, rtol=1e-9)
    assert not np.allclose(d["threshold"][0], d["threshold"][1])  # two chains, two paths
