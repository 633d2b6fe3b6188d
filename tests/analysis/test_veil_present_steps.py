"""The veil of darkness's presentation steps, each on its own, on a fit of generated stops: the light and dark
counts (Wilson intervals against statsmodels), what makes a finding, the estimates and exhibits of a sound fit
and of one that is not a finding, and the parameters that let a reader repeat the run."""

import dataclasses
import inspect

import pytest
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses import veil
from continuum.analysis.analyses.common import reducer_for
from continuum.analysis.glm import FitCheck
from continuum.analysis.load import load_stops

from .conftest import LAT, LNG, TZ, make_veil_rows


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    path = tmp_path_factory.mktemp("veil-steps") / "stops.csv"
    make_veil_rows(6000, dark_effect=0.5, seed=5).to_csv(path, index=False)
    with load_stops(path) as data:
        red = reducer_for(data, None)
        defaults = {
            name: param.default
            for name, param in inspect.signature(veil.veil_of_darkness).parameters.items()
            if name not in ("data", "reducer")
        }
        prep = veil.prepare(data, red, **{**defaults, "lat": LAT, "lng": LNG, "tz": TZ, "geography": None})
        reduced = veil.reduce(data, red, prep)
        return prep, reduced, veil.fit(reduced.table, prep.settings)


def _unsound(fitted):
    check = dataclasses.replace(fitted.check, converged=False)
    return dataclasses.replace(fitted, check=check)


def test_light_and_dark_counts_add_up_with_wilson_intervals(steps):
    prep, reduced, _ = steps
    counts = veil.light_dark_counts(reduced.table, prep.settings)
    assert counts["light"]["n"] + counts["dark"]["n"] == int(reduced.table["n"].sum()) == reduced.n_used
    for side in counts.values():
        assert side["black"] + side["white"] == side["n"]
        low, high = proportion_confint(side["black"], side["n"], alpha=0.05, method="wilson")
        assert side["minority_share_ci95"] == pytest.approx([low, high], abs=1e-12)


def test_a_sound_fit_is_a_finding_with_its_odds_ratio_first(steps):
    prep, reduced, fitted = steps
    assert isinstance(fitted.check, FitCheck) and veil.is_finding(fitted)
    estimates = veil.fit_estimates(fitted, len(reduced.table))
    assert estimates["finding"] and estimates["is_dark"]["coef"] == fitted.coefs["is_dark"].coef
    assert set(estimates["terms"]) == set(fitted.coefs) and "terms_not_a_finding" not in estimates["fit"]
    charts, tables = veil.exhibits(
        veil.light_dark_counts(reduced.table, prep.settings), fitted, prep.settings
    )
    assert [c.xlabel for c in charts] == ["odds ratio", "share"] and tables[0].title == "is_dark coefficient"
    assert charts[0].points[0][1] == pytest.approx(estimates["is_dark"]["odds_ratio"])


def test_an_unsound_fit_keeps_its_terms_for_diagnosis_only(steps):
    prep, reduced, fitted = steps
    unsound = _unsound(fitted)
    assert not veil.is_finding(unsound)
    estimates = veil.fit_estimates(unsound, len(reduced.table))
    assert estimates["is_dark"] is None and estimates["terms"] is None
    assert "is_dark" in estimates["fit"]["terms_not_a_finding"]
    charts, tables = veil.exhibits(
        veil.light_dark_counts(reduced.table, prep.settings), unsound, prep.settings
    )
    assert [c.xlabel for c in charts] == ["share"] and tables[0].title == "model fit (not a finding)"
    assert veil.caveats(prep.settings, prep.window, unsound)[0].startswith(
        "Not a finding: the fit did not converge"
    )
    assert not veil.caveats(prep.settings, prep.window, fitted)[0].startswith("Not a finding")


def test_run_params_name_every_setting_and_the_window(steps):
    prep, _, _ = steps
    params = veil.run_params(prep.settings, prep.window)
    assert params["inter_twilight_window_minutes"] == list(prep.window)
    assert (params["lat"], params["lng"], params["tz"]) == (LAT, LNG, TZ)
    assert params["sun_algorithm"] == veil.SUN_ALGORITHM and params["geography"] is None
    assert "No geography term" in " ".join(veil.caveats(prep.settings, prep.window, steps[2]))
