"""Every interval, p-value and multiple-testing adjustment of `stats` and `glm` against an independent
implementation (statsmodels, SciPy's distributions used another way, R's published values), at interior and edge
cases: zero counts, one count, all successes. Agreement to 1e-9 unless the reference is only printed to fewer
digits."""

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson_2indep

from continuum.analysis.glm import fit_grouped_binomial
from continuum.analysis.stats import benjamini_hochberg, poisson_exact, ratio_ci, wilson, z

TIGHT = 1e-9


@pytest.mark.parametrize("alpha", [0.05, 0.10, 0.01])
def test_z_is_the_two_sided_normal_quantile(alpha):
    assert z(alpha) == pytest.approx(-sps.norm.ppf(alpha / 2), abs=TIGHT)
    assert z() == pytest.approx(1.959963984540054, abs=TIGHT)


@pytest.mark.parametrize(
    "k, n", [(0, 10), (1, 10), (10, 10), (1, 1), (37, 120), (2763, 48_210), (5, 7)]
)  # fmt: skip
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_wilson_matches_statsmodels(k, n, alpha):
    lo, hi = wilson(k, n, alpha)
    ref_lo, ref_hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    assert lo == pytest.approx(ref_lo, abs=TIGHT)
    assert hi == pytest.approx(ref_hi, abs=TIGHT)


def test_wilson_defaults_to_95_percent():
    assert wilson(37, 120) == pytest.approx(
        proportion_confint(37, 120, alpha=0.05, method="wilson"), abs=TIGHT
    )


def test_wilson_without_observations_is_undefined():
    assert all(math.isnan(v) for v in wilson(0, 0))


@pytest.mark.parametrize("k", [0, 1, 2, 10, 57, 1_000])
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_poisson_exact_is_the_gamma_quantile_interval(k, alpha):
    """Garwood's interval written with the gamma distribution instead of chi-square."""
    lo, hi = poisson_exact(k, alpha)
    assert lo == pytest.approx(0.0 if k == 0 else sps.gamma.ppf(alpha / 2, k), abs=TIGHT, rel=TIGHT)
    assert hi == pytest.approx(sps.gamma.ppf(1 - alpha / 2, k + 1), abs=TIGHT, rel=TIGHT)


@pytest.mark.parametrize(
    "k, ref",
    [(0, (0.0, 3.688879)), (1, (0.02531781, 5.571643)), (10, (4.795389, 18.390356))],
)  # R: poisson.test(k)$conf.int, as R prints it
def test_poisson_exact_matches_r(k, ref):
    lo, hi = poisson_exact(k)
    assert lo == pytest.approx(ref[0], abs=5e-7)
    assert hi == pytest.approx(ref[1], abs=5e-6)


@pytest.mark.parametrize(
    "k1, n1, k0, n0", [(30, 100, 20, 100), (1, 50, 1, 60), (50, 50, 10, 40), (412, 9_000, 1_205, 60_000)]
)  # fmt: skip
def test_risk_ratio_interval_matches_statsmodels_table2x2(k1, n1, k0, n0):
    rr, lo, hi = ratio_ci(k1, n1, k0, n0, binomial=True)
    table = Table2x2(np.array([[k1, n1 - k1], [k0, n0 - k0]], dtype=float), shift_zeros=False)
    ref_lo, ref_hi = table.riskratio_confint()
    assert rr == pytest.approx(table.riskratio, rel=TIGHT)
    assert lo == pytest.approx(ref_lo, rel=TIGHT)
    assert hi == pytest.approx(ref_hi, rel=TIGHT)


@pytest.mark.parametrize(
    "k1, n1, k0, n0", [(30, 1e5, 20, 2e5), (1, 900, 1, 1_000), (250, 81_000, 410, 400_000)]
)  # fmt: skip
def test_rate_ratio_interval_matches_statsmodels_wald_log(k1, n1, k0, n0):
    rr, lo, hi = ratio_ci(k1, n1, k0, n0, binomial=False)
    ref_lo, ref_hi = confint_poisson_2indep(k1, n1, k0, n0, method="wald-log", compare="ratio")
    assert rr == pytest.approx((k1 / n1) / (k0 / n0), rel=TIGHT)
    assert lo == pytest.approx(ref_lo, rel=TIGHT)
    assert hi == pytest.approx(ref_hi, rel=TIGHT)


@pytest.mark.parametrize("args", [(0, 10, 5, 10), (5, 10, 0, 10), (5, 0, 5, 10), (5, 10, 5, 0)])
@pytest.mark.parametrize("binomial", [True, False])
def test_ratio_without_a_count_or_a_denominator_is_undefined(args, binomial):
    assert all(math.isnan(v) for v in ratio_ci(*args, binomial=binomial))


def test_ratio_of_single_counts_is_defined():
    """One event in each group is the smallest case with a log-normal interval."""
    rr, lo, hi = ratio_ci(1, 10, 1, 20, binomial=True)
    assert rr == pytest.approx(2.0) and 0 < lo < rr < hi
    # A denominator of one (one person, one year) is a denominator.
    rr, lo, hi = ratio_ci(3, 1, 2, 1, binomial=False)
    assert (lo, hi) == pytest.approx(confint_poisson_2indep(3, 1, 2, 1, method="wald-log", compare="ratio"))


@pytest.mark.parametrize(
    "p",
    [
        [0.01, 0.04, 0.03, 0.20, 0.50],
        [0.001, 0.001, 0.5, 0.049, 0.9, 0.02, 0.02],
        [0.3],
        [1.0, 1.0],
        list(np.linspace(0.0005, 0.2, 25)),
    ],
)
def test_benjamini_hochberg_matches_statsmodels(p):
    ref = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(benjamini_hochberg(np.array(p)), ref, rtol=0, atol=TIGHT)


def test_benjamini_hochberg_of_nothing_is_nothing():
    assert benjamini_hochberg(np.array([])).size == 0


def _rows(X, successes, trials):
    """Expand grouped counts into one row per observation, for a row-level logistic fit."""
    rows, ys = [], []
    for x, k, n in zip(X, successes, trials, strict=True):
        rows += [x] * int(n)
        ys += [1] * int(k) + [0] * int(n - k)
    return np.array(rows, dtype=float), np.array(ys, dtype=float)


def test_grouped_binomial_matches_row_level_logit_and_its_intervals():
    """Estimates, SEs, z, p-values and 95% intervals (log-odds and odds ratio) from the grouped fit are those of
    statsmodels' own row-level `Logit` on the same observations."""
    import statsmodels.api as sm

    X = np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=float)
    successes = np.array([12, 30, 7, 41])
    trials = np.array([80, 95, 60, 88])
    coefs, _ = fit_grouped_binomial(X, successes, trials, ["const", "a", "b"])
    rx, ry = _rows(X, successes, trials)
    ref = sm.Logit(ry, rx).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    ci = ref.conf_int(alpha=0.05)
    for i, name in enumerate(["const", "a", "b"]):
        c = coefs[name]
        assert c.coef == pytest.approx(ref.params[i], abs=1e-11)
        assert c.se == pytest.approx(ref.bse[i], abs=1e-8)  # IRLS weights from its last step
        assert c.z == pytest.approx(ref.tvalues[i], abs=1e-7)
        assert c.p_value == pytest.approx(ref.pvalues[i], abs=1e-9)
        assert c.ci95[0] == pytest.approx(ci[i][0], abs=1e-8)
        assert c.ci95[1] == pytest.approx(ci[i][1], abs=1e-8)
        d = c.to_dict()
        assert set(d) == {"coef", "se", "z", "p_value", "ci95", "odds_ratio", "odds_ratio_ci95"}
        assert (d["coef"], d["se"], d["z"], d["p_value"], d["ci95"]) == (
            c.coef,
            c.se,
            c.z,
            c.p_value,
            list(c.ci95),
        )
        assert set(c.to_dict(odds=False)) == {"coef", "se", "z", "p_value", "ci95"}
        assert d["odds_ratio"] == pytest.approx(math.exp(ref.params[i]), rel=1e-8)
        assert d["odds_ratio_ci95"][0] == pytest.approx(math.exp(ci[i][0]), rel=1e-8)
        assert d["odds_ratio_ci95"][1] == pytest.approx(math.exp(ci[i][1]), rel=1e-8)
        assert c.p_value == pytest.approx(2 * sps.norm.sf(abs(c.z)), abs=TIGHT)


def test_grouped_binomial_interval_at_another_level():
    import statsmodels.api as sm

    X = np.array([[1, 0], [1, 1]], dtype=float)
    successes, trials = np.array([5, 9]), np.array([40, 41])
    coefs, _ = fit_grouped_binomial(X, successes, trials, ["const", "x"], alpha=0.10)
    rx, ry = _rows(X, successes, trials)
    ref = sm.Logit(ry, rx).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    lo, hi = ref.conf_int(alpha=0.10)[1]
    assert coefs["x"].ci95 == pytest.approx((lo, hi), abs=1e-8)
    # The two-by-two odds ratio is exact for a saturated model.
    odds = (9 / 32) / (5 / 35)
    assert coefs["x"].to_dict()["odds_ratio"] == pytest.approx(odds, rel=1e-9)
