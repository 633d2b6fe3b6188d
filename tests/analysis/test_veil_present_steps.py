"""The veil of darkness's presentation steps, each on its own, on a fit of generated stops: the light and dark
counts (Wilson intervals against statsmodels), what makes a finding, the estimates and exhibits of a sound fit
and of one that is not a finding, and the parameters that let a reader repeat the run."""

import dataclasses
import inspect

import numpy as np
import pytest
from scipy.stats import norm
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


def test_a_sound_fits_estimates_and_exhibits_carry_its_numbers(steps):
    prep, reduced, fitted = steps
    s, dark = prep.settings, fitted.coefs["is_dark"]
    est = veil.fit_estimates(fitted, len(reduced.table))
    assert est == {
        "is_dark": dark.to_dict(),
        "terms": {name: {"coef": c.coef, "se": c.se} for name, c in fitted.coefs.items()},
        "n_groups": len(reduced.table),
        "finding": True,
        "converged": True,
        "fit": {**fitted.check.to_dict(), "aliased_terms_dropped": fitted.dropped},
    }
    z = norm.ppf(0.975)  # the interval and odds ratio recomputed from the coefficient and its standard error
    low, high = dark.coef - z * dark.se, dark.coef + z * dark.se
    counts = veil.light_dark_counts(reduced.table, s)
    (odds, share), (table,) = veil.exhibits(counts, fitted, s)
    assert (
        odds.title == "odds ratio of a minority stop when dark (adjusted for clock time)"
        and odds.reference == 1.0
    )
    assert odds.points == [("is_dark", pytest.approx(np.exp(dark.coef)), pytest.approx(np.exp(low)),
                            pytest.approx(np.exp(high)))]  # fmt: skip
    assert share.title == "black share of black+white stops in the inter-twilight window"
    assert share.points == [(k, v["minority_share"], *v["minority_share_ci95"]) for k, v in counts.items()]
    assert [p[0] for p in share.points] == ["light", "dark"]
    assert table.columns == ["term", "coef", "se", "low", "high", "odds ratio"]
    assert table.rows == [["is_dark", dark.coef, dark.se, pytest.approx(low), pytest.approx(high),
                           pytest.approx(np.exp(dark.coef))]]  # fmt: skip


def test_the_diagnostics_of_a_fit_that_is_not_a_finding(steps):
    prep, reduced, fitted = steps
    unsound = _unsound(fitted)
    _, (table,) = veil.exhibits(veil.light_dark_counts(reduced.table, prep.settings), unsound, prep.settings)
    c = unsound.check
    assert table.columns == ["converged", "iterations", "separation", "lowest fitted probability", "highest"]
    assert table.rows == [[False, c.iterations, c.separation, c.min_fitted, c.max_fitted]]
    est = veil.fit_estimates(unsound, 7)
    assert est["converged"] is False and est["finding"] is False and est["n_groups"] == 7
    assert est["fit"]["terms_not_a_finding"] == {
        n: {"coef": v.coef, "se": v.se} for n, v in fitted.coefs.items()
    }
    aliased = dataclasses.replace(fitted, coefs={k: v for k, v in fitted.coefs.items() if k != "is_dark"})
    assert not veil.is_finding(aliased)
    assert "is_aliased" not in veil.caveats(prep.settings, prep.window, aliased)[0]
    assert veil.caveats(prep.settings, prep.window, aliased)[0].startswith(
        "Not a finding: is_dark is aliased with other terms."
    )


def test_run_params_are_the_settings_the_window_and_the_sun_algorithm(steps):
    prep, _, _ = steps
    s = prep.settings
    assert veil.run_params(s, prep.window) == {
        **{f.name: getattr(s, f.name) for f in dataclasses.fields(s)},
        "inter_twilight_window_minutes": list(prep.window),
        "sun_algorithm": veil.SUN_ALGORITHM,
    }


def test_caveats_follow_the_settings(steps):
    prep, _, fitted = steps
    s = dataclasses.replace(prep.settings, dst=True, dst_days=21, whole_minutes=False, knots="distinct",
                            geography="district", geography_rule="given", interact_time_geography=True,
                            round_minutes=10, spline_df=4, lat=40.5, lng=-70.25)  # fmt: skip
    lo, hi = 17 * 60 + 29.6, 20 * 60 + 4.2
    text = veil.caveats(s, (lo, hi), dataclasses.replace(fitted, dropped=["geo[x]", "geo[y]"]))
    assert text[0] == "Minority = black, majority = white; other groups and missing race are excluded."
    assert text[1].startswith("Sunset and dusk (end of civil twilight) at (40.5, -70.25) in America/New_York")
    assert "The inter-twilight window is 17:30-20:04 local time (earliest dusk to latest dusk" in text[1]
    assert text[2].startswith("Times to the second:")
    assert text[2].endswith("rounded to 10 minutes (half to even) for the natural spline (df=4, knots at "
                            "quantiles of the distinct rounded minutes).")  # fmt: skip
    assert text[3] == "Geography: district (given), interacted with the time spline."
    assert "within 21 days of a daylight-saving change" in text[-2]
    assert text[-1] == "Terms aliased with others and left out (as R reports NA): geo[x], geo[y]."
    plain_settings = dataclasses.replace(
        s, interact_time_geography=False, whole_minutes=True, knots="rows", dst=False
    )
    plain = veil.caveats(plain_settings, (lo, hi), fitted)
    assert plain[2].startswith("Whole minutes, as OPP:") and "quantiles of the grouped rows" in plain[2]
    assert plain[3] == "Geography: district (given)." and not any("DST" in c for c in plain)
    assert veil._hhmm(59.5) == "01:00" and veil._hhmm(61.4) == "01:01" and veil._hhmm(0) == "00:00"


def test_the_minority_share_of_each_side_and_an_empty_side(steps):
    prep, reduced, _ = steps
    t = reduced.table
    s = dataclasses.replace(prep.settings, alpha=0.1)
    counts = veil.light_dark_counts(t, s)
    for label, flag in (("light", 0), ("dark", 1)):
        side = t[t["is_dark"] == flag]
        m, n = side["minority"].sum(), side["n"].sum()
        assert counts[label]["minority_share"] == pytest.approx(m / n, abs=1e-15)
        low, high = proportion_confint(m, n, alpha=0.1, method="wilson")
        assert counts[label]["minority_share_ci95"] == pytest.approx([low, high], abs=1e-12)
    # only light stops: the dark side has no stops and no share
    light_only = veil.light_dark_counts(t[t["is_dark"] == 0], prep.settings)
    assert light_only["dark"]["n"] == 0 and light_only["dark"]["minority_share"] is None


def test_a_fit_with_two_problems_names_both(steps):
    prep, _, fitted = steps
    both = dataclasses.replace(
        fitted, check=dataclasses.replace(fitted.check, converged=False, separation=True)
    )
    problems = both.check.problems()
    assert len(problems) == 2
    first = veil.caveats(prep.settings, prep.window, both)[0]
    assert first.startswith(f"Not a finding: {problems[0]}; {problems[1]}. The darkness coefficient")
