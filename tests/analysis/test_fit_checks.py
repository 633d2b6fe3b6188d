"""glm.check_fit, case by case on fits described here (a fitted GLM's attributes): converged only when every
estimate is finite, separation when a fitted probability comes within eps of 0 or of 1 (not at eps itself),
the iteration count, and a fit with no rows."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from continuum.analysis.glm import SEPARATION_EPS, check_fit

EPS = SEPARATION_EPS


def fit(mu, *, params=(0.1, -0.2), bse=(0.05, 0.07), converged=True, history=None):
    history = {"iteration": 7} if history is None else history
    return SimpleNamespace(fittedvalues=np.array(mu, dtype=float), params=np.array(params), bse=np.array(bse),
                           converged=converged, fit_history=history)  # fmt: skip


@pytest.mark.parametrize(
    "mu, separated",
    [
        ([0.2, 0.5, 0.9], False),
        ([EPS, 0.5], False),  # at the threshold itself: not separated
        ([0.5, 1 - EPS], False),
        ([EPS / 10, 0.5], True),  # only the low side
        ([0.5, 1 - EPS / 10], True),  # only the high side
        ([EPS / 10, 1 - EPS / 10], True),
    ],
)
def test_separation_is_a_fitted_probability_within_eps_of_0_or_1(mu, separated):
    checked = check_fit(fit(mu))
    assert checked.separation is separated
    assert (checked.min_fitted, checked.max_fitted) == (min(mu), max(mu))


@pytest.mark.parametrize("broken", ["params", "bse", "mu"])
def test_any_estimate_that_is_not_finite_means_not_converged(broken):
    values = {"params": (0.1, -0.2), "bse": (0.05, 0.07), "mu": [0.2, 0.5]}
    values[broken] = (*values[broken][:1], math.inf)
    checked = check_fit(fit(values["mu"], params=values["params"], bse=values["bse"]))
    assert checked.converged is False
    assert check_fit(fit([0.2, 0.5])).converged is True
    assert check_fit(fit([0.2, 0.5], converged=False)).converged is False


def test_iterations_come_from_the_fit_history_and_default_to_zero():
    assert check_fit(fit([0.3])).iterations == 7
    assert check_fit(fit([0.3], history={})).iterations == 0


def test_a_fit_without_rows_has_no_range_and_no_separation():
    checked = check_fit(fit([]))
    assert checked.separation is False and math.isnan(checked.min_fitted) and math.isnan(checked.max_fitted)
    assert checked.to_dict()["separation_threshold"] == EPS


def test_the_check_reports_every_figure_under_its_name():
    """The veil result's "fit" entry is this dict: each figure under the name a reader of the JSON looks for."""
    checked = check_fit(fit([0.25, EPS / 10, 0.75], converged=False))
    assert checked.to_dict() == {
        "converged": False,
        "iterations": 7,
        "separation": True,
        "fitted_probability_range": [EPS / 10, 0.75],
        "separation_threshold": EPS,
    }
    assert checked.problems() == [
        "the fit did not converge (stopped after 7 iterations)",
        "fitted probabilities reached 0 or 1 (separation: some combination of terms predicts the outcome "
        f"perfectly; lowest fitted probability {EPS / 10:.3g}, highest 0.75)",
    ]


def test_a_spline_of_one_degree_of_freedom_is_a_straight_line_through_zero_at_the_lower_boundary():
    """ns(x, df = 1) has no interior knot: the natural cubic spline on two boundary knots is linear."""
    from continuum.analysis.spline import NaturalSpline

    minutes = np.arange(1000.0, 1010.0)
    basis = NaturalSpline(minutes, df=1)(minutes)
    assert basis.shape == (10, 1) and basis[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert np.diff(basis[:, 0], 2) == pytest.approx(np.zeros(8), abs=1e-12)
