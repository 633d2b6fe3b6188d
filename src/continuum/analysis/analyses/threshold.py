"""Threshold test (Simoiu, Corbett-Davies & Goel 2017), in the fast form of Pierson, Corbett-Davies & Goel
(2018): each group x geography has a risk distribution (the two-parameter "discriminant distribution") and a
search threshold; search and hit rates identify both. Lower thresholds for a group mean officers search it on
less evidence. Fitted with NumPyro (NUTS) on the reduced counts; the rows never reach the sampler."""

from __future__ import annotations

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
    decisions_table_rows,
    eligible_searches,
    headline_warnings,
    rule_text,
)
from .outcome import basis_caveat


def stan_cells(t: pd.DataFrame) -> pd.DataFrame:
    """OPP's ``summarize_for_stan``: stops, searches and hits per group and geography."""
    searched = t["searched"].astype(bool)
    cells = t.assign(
        searches=t["n"].where(searched, 0),
        hits=t["n"].where(searched & t["found"].fillna(False).astype(bool), 0),
    )
    out = cells.groupby(["group", "geo"], as_index=False)[["n", "searches", "hits"]].sum()
    return out.astype({"geo": str, "group": str})


def _model(r_idx, d_idx, n, s, h, n_r: int, n_d: int):  # type: ignore[no-untyped-def]
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from jax.scipy.special import ndtr

    t_r = numpyro.sample("t_r", dist.Normal(-1.0, 2.0).expand([n_r]))
    phi_r = numpyro.sample("phi_r", dist.Normal(-1.0, 2.0).expand([n_r]))
    delta_r = numpyro.sample("delta_r", dist.Normal(0.0, 2.0).expand([n_r]))
    sigma_t = numpyro.sample("sigma_t", dist.HalfNormal(0.5))
    sigma_phi = numpyro.sample("sigma_phi", dist.HalfNormal(0.5))
    sigma_delta = numpyro.sample("sigma_delta", dist.HalfNormal(0.5))
    phi_d = numpyro.sample("phi_d_raw", dist.Normal(0.0, 1.0).expand([n_d])) * sigma_phi
    delta_d = numpyro.sample("delta_d_raw", dist.Normal(0.0, 1.0).expand([n_d])) * sigma_delta
    t_raw = numpyro.sample("t_raw", dist.Normal(0.0, 1.0).expand([len(n)]))
    t = t_r[r_idx] + sigma_t * t_raw  # logit threshold per cell
    logit_phi = phi_r[r_idx] + phi_d[d_idx]
    phi = 1 / (1 + jnp.exp(-logit_phi))
    delta = jnp.exp(delta_r[r_idx] + delta_d[d_idx])
    # threshold in signal space: logit p(x) = logit phi + delta * x - delta^2 / 2
    x = (t - logit_phi + delta**2 / 2) / delta
    guilty_searched = phi * ndtr(delta - x)
    search_rate = jnp.clip(guilty_searched + (1 - phi) * ndtr(-x), 1e-12, 1 - 1e-12)
    hit_rate = jnp.clip(guilty_searched / search_rate, 1e-12, 1 - 1e-12)
    numpyro.deterministic("threshold", 1 / (1 + jnp.exp(-t)))
    numpyro.sample("searches", dist.Binomial(n, probs=search_rate), obs=s)
    numpyro.sample("hits", dist.Binomial(s, probs=hit_rate), obs=h)


def threshold_test(
    data: StopData,
    *,
    group: str = "subject_race",
    geography: str | None = "district",
    groups: str | list[str] | None = None,
    reference: str = "white",
    discretionary: str = "auto",
    draws: int = 1000,
    warmup: int = 1000,
    chains: int = 2,
    seed: int = 0,
    min_searches: int = MIN_SEARCHES,
    min_geographies: int = MIN_GEOGRAPHIES,
    min_month_stops: int = MIN_MONTH_STOPS,
    coverage: float = COVERAGE,
    reducer: Reducer | None = None,
) -> Result:
    """Search thresholds by group on the stops OPP's eligibility keeps: the outcome test's stops and searches
    (OPP runs both tests on one ``load_disparity_for`` table), unless ``discretionary`` says otherwise."""
    import jax
    from numpyro.diagnostics import summary
    from numpyro.infer import MCMC, NUTS

    e, geography, geo_label = eligible_searches(
        data, "threshold-test", group=group, geography=geography, groups=groups, discretionary=discretionary,
        min_searches=min_searches, min_geographies=min_geographies, min_month_stops=min_month_stops,
        coverage=coverage, reducer=reducer,
    )  # fmt: skip
    t = stan_cells(e.t)
    excluded = e.excluded()
    if t["geo"].nunique() < 2:
        # per group and geography there are three unknowns (threshold and the two risk parameters) but two
        # observed rates; only sharing across geographies identifies the model (Simoiu et al. 2017)
        raise InputError(
            f"threshold-test needs at least 2 geographies; found {sorted(t['geo'].unique())}: "
            "lower --param min_searches=N or set --param geography=..."
        )
    if t["searches"].sum() == 0 or t["hits"].sum() == 0:
        raise InputError("threshold-test needs searches with contraband found; the data have none")
    races = sorted(t["group"].astype(str).unique())
    geos = sorted(t["geo"].astype(str).unique())
    r_idx = np.array([races.index(str(g)) for g in t["group"]])
    d_idx = np.array([geos.index(str(g)) for g in t["geo"]])

    jax.config.update("jax_enable_x64", True)
    mcmc = MCMC(
        NUTS(_model, target_accept_prob=0.95),
        num_warmup=warmup,
        num_samples=draws,
        num_chains=chains,
        chain_method="vectorized",
        progress_bar=False,
    )
    mcmc.run(
        jax.random.PRNGKey(seed),
        r_idx,
        d_idx,
        t["n"].to_numpy(float),
        t["searches"].to_numpy(float),
        t["hits"].to_numpy(float),
        len(races),
        len(geos),
    )
    samples = mcmc.get_samples(group_by_chain=True)
    diag = summary({k: np.asarray(v) for k, v in samples.items() if k != "threshold"}, group_by_chain=True)
    r_hat = max(float(np.nanmax(v["r_hat"])) for v in diag.values())
    ess = min(float(np.nanmin(v["n_eff"])) for v in diag.values())
    divergences = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())

    th = np.asarray(samples["threshold"]).reshape(-1, len(t))  # draws x cells
    # a group's threshold: its cells' thresholds weighted by each geography's share of all stops
    geo_w = t.groupby("geo")["n"].sum()
    by_group: dict = {}
    draws_by_group = {}
    for i, race in enumerate(races):
        cells = np.where(r_idx == i)[0]
        w = np.array([geo_w[t["geo"].iloc[c]] for c in cells], dtype=float)
        d = th[:, cells] @ (w / w.sum())
        draws_by_group[race] = d
        by_group[race] = {
            "threshold": float(d.mean()),
            "ci95": [float(np.quantile(d, 0.025)), float(np.quantile(d, 0.975))],
            "stops": int(t.loc[r_idx == i, "n"].sum()),
            "searches": int(t.loc[r_idx == i, "searches"].sum()),
            "hits": int(t.loc[r_idx == i, "hits"].sum()),
        }
    if reference in draws_by_group:
        for race, d in draws_by_group.items():
            if race != reference:
                diff = d - draws_by_group[reference]
                by_group[race]["difference_to_reference"] = {
                    "mean": float(diff.mean()),
                    "ci95": [float(np.quantile(diff, 0.025)), float(np.quantile(diff, 0.975))],
                    "prob_lower_than_reference": float((diff < 0).mean()),
                }
    estimates = {
        "thresholds": by_group,
        "diagnostics": {
            "max_r_hat": r_hat,
            "min_ess": ess,
            "divergences": divergences,
            "chains": chains,
            "draws": draws,
            "warmup": warmup,
        },
    }
    caveats = [
        "Thresholds are posterior means with 95% credible intervals, averaged over geographies weighted by "
        "their share of stops.",
        "Contraband found is taken as the search's success; a proxy (e.g. drugs-related stop) "
        "weakens the test.",
        rule_text(e, min_searches, min_geographies, geo_label),
        basis_caveat(e.discretionary),
    ]
    if r_hat > 1.05 or ess < 100 or divergences:
        caveats.append(
            f"Convergence is doubtful (max R-hat {r_hat:.3f}, min ESS {ess:.0f}, "
            f"{divergences} divergences): run more draws before relying on this."
        )
    chart = Chart(
        f"search threshold by {group}",
        "probability of contraband needed to search",
        [(g, e["threshold"], *e["ci95"]) for g, e in by_group.items()],
    )
    table = Table(
        "thresholds",
        [group, "threshold", "low", "high", "stops", "searches", "hits"],
        [[g, e["threshold"], *e["ci95"], e["stops"], e["searches"], e["hits"]] for g, e in by_group.items()],
    )
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
    return finish(
        data,
        "threshold-test",
        estimates,
        int(t["n"].sum()),
        excluded,
        params,
        warnings=headline_warnings(e, reference, geo_label),
        caveats=caveats,
        charts=[chart],
        tables=[
            table,
            Table("eligibility: what each OPP filter dropped", STEP_COLUMNS, decisions_table_rows(e)),
        ],
        counts={
            "cells": len(t),
            "geographies": len(geos),
            "eligibility_steps": [d.__dict__ for d in e.decisions],
        },
    )
