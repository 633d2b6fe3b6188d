"""Counts over time and across people: Poisson trend and rate-ratio tests, and concentration (Lorenz, Gini).

All take small per-period or per-person tables that a reduction produced.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from .stats import z


def poisson_trend(counts: np.ndarray, exposure: np.ndarray, alpha: float = 0.05) -> dict:
    """Log-linear Poisson regression of counts on period index (offset log exposure): the rate ratio per
    period, its interval, a two-sided p and a one-sided p for an increase, and the Pearson dispersion
    (above ~1.5 the Poisson interval is too narrow; a quasi-Poisson interval is given beside it)."""
    counts, exposure = np.asarray(counts, float), np.asarray(exposure, float)
    if len(counts) < 3 or counts.sum() == 0:
        return {
            "periods": len(counts),
            "rate_ratio_per_period": None,
            "note": "fewer than 3 periods or no events",
        }
    X = sm.add_constant(np.arange(len(counts), dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(counts, X, family=sm.families.Poisson(), offset=np.log(exposure)).fit()
    b, se = float(res.params[1]), float(res.bse[1])
    disp = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else math.nan
    q = z(alpha)
    se_q = se * math.sqrt(max(disp, 1.0)) if math.isfinite(disp) else se
    return {
        "periods": len(counts),
        "rate_ratio_per_period": math.exp(b),
        "ci95": [math.exp(b - q * se), math.exp(b + q * se)],
        "quasi_ci95": [math.exp(b - q * se_q), math.exp(b + q * se_q)],
        "z": b / se,
        "p_value": float(2 * stats.norm.sf(abs(b / se))),
        "p_increase": float(stats.norm.sf(b / se)),
        "dispersion": disp,
    }


def rate_ratio_test(k1: float, t1: float, k0: float, t0: float, alpha: float = 0.05) -> dict:
    """Exact conditional test of rate k1/t1 (later) against k0/t0 (earlier): given k1+k0 events, k1 is
    binomial with p = t1/(t1+t0) under equal rates. One-sided p for an increase; Clopper-Pearson limits
    turned into rate-ratio limits."""
    n = int(k1 + k0)
    if n == 0 or t1 <= 0 or t0 <= 0:
        return {"rate_ratio": None, "p_increase": None}
    p0 = t1 / (t1 + t0)
    p_inc = float(stats.binom.sf(int(k1) - 1, n, p0))
    p_two = float(stats.binomtest(int(k1), n, p0).pvalue)
    lo = float(stats.beta.ppf(alpha / 2, k1, n - k1 + 1)) if k1 > 0 else 0.0
    hi = float(stats.beta.ppf(1 - alpha / 2, k1 + 1, n - k1)) if k1 < n else 1.0

    def rr(p: float) -> float:
        return math.inf if p >= 1 else (p / (1 - p)) * (t0 / t1)

    return {
        "later": {"events": int(k1), "exposure": t1, "rate": k1 / t1},
        "earlier": {"events": int(k0), "exposure": t0, "rate": k0 / t0},
        "rate_ratio": (k1 / t1) / (k0 / t0) if k0 > 0 else math.inf,
        "ci95": [rr(lo), rr(hi)],
        "p_increase": p_inc,
        "p_value": p_two,
    }


def month_exposure(months: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Days of each 'YYYY-MM' month inside [first, last]: partial first and last months weigh less."""
    out = []
    for m in months:
        start = pd.Timestamp(m + "-01")
        end = start + pd.offsets.MonthEnd(0)
        out.append(max((min(end, last) - max(start, first)).days + 1, 0))
    return np.asarray(out, float)


def concentration(counts: np.ndarray) -> dict:
    """Gini, top 5% / 10% shares and the Lorenz curve of counts per person (people with zero count are
    invisible in event data: the figures describe those with at least one)."""
    c = np.sort(np.asarray(counts, float))
    n, total = len(c), c.sum()
    if n == 0 or total == 0:
        return {"n": n, "gini": None}
    cum = np.cumsum(c)
    gini = float((n + 1 - 2 * (cum.sum() / total)) / n)
    desc = c[::-1]

    def top(frac: float) -> float:
        k = max(1, math.ceil(frac * n))
        return float(desc[:k].sum() / total)

    pts = [(p / 10, float(cum[max(0, math.ceil(p / 10 * n) - 1)] / total) if p else 0.0) for p in range(11)]
    return {
        "n": n,
        "total": float(total),
        "gini": gini,
        "top_5pct_share": top(0.05),
        "top_10pct_share": top(0.10),
        "lorenz": [{"people_share": a, "events_share": b} for a, b in pts],
    }
