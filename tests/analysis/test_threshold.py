"""Threshold test, step by step: OPP's model (its log density written out independently from the Stan file),
the signal-to-probability conversion, OPP's weighting, the convergence gate, and planted thresholds recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, halfnorm, norm

from continuum.analysis.analyses import threshold as module
from continuum.analysis.analyses.threshold import (
    Convergence,
    Fit,
    Sampler,
    cell_thresholds,
    diagnose,
    fit,
    group_counts,
    group_thresholds,
    opp_model,
    prepare,
    reduce_cells,
    reported_quantities,
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


def test_signal_to_percent_is_bayes_rule_on_the_two_normals():
    for t, phi, delta in [(0.0, 0.3, 1.0), (1.7, 0.05, 2.5), (-1.0, 0.8, 0.4)]:
        logit_phi = np.log(phi / (1 - phi))
        assert signal_to_percent(t, logit_phi, delta) == pytest.approx(truth_as_probability(t, phi, delta))


def pin(v: np.ndarray) -> np.ndarray:
    """The first level is pinned at 0."""
    return np.concatenate([[0.0], v])


def stan_signal_parameters(p: dict, cells, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's threshold, logit phi and delta from the raw (non-centred) parameters, the Stan file's
    transformed parameters; ``scale`` multiplies every raw prior (sigma_t, the group thresholds, mu, effects)."""
    r, d = cells.group_idx, cells.geo_idx
    logit_phi = scale * (
        p["mu_phi_raw"] + 0.1 * pin(p["phi_race_raw"])[r] + 0.1 * pin(p["phi_subgeography_raw"])[d]
    )
    delta = np.exp(
        scale
        * (p["mu_delta_raw"] + 0.1 * pin(p["delta_race_raw"])[r] + 0.1 * pin(p["delta_subgeography_raw"])[d])
    )
    t = scale * p["threshold_race_raw"][r] + p["threshold_raw"] * p["sigma_threshold_raw"] * scale
    return t, logit_phi, delta


def stan_log_density(p: dict, cells, scale: float = 1.0) -> float:
    """``threshold_test_hierarchical_identified.stan`` (one geography) written out with scipy."""
    lp = sum(norm.logpdf(p[k]).sum() for k in p if k != "sigma_threshold_raw")
    lp += halfnorm.logpdf(p["sigma_threshold_raw"])
    t, logit_phi, delta = stan_signal_parameters(p, cells, scale)
    phi = 1 / (1 + np.exp(-logit_phi))
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
    # the prior scale multiplies every non-centred parameter (not divides: 1 is the only value where both agree)
    ours, _ = log_density(opp_model, args, {"scale": 2.0}, p)
    assert float(ours) == pytest.approx(stan_log_density(p, cells, scale=2.0), rel=1e-9)
    assert float(ours) != pytest.approx(stan_log_density(p, cells), rel=1e-6)


def test_the_model_records_each_cells_threshold_and_risk_under_the_names_the_fit_reads():
    """``cell_thresholds`` reads the deterministic sites "threshold", "logit_phi" and "delta" from the draws:
    traced at fixed raw parameters, each holds the Stan file's transformed parameter (written out with NumPy)."""
    import jax
    from numpyro import handlers

    jax.config.update("jax_enable_x64", True)
    counts = pd.DataFrame({"group": ["a", "a", "b", "b", "b"], "geo": ["x", "y", "x", "y", "z"],
                           "searched": True, "found": True, "n": [5, 6, 7, 8, 9]})  # fmt: skip
    cells = reduce_cells(counts)
    rng = np.random.default_rng(2)
    g, d, c = len(cells.groups), len(cells.geos), len(cells.frame)
    p = {"sigma_threshold_raw": 0.8, "threshold_race_raw": rng.normal(size=g), "threshold_raw": rng.normal(size=c),
         "mu_phi_raw": -0.7, "phi_race_raw": rng.normal(size=g - 1), "phi_subgeography_raw": rng.normal(size=d - 1),
         "mu_delta_raw": 0.3, "delta_race_raw": rng.normal(size=g - 1),
         "delta_subgeography_raw": rng.normal(size=d - 1)}  # fmt: skip
    f = cells.frame
    args = (cells.group_idx, cells.geo_idx, *(f[k].to_numpy(float) for k in ["n", "searches", "hits"]), g, d)
    for scale in (1.0, 1.5):
        model = handlers.substitute(handlers.seed(opp_model, 0), data=p)
        trace = handlers.trace(model).get_trace(*args, scale=scale)
        recorded = {k: v for k, v in trace.items() if v["type"] == "deterministic"}
        assert set(recorded) == {"threshold", "logit_phi", "delta"}
        for name, want in zip(["threshold", "logit_phi", "delta"], stan_signal_parameters(p, cells, scale),
                              strict=True):  # fmt: skip
            np.testing.assert_allclose(np.asarray(recorded[name]["value"]), want, rtol=1e-12)


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


def test_cells_count_a_search_without_a_recorded_outcome_as_no_hit_and_need_a_hit():
    """Per group and district: stops, searches, and hits (searches that found contraband; a search whose outcome
    is missing is not one); the model needs at least one search that found something, and one is enough."""
    rows = pd.DataFrame(
        {
            "group": ["a", "a", "a", "a", "b", "b"],
            "geo": ["x", "x", "x", "y", "x", "y"],
            "searched": pd.array([True, True, False, False, True, False], dtype="boolean"),
            "found": pd.array([True, None, None, False, False, None], dtype="boolean"),
            "n": [2, 3, 4, 5, 6, 7],
        }
    )
    cells = reduce_cells(rows)
    assert list(cells.frame.columns) == ["group", "geo", "n", "searches", "hits"]
    want = {("a", "x"): (9, 5, 2), ("a", "y"): (5, 0, 0), ("b", "x"): (6, 6, 0), ("b", "y"): (7, 0, 0)}
    got = {(r.group, r.geo): (r.n, r.searches, r.hits) for r in cells.frame.itertuples()}
    assert got == want
    one_hit = rows.assign(n=1, searched=[True, False, False, False, False, False], found=True)
    assert reduce_cells(one_hit).frame[["searches", "hits"]].sum().to_list() == [1, 1]
    refused = "threshold-test needs searches with contraband found; the data have none"
    with pytest.raises(InputError, match=refused):
        reduce_cells(rows.assign(found=False))  # searches, none found anything
    with pytest.raises(InputError, match=refused):
        reduce_cells(rows.assign(searched=False))  # no searches at all


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


def split_r_hat(x: np.ndarray) -> float:
    """Split R-hat (Gelman et al., BDA3 section 11.4) by hand: each chain cut in halves, then the between- and
    within-half variances."""
    h = x.shape[1] // 2
    halves = np.concatenate([x[:, :h], x[:, -h:]])
    within = halves.var(axis=1, ddof=1).mean()
    between = halves.mean(axis=1).var(ddof=1)
    return float(np.sqrt(((h - 1) / h * within + between) / within))


def test_the_gate_names_the_quantity_with_fewest_effective_samples_and_reads_two_chains():
    from numpyro.diagnostics import effective_sample_size

    rng = np.random.default_rng(1)
    good = rng.normal(size=(4, 500))
    sticky = np.cumsum(rng.normal(size=(4, 500)), axis=1)
    # the lowest ESS is named by its ESS, not by the first name in alphabetical order
    conv = diagnose(fake_fit(good), {"a": good, "b": sticky, "c": good})
    assert conv.worst == "b" and conv.min_ess == pytest.approx(float(effective_sample_size(sticky)))
    assert conv.min_ess < 100
    # over every sampled parameter too: the sticky one sets the minimum, the quantities are fine
    both = Fit({"x": good, "y": sticky[..., None].repeat(2, axis=-1)}, 0, 0.0)
    conv = diagnose(both, {"q": good})
    assert conv.converged and conv.min_ess_parameters == pytest.approx(float(effective_sample_size(sticky)))
    assert conv.to_dict()["min_ess_all_parameters"] < 100 < conv.to_dict()["min_ess"]
    # two chains are enough to compare chains: their split R-hat is a number, and these two agree
    two = rng.normal(size=(2, 1000))
    conv = diagnose(fake_fit(two), {"q": two})
    assert conv.max_r_hat == pytest.approx(split_r_hat(two), rel=1e-9) and conv.converged
    assert conv.max_r_hat_parameters == pytest.approx(split_r_hat(two), rel=1e-9)


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


# --- the steps after the sampler, on draws whose answer is known (fast: no sampling) ---------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two groups in four districts, written as rows (a few thousand)."""
    counts = simulated_counts(np.random.default_rng(4), stops=300)
    path = tmp_path_factory.mktemp("threshold") / "small.csv"
    write_rows(counts, path)
    return counts, path


def cell_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Stops, searches and hits per group and district, counted from the rows' counts directly."""
    out = []
    for (g, d), c in counts.groupby(["group", "geo"]):
        searched = c[c["searched"]]
        out.append({"group": g, "geo": d, "n": c["n"].sum(), "searches": searched["n"].sum(),
                    "hits": searched.loc[searched["found"], "n"].sum()})  # fmt: skip
    return pd.DataFrame(out).sort_values(["group", "geo"]).reset_index(drop=True)


def known_draws(n_cells: int, chains: int = 4, draws: int = 500, seed: int = 3) -> dict[str, np.ndarray]:
    """Independent draws around a different centre per cell: chains that agree, thousands of effective samples."""
    rng = np.random.default_rng(seed)
    shape = (chains, draws, n_cells)
    centre = np.linspace(0.9, 1.2, n_cells)
    return {
        "threshold": rng.normal(centre, 0.6, shape),
        "logit_phi": rng.normal(-1.2, 0.1, shape),
        "delta": np.exp(rng.normal(0.45, 0.05, shape)),
    }


def expected_probabilities(d: dict[str, np.ndarray]) -> np.ndarray:
    """P(guilty | signal) per draw from the two normal densities (scipy), not the code's logit shortcut."""
    phi = 1 / (1 + np.exp(-d["logit_phi"]))
    g = phi * norm.pdf(d["threshold"], d["delta"], 1)
    return g / (g + (1 - phi) * norm.pdf(d["threshold"], 0, 1))


def test_the_result_reports_the_draws_thresholds_weighted_by_each_groups_stops(small, monkeypatch):
    counts, path = small
    table = cell_table(counts)
    seen = {}

    def known(cells, sampler):
        seen["sampler"], seen["frame"] = sampler, cells.frame.copy()
        return Fit(known_draws(len(cells.frame), chains=3), 0, 1.5)

    monkeypatch.setattr(module, "fit", known)
    with load_stops(path) as data:
        r = threshold_test(data, groups="black,white", draws=500, warmup=77, chains=3, seed=9, min_searches=5)
    assert seen["sampler"] == Sampler(chains=3, warmup=77, draws=500, seed=9)
    pd.testing.assert_frame_equal(seen["frame"][table.columns].astype(table.dtypes), table, check_dtype=False)

    p = expected_probabilities(known_draws(len(table), chains=3))  # chains x draws x cells
    est = r.estimates
    assert est["converged"] is True and est["finding"] is True
    per_group = {}
    for g in ["black", "white"]:
        mine = table["group"] == g
        w = table.loc[mine, "n"].to_numpy(float)
        per_group[g] = (p[..., mine.to_numpy()] * w).sum(-1) / w.sum()
        got = est["thresholds"][g]
        assert got["threshold"] == pytest.approx(per_group[g].mean(), abs=1e-12)
        assert got["ci95"] == pytest.approx(np.percentile(per_group[g], [2.5, 97.5]), abs=1e-12)
        assert (got["stops"], got["searches"], got["hits"]) == tuple(
            table.loc[mine, ["n", "searches", "hits"]].sum()
        )
        assert est["counts_by_group"][g] == {
            "stops": got["stops"],
            "searches": got["searches"],
            "hits": got["hits"],
        }
    diff = per_group["black"] - per_group["white"]
    black = est["thresholds"]["black"]["difference_to_reference"]
    assert black["mean"] == pytest.approx(diff.mean(), abs=1e-12)
    assert black["ci95"] == pytest.approx(np.percentile(diff, [2.5, 97.5]), abs=1e-12)
    assert (
        black["prob_lower_than_reference"] == pytest.approx(np.mean(diff < 0)) and 0 < np.mean(diff < 0) < 1
    )
    assert "difference_to_reference" not in est["thresholds"]["white"]

    assert [(c["group"], c["geography"]) for c in est["by_geography"]] == list(
        zip(table["group"], table["geo"], strict=True)
    )
    for i, c in enumerate(est["by_geography"]):
        assert c["threshold"] == pytest.approx(p[..., i].mean(), abs=1e-12)
        assert c["ci95"] == pytest.approx(np.percentile(p[..., i], [2.5, 97.5]), abs=1e-12)
        assert (c["stops"], c["searches"], c["hits"]) == tuple(table.loc[i, ["n", "searches", "hits"]])

    diag = est["diagnostics"]
    assert diag["converged"] is True and diag["divergences"] == 0 and diag["sampling_seconds"] == 1.5
    assert (diag["chains"], diag["draws"], diag["warmup"]) == (3, 500, 77)
    assert diag["model"] == "OPP threshold_test_hierarchical_identified.stan"
    assert diag["max_r_hat"] <= 1.01 and diag["min_ess"] >= 400
    assert (
        r.params["reference"] == "white"
        and r.params["seed"] == 9
        and r.params["groups"] == ["black", "white"]
    )
    assert (r.params["min_searches"], r.params["min_geographies"], r.params["min_month_stops"]) == (5, 3, 50)
    assert (r.params["group"], r.params["geography"], r.params["coverage"]) == (
        "subject_race",
        "district",
        0.5,
    )
    assert r.params["discretionary"] in {"yes", "no", "auto"} or isinstance(r.params["discretionary"], bool)
    assert r.n_used == table["n"].sum()
    assert r.counts["cells"] == len(table) and r.counts["geographies"] == 4

    chart = r.charts[0]
    assert chart.title == "search threshold by subject_race"
    assert chart.xlabel == "probability of contraband needed to search"
    assert [row[0] for row in chart.points] == ["black", "white"]
    for g, low_high in zip(["black", "white"], chart.points, strict=True):
        got = est["thresholds"][g]
        assert tuple(low_high[1:]) == (got["threshold"], *got["ci95"])
    tables = {t.title: t for t in r.tables}
    rows = tables["thresholds"].rows
    assert tables["thresholds"].columns == [
        "subject_race",
        "threshold",
        "low",
        "high",
        "stops",
        "searches",
        "hits",
    ]
    assert rows[0] == ["black", est["thresholds"]["black"]["threshold"], *est["thresholds"]["black"]["ci95"],
                       *table.loc[table["group"] == "black", ["n", "searches", "hits"]].sum()]  # fmt: skip
    by_geo = tables["thresholds by group and geography"]
    assert by_geo.columns[:2] == ["subject_race", "geography"] and len(by_geo.rows) == len(table)
    c0 = est["by_geography"][0]
    assert by_geo.rows[0] == [c0["group"], c0["geography"], c0["threshold"], *c0["ci95"],
                              c0["stops"], c0["searches"], c0["hits"]]  # fmt: skip
    conv = next(t for t in r.tables if t.title.startswith("convergence"))
    assert conv.rows == [[True, diag["max_r_hat"], diag["min_ess"], diag["lowest_ess_quantity"], 0]]
    assert conv.columns == ["converged", "max R-hat", "min ESS", "lowest-ESS quantity", "divergences"]
    assert r.tables[-1].title.startswith("eligibility")
    steps = r.counts["eligibility_steps"]
    assert [s["action"] for s in steps] == [row[0] for row in r.tables[-1].rows] and len(steps) > 5
    assert {"action", "reason", "result", "stops_dropped", "searches_dropped"} <= set(steps[0])
    assert not any("Not a finding" in c or "Not converged" in c for c in r.caveats + r.warnings)
    fewest = int(table["searches"].min())
    assert any(f"is {fewest}:" in c for c in r.caveats)


def test_an_unconverged_fit_is_flagged_and_reports_no_thresholds(small, monkeypatch):
    """Chains that disagree (as a stuck chain does) stand in for the sampler: the gate and the result's shape."""

    def stuck(cells, sampler):
        rng, shape = np.random.default_rng(0), (2, 300, len(cells.frame))
        apart = np.array([0.0, 2.0])[:, None, None]
        draws = {"threshold": rng.normal(1, 0.1, shape) + apart, "logit_phi": rng.normal(-1, 0.1, shape)}
        return Fit(draws | {"delta": np.exp(rng.normal(0.4, 0.05, shape))}, 0, 0.0)

    monkeypatch.setattr(module, "fit", stuck)
    counts, path = small
    with load_stops(path) as data:
        r = threshold_test(data, min_searches=5)
    assert r.estimates["converged"] is False and r.estimates["finding"] is False
    assert r.estimates["thresholds"] is None and r.estimates["by_geography"] is None
    assert r.warnings[0].startswith("Not converged (R-hat") and r.caveats[0].startswith("Not a finding")
    assert r.charts == [] and not any(t.title.startswith("thresholds") for t in r.tables)
    table = cell_table(counts)
    searches = r.tables[0]
    assert searches.columns == ["subject_race", "stops", "searches", "hits"]
    assert searches.rows == [[g, *table.loc[table["group"] == g, ["n", "searches", "hits"]].sum()]
                             for g in ["black", "white"]]  # fmt: skip
    assert r.tables[1].rows[0][0] is False
    assert r.estimates["counts_by_group"]["black"]["searches"] == searches.rows[0][2]
    assert r.estimates["diagnostics"]["max_r_hat"] > 1.5
    assert "Not converged" in r.to_html()


def test_reported_quantities_name_every_group_difference_and_cell():
    counts = pd.DataFrame({"group": ["a", "a", "b", "b"], "geo": ["x", "y", "x", "y"], "searched": True,
                           "found": True, "n": [5, 6, 7, 8]})  # fmt: skip
    cells = reduce_cells(counts)
    per_group = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
    per_cell = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4) * 10
    q = reported_quantities(cells, per_group, per_cell, "b")
    assert list(q) == ["threshold[a]", "threshold[b]", "difference[a]",
                       "threshold[a, x]", "threshold[a, y]", "threshold[b, x]", "threshold[b, y]"]  # fmt: skip
    np.testing.assert_array_equal(q["difference[a]"], per_group[..., 0] - per_group[..., 1])
    np.testing.assert_array_equal(q["threshold[b]"], per_group[..., 1])
    np.testing.assert_array_equal(q["threshold[b, x]"], per_cell[..., 2])
    assert "difference[b]" not in reported_quantities(cells, per_group, per_cell, "z")


def test_cell_thresholds_convert_every_draw():
    d = known_draws(3, chains=2, draws=5)
    np.testing.assert_allclose(cell_thresholds(Fit(d, 0, 0.0)), expected_probabilities(d), rtol=1e-12)


def test_convergence_reports_its_figures_and_problems():
    conv = Convergence(1.05, 120.4, 2, "threshold[a]", 99.0, 1.2)
    assert conv.to_dict() == {
        "converged": False, "max_r_hat": 1.05, "min_ess": 120.4, "lowest_ess_quantity": "threshold[a]",
        "divergences": 2, "min_ess_all_parameters": 99.0, "max_r_hat_all_parameters": 1.2,
        "criteria": {"max_r_hat": 1.01, "min_ess": 400, "divergences": 0},
    }  # fmt: skip
    assert len(conv.problems()) == 3 and "threshold[a]" in conv.problems()[1]
    assert Convergence(1.01, 400, 0, "q").converged and Convergence(1.01, 400, 0, "q").problems() == []
    assert not Convergence(1.0101, 400, 0, "q").converged and not Convergence(1.0, 399.9, 0, "q").converged
    assert not Convergence(float("nan"), 500, 0, "q").converged
    assert Convergence(float("nan"), float("nan"), 0, "q").problems()[1].startswith("effective samples nan")


def test_fit_passes_the_sampler_settings_to_numpyro(monkeypatch):
    """OPP's settings (adapt_delta, tree depth) and the chains reach NUTS and MCMC (recorded, not run)."""
    import numpyro.infer

    got = {}

    class NUTS:
        def __init__(self, model, **kw):
            got["model"], got["nuts"] = model, kw

    class MCMC:
        def __init__(self, kernel, **kw):
            got["mcmc"] = kw

        def run(self, key, *args, **kw):
            got["key"], got["args"], got["run"] = key, args, kw

        def get_samples(self, group_by_chain):
            assert group_by_chain is True
            return {"threshold": np.zeros((2, 3, 4))}

        def get_extra_fields(self):
            return {"diverging": np.array([[True, False, True], [False, False, True]])}

    import jax

    monkeypatch.setattr(numpyro.infer, "NUTS", NUTS)
    monkeypatch.setattr(numpyro.infer, "MCMC", MCMC)
    monkeypatch.setattr(numpyro.infer, "init_to_uniform", lambda radius: ("uniform", radius))
    counts = pd.DataFrame({"group": ["a", "a", "b", "b"], "geo": ["x", "y", "x", "y"], "searched": True,
                           "found": [True, False, True, True], "n": [5, 6, 7, 8]})  # fmt: skip
    cells = reduce_cells(counts)
    x64 = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", False)
    try:
        f = fit(cells, Sampler(chains=3, warmup=11, draws=22, seed=5, target_accept=0.9, max_tree_depth=7,
                               init_radius=0.25))  # fmt: skip
        assert jax.config.jax_enable_x64 is True  # the model's log densities in double precision
    finally:
        jax.config.update("jax_enable_x64", x64)
    np.testing.assert_array_equal(got["key"], jax.random.PRNGKey(5))
    assert got["model"] is opp_model
    assert got["nuts"] == {"target_accept_prob": 0.9, "max_tree_depth": 7, "init_strategy": ("uniform", 0.25)}
    assert got["mcmc"] == {"num_warmup": 11, "num_samples": 22, "num_chains": 3, "chain_method": "vectorized",
                           "progress_bar": False}  # fmt: skip
    np.testing.assert_array_equal(got["args"][0], [0, 0, 1, 1])
    np.testing.assert_array_equal(got["args"][1], [0, 1, 0, 1])
    np.testing.assert_array_equal(got["args"][2], [5, 6, 7, 8])
    np.testing.assert_array_equal(got["args"][3], [5, 6, 7, 8])
    np.testing.assert_array_equal(got["args"][4], [5, 0, 7, 8])
    assert [got["args"][i].dtype for i in (2, 3, 4)] == [np.float64] * 3
    assert got["args"][5:] == (2, 2) and got["run"] == {"extra_fields": ("diverging",)}
    assert f.divergences == 3 and f.draws["threshold"].shape == (2, 3, 4) and 0 <= f.seconds < 60


def test_a_group_lower_than_the_reference_means_strictly_lower():
    """Draws where a group's threshold equals the reference's count as not lower (P(diff < 0), not <=)."""
    from continuum.analysis.analyses.threshold import summarize

    counts = pd.DataFrame({"group": ["a", "a", "b", "b"], "geo": ["x", "y", "x", "y"], "searched": True,
                           "found": True, "n": [5, 6, 7, 8]})  # fmt: skip
    cells = reduce_cells(counts)
    same = np.tile(np.linspace(0.1, 0.3, 50), (2, 1))[..., None].repeat(2, axis=-1)
    same[1, :10, 0] -= 0.05  # ten draws of a below b
    out = summarize(cells, same, "b")
    assert out["a"]["difference_to_reference"]["prob_lower_than_reference"] == 10 / 100
    assert out["a"]["difference_to_reference"]["mean"] == pytest.approx(-0.05 * 10 / 100)


def test_the_gate_includes_each_groups_difference_to_the_reference(small, monkeypatch):
    """Draws where each group's threshold mixes well but the two groups' chains sit apart in opposite
    directions: the difference to the reference, itself a reported number, has not converged, so neither has
    the fit (the thresholds and cells alone would pass)."""
    counts, path = small
    rng, chains, n = np.random.default_rng(5), 4, 500
    black = (cell_table(counts)["group"] == "black").to_numpy()  # the cells in the model's order
    shared = rng.normal(1.0, 0.6, (chains, n, 1))  # one signal threshold for every cell in a draw
    offset = np.array([0.03, -0.03, 0.03, -0.03])[:, None, None] * black
    draws = {
        "threshold": shared + offset,
        "logit_phi": rng.normal(-1.2, 0.1, (chains, n, 1)).repeat(len(black), -1),
        "delta": np.exp(rng.normal(0.45, 0.05, (chains, n, 1))).repeat(len(black), -1),
    }

    def apart_in_difference(cells, sampler):
        assert (cells.frame["group"] == "black").to_list() == black.tolist()
        return Fit(draws, 0, 0.0)

    monkeypatch.setattr(module, "fit", apart_in_difference)
    with load_stops(path) as data:
        r = threshold_test(data, min_searches=5)
    p = expected_probabilities(draws)  # every cell of a group holds the same value in a draw
    b, w = p[..., 0], p[..., -1]
    assert max(split_r_hat(b), split_r_hat(w)) < 1.01 < split_r_hat(b - w)
    diag = r.estimates["diagnostics"]
    assert r.estimates["converged"] is False and r.estimates["thresholds"] is None
    assert diag["max_r_hat"] == pytest.approx(split_r_hat(b - w), rel=1e-6)
    assert diag["lowest_ess_quantity"] == "difference[black]"


# Two groups compared (hispanic stops are in the file but not asked for), a sparse month (10 stops, under OPP's
# 50), and district D4 where white has 2 searches (under the 5 asked for). D4 holds most of the searches, and
# there black searches find contraband far more often than white ones: dropping it reverses the comparison.
# (district, group): (stops, searches, hits) in May 2021; every search's basis is consent (discretionary).
MAY = {(f"D{d}", g): c for d in range(4) for g, c in
       [("black", (300, 60, 12)), ("white", (300, 40, 16)), ("hispanic", (200, 30, 9))]}  # fmt: skip
MAY |= {("D4", "black"): (1000, 600, 480), ("D4", "white"): (100, 2, 0), ("D4", "hispanic"): (100, 20, 5)}
JUNE = {("D0", "black"): (10, 5, 5)}


def write_months(path) -> None:
    lines = ["date,subject_race,district,search_conducted,contraband_found,search_basis"]
    for date, cells in [("2021-05-03", MAY), ("2021-06-07", JUNE)]:
        for (geo, g), (n, searches, hits) in cells.items():
            lines += [f"{date},{g},{geo},true,true,consent"] * hits
            lines += [f"{date},{g},{geo},true,false,consent"] * (searches - hits)
            lines += [f"{date},{g},{geo},false,,"] * (n - searches)
    path.write_text("\n".join(lines) + "\n")


def test_the_eligibility_asked_for_decides_the_cells_and_what_the_result_says_first(tmp_path, monkeypatch):
    from continuum.analysis.reduce import DuckDBReducer

    seen, asked = {}, []

    def stuck(cells, sampler):
        seen["sampler"], seen["frame"] = sampler, cells.frame.copy()
        rng, shape = np.random.default_rng(0), (2, 300, len(cells.frame))
        apart = np.array([0.0, 2.0])[:, None, None]
        draws = {"threshold": rng.normal(1, 0.1, shape) + apart, "logit_phi": rng.normal(-1, 0.1, shape)}
        return Fit(draws | {"delta": np.exp(rng.normal(0.4, 0.05, shape))}, 1, 0.0)

    class Counting(DuckDBReducer):
        def reduce(self, table, spec):
            asked.append(table)
            return super().reduce(table, spec)

    monkeypatch.setattr(module, "fit", stuck)
    write_months(tmp_path / "stops.csv")
    with load_stops(tmp_path / "stops.csv") as data:
        r = threshold_test(data, groups="black,white", min_searches=5, reducer=Counting(data.con))
    assert asked  # the reducer given does the scan
    assert seen["sampler"] == Sampler()  # the sampler's own defaults, seed 0 included
    # the cells: May's black and white counts in D0-D3 (June's sparse month and D4 dropped, no hispanic)
    want = pd.DataFrame([{"group": g, "geo": f"D{d}", "n": MAY[f"D{d}", g][0], "searches": MAY[f"D{d}", g][1],
                          "hits": MAY[f"D{d}", g][2]} for g in ["black", "white"] for d in range(4)])  # fmt: skip
    pd.testing.assert_frame_equal(seen["frame"][want.columns].astype(want.dtypes), want)

    # first the fit's two problems, then what the filters did: 600 + 2 + 5 of 1,007 searches dropped, reversed
    assert r.warnings[0].startswith("Not converged (R-hat ")
    assert r.warnings[0].endswith("; 1 divergent transitions): no thresholds are reported.")
    assert r.warnings[1].startswith(
        "OPP's eligibility filters dropped 60% of the searches (607 of 1,007); 4 of 5 districts kept."
    )
    assert r.warnings[2].startswith(
        "The filters reverse the comparison: in the filtered data searches of black find contraband less often "
        "than searches of white (20.0% of 240 vs 40.0% of 160); pooled over all the data, more often "
        "(63.1% of 845 vs 39.5% of 162)."
    )
    assert r.caveats[0].startswith("Not a finding: the sampler did not converge (R-hat ")
    assert "; 1 divergent transitions). No thresholds" in r.caveats[0]
    assert any("where each of ['black', 'white'] has at least 5 searches, and at least 3 such districts" in c
               for c in r.caveats)  # fmt: skip
    assert r.caveats[-1].startswith("Discretionary searches only")
    assert r.analysis == "threshold-test"


def test_the_columns_it_needs_are_named_with_the_test(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text("subject_race,district,search_conducted\nblack,D1,true\n")
    with (
        load_stops(path) as data,
        pytest.raises(InputError, match=r": threshold-test needs .*contraband_found"),
    ):
        threshold_test(data)
