"""Threshold test, step by step: OPP's model (its log density written out independently from the Stan file),
the signal-to-probability conversion, OPP's weighting, the convergence gate, and planted thresholds recovered."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, halfnorm, norm

from continuum.analysis.analyses.threshold import (
    Fit,
    diagnose,
    group_counts,
    group_thresholds,
    opp_model,
    prepare,
    reduce_cells,
    signal_to_percent,
    threshold_test,
)
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

# planted signal-scale thresholds; the risk distribution varies a little by district, as the model allows
TRUE_SIGNAL = {"black": 0.6, "white": 1.3}
PHI, DELTA = 0.25, 1.6


def truth_as_probability(t: float, phi: float, delta: float) -> float:
    """P(guilty | signal t) from the two normal densities directly (not the code's logit shortcut)."""
    g, i = phi * norm.pdf(t, delta, 1), (1 - phi) * norm.pdf(t, 0, 1)
    return g / (g + i)


def district_risk(d: int) -> tuple[float, float]:
    return PHI * np.exp(0.05 * d), DELTA * np.exp(0.04 * d)


def signal_threshold(g: str, d: int) -> float:
    """Thresholds vary by district around the group's, as the model's sigma_threshold allows."""
    return TRUE_SIGNAL[g] + 0.2 * (d - 1.5)


def simulated_counts(rng, stops: int = 4000, districts: int = 4) -> pd.DataFrame:
    """Per-stop draws from the model: guilt, signal, search when the signal passes the group's threshold."""
    rows = []
    for d in range(districts):
        phi, delta = district_risk(d)
        for g in TRUE_SIGNAL:
            t = signal_threshold(g, d)
            guilty = rng.random(stops) < phi
            x = rng.normal(np.where(guilty, delta, 0.0), 1.0)
            searched = x > t
            for s, f in [(True, True), (True, False), (False, False)]:
                n = int(np.sum((searched == s) & (guilty == f) if s else ~searched))
                rows.append({"group": g, "geo": f"D{d}", "searched": s, "found": f, "n": n})
    return pd.DataFrame(rows)


def true_group_threshold(counts: pd.DataFrame, g: str) -> float:
    """OPP's average: districts weighted by the group's stops in each."""
    stops = counts[counts["group"] == g].groupby("geo")["n"].sum()
    probs = [
        truth_as_probability(signal_threshold(g, int(d[1:])), *district_risk(int(d[1:]))) for d in stops.index
    ]
    return float(np.average(probs, weights=stops.to_numpy()))


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Simulated stops written as rows, and the full analysis run on them (one fit for the module)."""
    counts = simulated_counts(np.random.default_rng(4), stops=1500)
    path = tmp_path_factory.mktemp("threshold") / "s.csv"
    write_rows(counts, path)
    with load_stops(path) as data:
        result = threshold_test(data, draws=400, warmup=300, chains=4, seed=1)
    return counts, path, result


def test_signal_to_percent_is_bayes_rule_on_the_two_normals():
    for t, phi, delta in [(0.0, 0.3, 1.0), (1.7, 0.05, 2.5), (-1.0, 0.8, 0.4)]:
        logit_phi = np.log(phi / (1 - phi))
        assert signal_to_percent(t, logit_phi, delta) == pytest.approx(truth_as_probability(t, phi, delta))


def stan_log_density(p: dict, cells) -> float:
    """``threshold_test_hierarchical_identified.stan`` (one geography) written out with scipy."""
    lp = sum(norm.logpdf(p[k]).sum() for k in p if k != "sigma_threshold_raw")
    lp += halfnorm.logpdf(p["sigma_threshold_raw"])
    r, d = cells.group_idx, cells.geo_idx
    pin = lambda v: np.concatenate([[0.0], v])  # noqa: E731 - the first level is pinned at 0
    phi = 1 / (
        1
        + np.exp(
            -(p["mu_phi_raw"] + 0.1 * pin(p["phi_race_raw"])[r] + 0.1 * pin(p["phi_subgeography_raw"])[d])
        )
    )
    delta = np.exp(
        p["mu_delta_raw"] + 0.1 * pin(p["delta_race_raw"])[r] + 0.1 * pin(p["delta_subgeography_raw"])[d]
    )
    t = p["threshold_race_raw"][r] + p["threshold_raw"] * p["sigma_threshold_raw"]
    success = phi * (1 - norm.cdf(t, delta, 1))
    search = success + (1 - phi) * (1 - norm.cdf(t, 0, 1))
    f = cells.frame
    lp += (
        binom.logpmf(f["searches"], f["n"], search).sum()
        + binom.logpmf(f["hits"], f["searches"], success / search).sum()
    )
    return float(lp)


def test_model_log_density_is_opps_stan_model():
    import jax
    from numpyro.infer.util import log_density

    jax.config.update("jax_enable_x64", True)
    cells = reduce_cells(simulated_counts(np.random.default_rng(1), stops=500))
    rng = np.random.default_rng(0)
    g, d, c = len(cells.groups), len(cells.geos), len(cells.frame)
    shapes = {"sigma_threshold_raw": (), "threshold_race_raw": (g,), "threshold_raw": (c,), "mu_phi_raw": (),
              "phi_race_raw": (g - 1,), "phi_subgeography_raw": (d - 1,), "mu_delta_raw": (),
              "delta_race_raw": (g - 1,), "delta_subgeography_raw": (d - 1,)}  # fmt: skip
    f = cells.frame
    args = (cells.group_idx, cells.geo_idx, f["n"].to_numpy(float), f["searches"].to_numpy(float))
    args += (f["hits"].to_numpy(float), g, d)
    for _ in range(3):
        p = {k: rng.normal(0, 0.7, s) for k, s in shapes.items()}
        p["sigma_threshold_raw"] = abs(p["sigma_threshold_raw"])
        ours, _ = log_density(opp_model, args, {}, p)
        assert float(ours) == pytest.approx(stan_log_density(p, cells), rel=1e-9)


def test_cells_are_coded_by_sorted_levels_and_need_two_districts():
    counts = simulated_counts(np.random.default_rng(0), stops=200, districts=3)
    cells = reduce_cells(counts.sample(frac=1, random_state=1))
    assert cells.groups == ["black", "white"] and cells.geos == ["D0", "D1", "D2"]
    row = cells.frame.iloc[4]
    assert (cells.groups[cells.group_idx[4]], cells.geos[cells.geo_idx[4]]) == (row["group"], row["geo"])
    mine = counts[(counts["group"] == row["group"]) & (counts["geo"] == row["geo"])]
    assert row["searches"] == mine.loc[mine["searched"], "n"].sum() and row["n"] == mine["n"].sum()
    with pytest.raises(InputError, match="at least 2 geographies"):
        reduce_cells(counts[counts["geo"] == "D0"])


def test_group_threshold_weights_districts_by_the_groups_own_stops():
    counts = pd.DataFrame(
        {
            "group": ["a", "a", "b", "b"],
            "geo": ["x", "y", "x", "y"],
            "searched": True,
            "found": True,
            "n": [100, 300, 50, 50],
        }
    )
    cells = reduce_cells(counts)
    per_cell = np.array([0.2, 0.4, 0.1, 0.5]).reshape(1, 1, 4)
    out = group_thresholds(cells, per_cell)[0, 0]
    # a: (100 * 0.2 + 300 * 0.4) / 400; b: the plain mean of equal stops
    assert out == pytest.approx([0.35, 0.3])


def fake_fit(chains: np.ndarray, divergences: int = 0) -> Fit:
    return Fit({"x": chains}, divergences, 0.0)


def test_convergence_gate():
    rng = np.random.default_rng(0)
    good = rng.normal(size=(4, 500))
    assert diagnose(fake_fit(good), {"q": good}).converged
    apart = good + np.arange(4)[:, None]  # chains that disagree
    assert not diagnose(fake_fit(good), {"q": apart}).converged
    assert diagnose(fake_fit(good), {"q": apart}).max_r_hat > 1.5
    # a nuisance parameter's R-hat is shown but is not the gate
    assert diagnose(fake_fit(apart), {"q": good}).max_r_hat_parameters > 1.5
    sticky = np.cumsum(rng.normal(size=(4, 500)), axis=1)  # a random walk: few effective samples
    conv = diagnose(fake_fit(good), {"q": sticky})
    assert not conv.converged and conv.min_ess < 400 and conv.worst == "q"
    assert diagnose(fake_fit(good, divergences=1), {"q": good}).problems() == ["1 divergent transitions"]
    one_chain = rng.normal(size=(1, 2000))
    assert not diagnose(fake_fit(one_chain), {"q": one_chain}).converged


def write_rows(counts: pd.DataFrame, path) -> None:
    rows = counts.loc[counts.index.repeat(counts["n"])]
    pd.DataFrame(
        {
            "subject_race": rows["group"],
            "district": rows["geo"],
            "search_conducted": rows["searched"],
            "contraband_found": rows["found"] & rows["searched"],
        }
    ).to_csv(path, index=False)


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


def test_an_unconverged_fit_is_flagged_and_reports_no_thresholds(planted, monkeypatch):
    """Chains that disagree (as a stuck chain does) stand in for the sampler: the gate and the result's shape."""
    from continuum.analysis.analyses import threshold as module

    def stuck(cells, sampler):
        rng, shape = np.random.default_rng(0), (2, 300, len(cells.frame))
        apart = np.array([0.0, 2.0])[:, None, None]
        draws = {"threshold": rng.normal(1, 0.1, shape) + apart, "logit_phi": rng.normal(-1, 0.1, shape)}
        return Fit(draws | {"delta": np.exp(rng.normal(0.4, 0.05, shape))}, 0, 0.0)

    monkeypatch.setattr(module, "fit", stuck)
    with load_stops(planted[1]) as data:
        r = threshold_test(data)
    assert r.estimates["converged"] is False and r.estimates["thresholds"] is None
    assert r.warnings[0].startswith("Not converged") and r.caveats[0].startswith("Not a finding")
    assert r.charts == [] and not any(t.title.startswith("thresholds") for t in r.tables)
    assert r.estimates["by_geography"] is None
    assert r.estimates["counts_by_group"]["black"]["searches"] > 0
    assert "Not converged" in r.to_html()


def test_threshold_test_uses_the_outcome_tests_searches_unless_asked(ri_data):
    """OPP runs both tests on one eligible table: the same districts and the same (discretionary) searches."""
    from continuum.analysis.analyses.outcome import outcome_test

    relaxed = {"groups": "black,white", "min_searches": 10}
    rules = {"group": "subject_race", "geography": "district", "min_geographies": 3, "min_month_stops": 50}
    rules |= {"coverage": 0.5, "reducer": None, **relaxed}

    def counts(discretionary: str) -> dict:
        cells = reduce_cells(prepare(ri_data, discretionary=discretionary, **rules)[0].t)
        return group_counts(cells)

    outcome = outcome_test(ri_data, **relaxed)
    th = counts("auto")
    assert len(th) == 2
    for g, e in outcome.estimates["by_group"].items():
        assert (th[g]["searches"], th[g]["hits"]) == (e["searches"], e["hits"])
    everything = counts("no")
    all_searches = outcome_test(ri_data, **relaxed, discretionary="no").estimates["by_group"]
    for g, e in all_searches.items():
        assert everything[g]["searches"] == e["searches"]
        assert e["searches"] > outcome.estimates["by_group"][g]["searches"]
