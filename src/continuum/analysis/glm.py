"""Binomial GLM on grouped counts: the same estimates and SEs as a row-level logistic fit, from
a small table.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from .stats import z


@dataclass(frozen=True)
class Coef:
    coef: float
    se: float
    z: float
    p_value: float
    ci95: tuple[float, float]

    def to_dict(self, odds: bool = True) -> dict:
        d = {"coef": self.coef, "se": self.se, "z": self.z, "p_value": self.p_value, "ci95": list(self.ci95)}
        if odds:
            d["odds_ratio"] = math.exp(self.coef)
            d["odds_ratio_ci95"] = [math.exp(self.ci95[0]), math.exp(self.ci95[1])]
        return d


def fit_grouped_binomial(
    X: np.ndarray, successes: np.ndarray, trials: np.ndarray, names: list[str], alpha: float = 0.05
) -> tuple[dict[str, Coef], sm.genmod.generalized_linear_model.GLMResultsWrapper]:
    """GLM Binomial with endog [successes, failures] (logit link, scale fixed at 1)."""
    endog = np.column_stack([successes, trials - successes]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        res = sm.GLM(endog, X, family=sm.families.Binomial()).fit(tol=1e-12, maxiter=200)
    q = z(alpha)
    out = {}
    for i, n in enumerate(names):
        b, s = float(res.params[i]), float(res.bse[i])
        out[n] = Coef(b, s, float(res.tvalues[i]), float(res.pvalues[i]), (b - q * s, b + q * s))
    return out, res
