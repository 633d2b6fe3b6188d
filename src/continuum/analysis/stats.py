"""Small, standard interval and multiple-testing formulas used across analyses."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def z(alpha: float = 0.05) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def wilson(k: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good coverage at small n and extreme p)."""
    if n <= 0:
        return (math.nan, math.nan)
    q = z(alpha)
    p = k / n
    denom = 1 + q * q / n
    centre = (p + q * q / (2 * n)) / denom
    half = q * math.sqrt(p * (1 - p) / n + q * q / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def poisson_exact(k: float, alpha: float = 0.05) -> tuple[float, float]:
    """Garwood exact interval for a Poisson count."""
    lo = 0.0 if k == 0 else float(stats.chi2.ppf(alpha / 2, 2 * k) / 2)
    hi = float(stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2)
    return lo, hi


def ratio_ci(
    k1: float, n1: float, k0: float, n0: float, *, binomial: bool, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Ratio of two rates (k1/n1)/(k0/n0) with a log-normal (Katz) interval.

    binomial=True for proportions (risk ratio), False for Poisson counts over populations.
    """
    if min(k1, k0) <= 0 or min(n1, n0) <= 0:
        return (math.nan, math.nan, math.nan)
    rr = (k1 / n1) / (k0 / n0)
    var = 1 / k1 + 1 / k0 - ((1 / n1 + 1 / n0) if binomial else 0.0)
    se = math.sqrt(max(var, 0.0))
    q = z(alpha)
    return rr, rr * math.exp(-q * se), rr * math.exp(q * se)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values (q-values): reject where q <= level controls the FDR at that level."""
    p = np.asarray(p, dtype=float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out
