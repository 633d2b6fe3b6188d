"""Binomial GLM on grouped counts: the same estimates and SEs as a row-level logistic fit, from
a small table; and the checks that say whether a fit can be reported at all (``check_fit``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from .stats import z

# A group's fitted probability this close to 0 or 1 means the fit has separated: some combination of terms
# predicts the outcome perfectly and its coefficients run off towards infinity. No share in real stop data is
# that extreme. (R's glm.fit warns at 10 x machine epsilon, a level its logit link reaches because it clamps
# the linear predictor at +-30; statsmodels' IRLS stops a separated fit near probabilities of 1e-14, which that
# rule would miss, hence the looser threshold.)
SEPARATION_EPS = 1e-8


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
        # separation is reported by check_fit, in the result, not as a warning on the console
        warnings.simplefilter("ignore", category=PerfectSeparationWarning)
        res = sm.GLM(endog, X, family=sm.families.Binomial()).fit(tol=1e-12, maxiter=200)
    q = z(alpha)
    out = {}
    for i, n in enumerate(names):
        b, s = float(res.params[i]), float(res.bse[i])
        out[n] = Coef(b, s, float(res.tvalues[i]), float(res.pvalues[i]), (b - q * s, b + q * s))
    return out, res


@dataclass(frozen=True)
class FitCheck:
    """Whether IRLS converged and whether fitted probabilities reached 0 or 1 (separation)."""

    converged: bool
    iterations: int
    separation: bool
    min_fitted: float
    max_fitted: float

    @property
    def ok(self) -> bool:
        return self.converged and not self.separation

    def problems(self) -> list[str]:
        out = []
        if not self.converged:
            out.append(f"the fit did not converge (stopped after {self.iterations} iterations)")
        if self.separation:
            out.append(
                "fitted probabilities reached 0 or 1 (separation: some combination of terms predicts the outcome "
                f"perfectly; lowest fitted probability {self.min_fitted:.3g}, highest {self.max_fitted:.3g})"
            )
        return out

    def to_dict(self) -> dict:
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "separation": self.separation,
            "fitted_probability_range": [self.min_fitted, self.max_fitted],
            "separation_threshold": SEPARATION_EPS,
        }


def check_fit(
    res: sm.genmod.generalized_linear_model.GLMResultsWrapper, eps: float = SEPARATION_EPS
) -> FitCheck:
    with warnings.catch_warnings():
        # exp overflows on a separated fit's linear predictor
        warnings.simplefilter("ignore", category=RuntimeWarning)
        mu = np.asarray(res.fittedvalues, dtype=float)
    finite = bool(
        np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse)) and np.all(np.isfinite(mu))
    )
    lo = float(np.nanmin(mu)) if mu.size else float("nan")
    hi = float(np.nanmax(mu)) if mu.size else float("nan")
    return FitCheck(
        converged=bool(res.converged) and finite,
        iterations=int(res.fit_history.get("iteration", 0)),
        separation=bool(mu.size) and (lo < eps or hi > 1 - eps),
        min_fitted=lo,
        max_fitted=hi,
    )
