"""Threshold test (Simoiu, Corbett-Davies & Goel 2017), in the fast form of Pierson, Corbett-Davies & Goel
(2018): each group x geography has a risk distribution (the two-parameter "discriminant distribution") and a
search threshold; search and hit rates identify both. Lower thresholds for a group mean officers search it on
less evidence. Fitted with NumPyro (NUTS) on the reduced counts; the rows never reach the sampler."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..load import StopData
from ..reduce import Reducer, Reduction
from ..results import Chart, Result, Table
from ..sql import ident, in_list
from .common import as_list, finish, reducer_for, require
from .eligibility import DEFAULT_GROUPS, eligible_geographies, rule_text


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
    draws: int = 1000,
    warmup: int = 1000,
    chains: int = 2,
    seed: int = 0,
    min_stops: int = 500,
    min_searches: int = 0,
    max_geographies: int = 100,
    reducer: Reducer | None = None,
) -> Result:
    import jax
    from numpyro.diagnostics import summary
    from numpyro.infer import MCMC, NUTS

    if geography and geography not in data.columns:
        geography = None
    require(data, "threshold-test", group, "search_conducted", "contraband_found")
    wanted = as_list(groups) or list(DEFAULT_GROUPS)
    exclusions = [
        (f"{group} missing or unmapped", f"{ident(group)} IS NULL"),
        (f"{group} not among {wanted}", f"{ident(group)} NOT IN {in_list(wanted)}"),
        ("search_conducted missing", "search_conducted IS NULL"),
        ("searched but contraband_found missing", "search_conducted AND contraband_found IS NULL"),
    ]
    keys = {"group": ident(group)}
    if geography:
        exclusions.append((f"{geography} missing", f"{ident(geography)} IS NULL"))
        keys["geo"] = ident(geography)
    spec = Reduction(
        keys=keys,
        sums={
            "searches": "CAST(search_conducted AS INTEGER)",
            "hits": "CAST(search_conducted AND contraband_found AS INTEGER)",
        },
        exclusions=exclusions,
        columns=(group, "search_conducted", "contraband_found", *([geography] if geography else [])),
    )
    red = reducer_for(data, reducer).reduce(data.table, spec)
    t = red.table.copy()
    if not geography:
        t["geo"] = "all"
    t["geo"], t["group"] = t["geo"].astype(str), t["group"].astype(str)
    excluded = dict(red.excluded)
    compared = [g for g in wanted if g in set(t["group"])]
    counts = t.rename(columns={"n": "stops"})[["geo", "group", "stops", "searches"]]
    eligible = eligible_geographies(counts, compared, min_stops, min_searches, max_geographies)
    outside = ~t["geo"].isin(eligible)
    if outside.any():
        excluded[f"{geography or 'data'} below OPP minimum counts"] = int(t.loc[outside, "n"].sum())
    t = t[~outside].reset_index(drop=True)
    if t.empty:
        raise InputError(
            f"no {geography or 'data'} meets OPP's minimum counts for {compared} (more than {min_stops} stops "
            f"and {min_searches} searches each); lower them with --param min_stops=N"
        )
    if t["geo"].nunique() < 2:
        # per group and geography there are three unknowns (threshold and the two risk parameters) but two
        # observed rates; only sharing across geographies identifies the model (Simoiu et al. 2017)
        raise InputError(
            f"threshold-test needs at least 2 geographies meeting the minimum counts; found "
            f"{sorted(t['geo'].unique())}: lower them with --param min_stops=N or set --param geography=..."
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
        rule_text(compared, min_stops, min_searches, max_geographies),
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
        "groups": wanted,
        "min_stops": min_stops,
        "min_searches": min_searches,
        "max_geographies": max_geographies,
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
        caveats=caveats,
        charts=[chart],
        tables=[table],
        counts={"cells": len(t), "geographies": len(geos)},
    )
