"""Threshold test (Simoiu, Corbett-Davies & Goel 2017) as the Stanford Open Policing Project fits it: Pierson,
Corbett-Davies & Goel's (2018) hierarchical model, ``stan/threshold_test_hierarchical_identified.stan``, on the
signal scale, with its priors and shrinkage, and ``lib/threshold_test.R``'s averaging over districts.

Steps, each small and tested on its own: prepare (OPP's eligibility), reduce (stops, searches and hits per group
and district), fit (NUTS in NumPyro on those counts; the rows never reach the sampler), diagnose (R-hat, ESS,
divergences: a fit that misses them is not a result), summarize (thresholds by group) and present. The methods
page is docs/methods/threshold.md."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer
from ..results import Chart, Result, Table
from .common import as_list, finish
from .eligibility import (
    COVERAGE,
    DEFAULT_GROUPS,
    MIN_GEOGRAPHIES,
    MIN_MONTH_STOPS,
    MIN_SEARCHES,
    STEP_COLUMNS,
    Eligibility,
    decisions_table_rows,
    eligible_searches,
    headline_warnings,
    rule_text,
)
from .outcome import basis_caveat

# The bar a fit must clear before its thresholds are a finding (Vehtari et al. 2021's recommendations).
MAX_R_HAT = 1.01
MIN_ESS = 400


@dataclass(frozen=True)
class Sampler:
    """NUTS settings. OPP runs 5 chains of 5,000 iterations (2,500 warm-up), adapt_delta 0.95, tree depth 12;
    NumPyro's NUTS on the same model reaches OPP's effective sample sizes with fewer draws (see benchmarks)."""

    chains: int = 4
    warmup: int = 1000
    draws: int = 1000
    seed: int = 0
    target_accept: float = 0.95
    max_tree_depth: int = 12
    # starting points uniform in (-r, r) on the unconstrained scale; Stan's 2 can start a chain where thresholds are
    # so extreme that the rates saturate and it never leaves (seen on simulated data): R-hat catches it, 0.5 avoids it
    init_radius: float = 0.5


@dataclass(frozen=True)
class Cells:
    """OPP's ``summarize_for_stan`` + ``format_data_summary_for_stan``: one row per group x district, with
    the integer codes the model indexes by (sorted levels, as R's ``factor``)."""

    frame: pd.DataFrame  # group, geo, n, searches, hits
    groups: list[str]
    geos: list[str]
    group_idx: np.ndarray
    geo_idx: np.ndarray


@dataclass(frozen=True)
class Convergence:
    """Split R-hat and ESS over the reported quantities (the gate), the same over every parameter, divergences."""

    max_r_hat: float
    min_ess: float
    divergences: int
    worst: str  # the quantity with the lowest ESS
    min_ess_parameters: float = float("nan")  # over every sampled parameter, as OPP's summary reports n_eff
    max_r_hat_parameters: float = float("nan")

    @property
    def converged(self) -> bool:
        return self.max_r_hat <= MAX_R_HAT and self.min_ess >= MIN_ESS and self.divergences == 0

    def problems(self) -> list[str]:
        out = []
        if not self.max_r_hat <= MAX_R_HAT:
            out.append(f"R-hat {self.max_r_hat:.3f} > {MAX_R_HAT}")
        if not self.min_ess >= MIN_ESS:
            out.append(f"effective samples {self.min_ess:.0f} < {MIN_ESS} (for {self.worst})")
        if self.divergences:
            out.append(f"{self.divergences} divergent transitions")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "converged": self.converged,
            "max_r_hat": self.max_r_hat,
            "min_ess": self.min_ess,
            "lowest_ess_quantity": self.worst,
            "divergences": self.divergences,
            "min_ess_all_parameters": self.min_ess_parameters,
            "max_r_hat_all_parameters": self.max_r_hat_parameters,
            "criteria": {"max_r_hat": MAX_R_HAT, "min_ess": MIN_ESS, "divergences": 0},
        }


@dataclass(frozen=True)
class Fit:
    """Posterior draws by chain (chains x draws x ...), divergences and the sampling time."""

    draws: dict[str, np.ndarray]
    divergences: int
    seconds: float


# --- prepare and reduce -----------------------------------------------------------------------------------


def prepare(data: StopData, **eligibility: Any) -> tuple[Eligibility, str | None, str]:
    """OPP's eligibility (``load_disparity_for``): the outcome test's stops and searches."""
    return eligible_searches(data, "threshold-test", **eligibility)


def stan_cells(t: pd.DataFrame) -> pd.DataFrame:
    """OPP's ``summarize_for_stan``: stops, searches and hits per group and geography."""
    searched = t["searched"].astype(bool)
    cells = t.assign(
        searches=t["n"].where(searched, 0),
        hits=t["n"].where(searched & t["found"].fillna(False).astype(bool), 0),
    )
    out = cells.groupby(["group", "geo"], as_index=False)[["n", "searches", "hits"]].sum()
    return out.astype({"geo": str, "group": str})


def reduce_cells(t: pd.DataFrame) -> Cells:
    """The counts and codes the model reads; refuses data that cannot identify it."""
    frame = stan_cells(t).sort_values(["group", "geo"]).reset_index(drop=True)
    if frame["geo"].nunique() < 2:
        # per group and district there are three unknowns (threshold and the two risk parameters) but two
        # observed rates; only sharing across districts identifies the model (Simoiu et al. 2017)
        raise InputError(
            f"threshold-test needs at least 2 geographies; found {sorted(frame['geo'].unique())}: "
            "lower --param min_searches=N or set --param geography=..."
        )
    if frame["searches"].sum() == 0 or frame["hits"].sum() == 0:
        raise InputError("threshold-test needs searches with contraband found; the data have none")
    groups, geos = sorted(frame["group"].unique()), sorted(frame["geo"].unique())
    return Cells(
        frame,
        groups,
        geos,
        frame["group"].map({g: i for i, g in enumerate(groups)}).to_numpy(),
        frame["geo"].map({g: i for i, g in enumerate(geos)}).to_numpy(),
    )


# --- the model --------------------------------------------------------------------------------------------


def opp_model(group_idx, geo_idx, stops, searches, hits, n_groups: int, n_geos: int, scale: float = 1.0):  # type: ignore[no-untyped-def]
    """OPP's Stan model with one geography (a state or a city): each stop's signal is N(0, 1) for the innocent
    and N(delta, 1) for the guilty (share phi); a search happens when the signal passes the threshold. The first
    group and district are pinned at 0 and the others shrink strongly towards them (sd 0.1, OPP's choice)."""
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from jax.scipy.special import log_ndtr

    std = dist.Normal(0.0, 1.0)
    sigma_t = numpyro.sample("sigma_threshold_raw", dist.HalfNormal(1.0)) * scale
    t_group = numpyro.sample("threshold_race_raw", std.expand([n_groups])) * scale
    t_raw = numpyro.sample("threshold_raw", std.expand([len(stops)]))
    zero = jnp.zeros(1)

    def effects(name: str):  # type: ignore[no-untyped-def]
        mu = numpyro.sample(f"mu_{name}_raw", std) * scale
        by_group = jnp.concatenate([zero, numpyro.sample(f"{name}_race_raw", std.expand([n_groups - 1]))])
        by_geo = jnp.concatenate([zero, numpyro.sample(f"{name}_subgeography_raw", std.expand([n_geos - 1]))])
        return mu + 0.1 * scale * (by_group[group_idx] + by_geo[geo_idx])

    logit_phi, log_delta = effects("phi"), effects("delta")
    threshold = t_group[group_idx] + t_raw * sigma_t
    delta = jnp.exp(log_delta)
    numpyro.deterministic("threshold", threshold)
    numpyro.deterministic("logit_phi", logit_phi)
    numpyro.deterministic("delta", delta)
    # log P(search, guilty) and log P(search, innocent), kept in logs so small rates keep their precision
    log_guilty = jax_log_sigmoid(logit_phi) + log_ndtr(delta - threshold)
    log_innocent = jax_log_sigmoid(-logit_phi) + log_ndtr(-threshold)
    log_search = jnp.logaddexp(log_guilty, log_innocent)
    numpyro.sample("search_count", dist.Binomial(stops, probs=jnp.exp(log_search)), obs=searches)
    numpyro.sample("hit_count", dist.Binomial(searches, probs=jnp.exp(log_guilty - log_search)), obs=hits)


def jax_log_sigmoid(x):  # type: ignore[no-untyped-def]
    import jax

    return jax.nn.log_sigmoid(x)


def signal_to_percent(threshold, logit_phi, delta):  # type: ignore[no-untyped-def]
    """OPP's ``signal_to_percent``: P(guilty | signal = threshold), the threshold as a probability of finding
    contraband. Bayes' rule on the two normals: logit p = logit phi + delta * t - delta^2 / 2."""
    z = logit_phi + delta * threshold - delta**2 / 2
    return 1 / (1 + np.exp(-z))


# --- fit and diagnose -------------------------------------------------------------------------------------


def fit(cells: Cells, sampler: Sampler = Sampler()) -> Fit:
    """NUTS on the cells' counts; chains vectorized in one compiled program (JAX on the CPU)."""
    import jax
    from numpyro.infer import MCMC, NUTS, init_to_uniform

    jax.config.update("jax_enable_x64", True)
    t0 = time.perf_counter()
    mcmc = MCMC(
        NUTS(
            opp_model,
            target_accept_prob=sampler.target_accept,
            max_tree_depth=sampler.max_tree_depth,
            init_strategy=init_to_uniform(radius=sampler.init_radius),
        ),
        num_warmup=sampler.warmup,
        num_samples=sampler.draws,
        num_chains=sampler.chains,
        chain_method="vectorized",
        progress_bar=False,
    )
    f = cells.frame
    mcmc.run(
        jax.random.PRNGKey(sampler.seed),
        cells.group_idx,
        cells.geo_idx,
        f["n"].to_numpy(float),
        f["searches"].to_numpy(float),
        f["hits"].to_numpy(float),
        len(cells.groups),
        len(cells.geos),
        extra_fields=("diverging",),
    )
    draws = {k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()}
    divergences = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    return Fit(draws, divergences, time.perf_counter() - t0)


def cell_thresholds(f: Fit) -> np.ndarray:
    """Each cell's threshold as a probability, per draw (chains x draws x cells)."""
    d = f.draws
    return signal_to_percent(d["threshold"], d["logit_phi"], d["delta"])


def group_thresholds(cells: Cells, per_cell: np.ndarray) -> np.ndarray:
    """OPP's ``accumulateRowMeans``: a group's threshold is its districts' thresholds weighted by the group's
    own stops in each (chains x draws x groups). With one geography OPP's second, unweighted average over
    geographies is the identity."""
    n = cells.frame["n"].to_numpy(float)
    w = np.zeros((len(cells.frame), len(cells.groups)))
    w[np.arange(len(n)), cells.group_idx] = n
    return per_cell @ (w / w.sum(axis=0))


def reported_quantities(cells: Cells, per_group: np.ndarray, per_cell: np.ndarray, reference: str) -> dict:
    """Every number the result reports, by name, as draws (chains x draws): their convergence is checked."""
    out = {f"threshold[{g}]": per_group[..., i] for i, g in enumerate(cells.groups)}
    if reference in cells.groups:
        ref = per_group[..., cells.groups.index(reference)]
        out |= {
            f"difference[{g}]": per_group[..., i] - ref for i, g in enumerate(cells.groups) if g != reference
        }
    for i, (g, geo) in enumerate(zip(cells.frame["group"], cells.frame["geo"], strict=True)):
        out[f"threshold[{g}, {geo}]"] = per_cell[..., i]
    return out


def diagnose(f: Fit, quantities: dict[str, np.ndarray]) -> Convergence:
    """Split R-hat and ESS of every reported quantity (the gate), and both over every sampled parameter
    (shown, as OPP's summary shows them: a nuisance parameter mixes slower without making a threshold wrong)."""
    from numpyro.diagnostics import effective_sample_size, split_gelman_rubin

    def rhat(x: np.ndarray) -> float:
        # one chain cannot show disagreement between chains: its R-hat is unknown and the fit not converged
        return float(np.nanmax(split_gelman_rubin(x))) if x.shape[0] > 1 else float("inf")

    ess = {k: float(effective_sample_size(v)) for k, v in quantities.items()}
    worst = min(ess, key=ess.__getitem__)
    return Convergence(
        max(rhat(v) for v in quantities.values()),
        ess[worst],
        f.divergences,
        worst,
        min(float(np.nanmin(effective_sample_size(v))) for v in f.draws.values()),
        max(rhat(v) for v in f.draws.values()),
    )


# --- summarize and present --------------------------------------------------------------------------------


def interval(x: np.ndarray) -> dict[str, Any]:
    x = x.reshape(-1)
    return {"mean": float(x.mean()), "ci95": [float(np.quantile(x, 0.025)), float(np.quantile(x, 0.975))]}


def group_counts(cells: Cells) -> dict[str, dict[str, int]]:
    """Stops, searches and hits by group: descriptive, reported whether or not the fit converged."""
    sums = cells.frame.groupby("group")[["n", "searches", "hits"]].sum()
    return {
        g: {"stops": int(r["n"]), "searches": int(r["searches"]), "hits": int(r["hits"])}
        for g, r in sums.iterrows()
    }


def summarize(cells: Cells, per_group: np.ndarray, reference: str) -> dict[str, dict]:
    """Thresholds by group: posterior mean, 95% interval, counts, and the difference to the reference group."""
    out = {}
    counts = group_counts(cells)
    for i, g in enumerate(cells.groups):
        est = interval(per_group[..., i])
        out[g] = {"threshold": est["mean"], "ci95": est["ci95"], **counts[g]}
    if reference in cells.groups:
        ref = per_group[..., cells.groups.index(reference)]
        for i, g in enumerate(cells.groups):
            if g != reference:
                diff = per_group[..., i] - ref
                out[g]["difference_to_reference"] = interval(diff) | {
                    "prob_lower_than_reference": float((diff < 0).mean())
                }
    return out


def summarize_cells(cells: Cells, per_cell: np.ndarray) -> list[dict]:
    """Each group and district's threshold (OPP's ``add_thresholds``, with the interval beside the mean)."""
    out = []
    for i, r in cells.frame.iterrows():
        est = interval(per_cell[..., i])
        out.append(
            {"group": r["group"], "geography": r["geo"], "threshold": est["mean"], "ci95": est["ci95"]}
            | {"stops": int(r["n"]), "searches": int(r["searches"]), "hits": int(r["hits"])}
        )
    return out


def caveats_for(e: Eligibility, conv: Convergence, min_searches: int, min_geographies: int, geo: str) -> list:
    """What the numbers rest on; the convergence caveat comes first when the fit is not a result."""
    out = []
    if not conv.converged:
        out.append(
            f"Not a finding: the sampler did not converge ({'; '.join(conv.problems())}). No thresholds are "
            "reported; raise the number of draws or chains, or relax the eligibility (fewer searches per district)."
        )
    few = int(e.t.loc[e.t["searched"].astype(bool)].groupby(["group", "geo"])["n"].sum().min())
    return [
        *out,
        "Thresholds are probabilities of finding contraband (OPP's signal-scale model, Pierson et al. 2018): "
        "posterior means with 95% credible intervals; a group's threshold averages its districts' thresholds "
        "weighted by the group's stops in each, as OPP does.",
        f"The model shrinks group and district effects on risk strongly (prior sd 0.1 around the first group and "
        f"district); the fewest searches in one group and district is {few}: where searches are few, the prior "
        "and the other districts shape that district's threshold.",
        "Contraband found is taken as the search's success; a proxy (e.g. drugs-related stop) weakens the test.",
        rule_text(e, min_searches, min_geographies, geo),
        basis_caveat(e.discretionary),
    ]


def threshold_tables(cells: Cells, found: dict | None, conv: Convergence, group: str) -> list[Table]:
    """The thresholds (when converged) and the fit's diagnostics, always."""
    diag = Table(
        "convergence (a result needs R-hat <= 1.01, ESS >= 400, no divergences)",
        ["converged", "max R-hat", "min ESS", "lowest-ESS quantity", "divergences"],
        [[conv.converged, conv.max_r_hat, conv.min_ess, conv.worst, conv.divergences]],
    )
    if found is None:
        rows = [[g, c["stops"], c["searches"], c["hits"]] for g, c in group_counts(cells).items()]
        return [
            Table(
                "searches by group (no thresholds: not converged)", [group, "stops", "searches", "hits"], rows
            ),
            diag,
        ]
    columns = ["threshold", "low", "high", "stops", "searches", "hits"]
    rows = [
        [g, e["threshold"], *e["ci95"], *[e[k] for k in columns[3:]]] for g, e in found["thresholds"].items()
    ]
    cell_rows = [[c["group"], c["geography"], c["threshold"], *c["ci95"], *[c[k] for k in columns[3:]]]
                 for c in found["by_geography"]]  # fmt: skip
    return [
        Table("thresholds", [group, *columns], rows),
        Table("thresholds by group and geography", [group, "geography", *columns], cell_rows),
        diag,
    ]


def threshold_test(
    data: StopData,
    *,
    group: str = "subject_race",
    geography: str | None = "district",
    groups: str | list[str] | None = None,
    reference: str = "white",
    discretionary: str = "auto",
    draws: int = Sampler.draws,
    warmup: int = Sampler.warmup,
    chains: int = Sampler.chains,
    seed: int = 0,
    min_searches: int = MIN_SEARCHES,
    min_geographies: int = MIN_GEOGRAPHIES,
    min_month_stops: int = MIN_MONTH_STOPS,
    coverage: float = COVERAGE,
    reducer: Reducer | None = None,
) -> Result:
    """Search thresholds by group on the stops OPP's eligibility keeps: the outcome test's stops and searches
    (OPP runs both tests on one ``load_disparity_for`` table), unless ``discretionary`` says otherwise."""
    e, geography, geo_label = prepare(
        data, group=group, geography=geography, groups=groups, discretionary=discretionary,
        min_searches=min_searches, min_geographies=min_geographies, min_month_stops=min_month_stops,
        coverage=coverage, reducer=reducer,
    )  # fmt: skip
    cells = reduce_cells(e.t)
    sampler = Sampler(chains=chains, warmup=warmup, draws=draws, seed=seed)
    f = fit(cells, sampler)
    per_cell = cell_thresholds(f)
    per_group = group_thresholds(cells, per_cell)
    conv = diagnose(f, reported_quantities(cells, per_group, per_cell, reference))
    found = None
    if conv.converged:
        found = {
            "thresholds": summarize(cells, per_group, reference),
            "by_geography": summarize_cells(cells, per_cell),
        }
    params = {
        "group": group,
        "geography": geography,
        "groups": as_list(groups) or list(DEFAULT_GROUPS),
        "discretionary": e.discretionary,
        "min_searches": min_searches,
        "min_geographies": min_geographies,
        "min_month_stops": min_month_stops,
        "coverage": coverage,
        "reference": reference,
        "draws": draws,
        "warmup": warmup,
        "chains": chains,
        "seed": seed,
    }
    return present(data, e, cells, f, conv, found, params, geo_label)


def present(data, e, cells, f, conv, found, params, geo_label) -> Result:  # type: ignore[no-untyped-def]
    """The result: thresholds only when the fit converged; diagnostics always; the warning first when not."""
    group = params["group"]
    warnings = headline_warnings(e, params["reference"], geo_label)
    if not conv.converged:
        warnings.insert(0, f"Not converged ({'; '.join(conv.problems())}): no thresholds are reported.")
    estimates = {
        "finding": conv.converged,
        "converged": conv.converged,
        "thresholds": found and found["thresholds"],
        "by_geography": found and found["by_geography"],
        "counts_by_group": group_counts(cells),
        "diagnostics": conv.to_dict()
        | {"chains": params["chains"], "draws": params["draws"], "warmup": params["warmup"]}
        | {"sampling_seconds": f.seconds, "model": "OPP threshold_test_hierarchical_identified.stan"},
    }
    charts = (
        [
            Chart(
                f"search threshold by {group}",
                "probability of contraband needed to search",
                [(g, v["threshold"], *v["ci95"]) for g, v in found["thresholds"].items()],
            )
        ]
        if found
        else []
    )
    tables = threshold_tables(cells, found, conv, group)
    tables.append(Table("eligibility: what each OPP filter dropped", STEP_COLUMNS, decisions_table_rows(e)))
    return finish(
        data,
        "threshold-test",
        estimates,
        int(cells.frame["n"].sum()),
        e.excluded(),
        params,
        warnings=warnings,
        caveats=caveats_for(e, conv, params["min_searches"], params["min_geographies"], geo_label),
        charts=charts,
        tables=tables,
        counts={
            "cells": len(cells.frame),
            "geographies": len(cells.geos),
            "eligibility_steps": [d.__dict__ for d in e.decisions],
        },
    )
