"""Officer internal benchmark: the benchmark equals the propensity-weighted share of other officers' stops,
and planted outlying officers are flagged under FDR control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from continuum.analysis.analyses.officers import officer_benchmark
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

PLANTED = {"O03", "O11", "O17"}


@pytest.fixture(scope="module")
def officer_rows():
    rng = np.random.default_rng(11)
    rows = []
    for o in range(24):
        officer = f"O{o:02d}"
        home = o % 4
        for _ in range(400):
            district = home if rng.random() < 0.8 else rng.integers(0, 4)
            hour = int(rng.integers(0, 24))
            p = 0.15 + 0.08 * district + 0.1 * (hour >= 20) + (0.2 if officer in PLANTED else 0.0)
            race = "black" if rng.random() < p else "white"
            rows.append((officer, f"D{district}", f"{hour:02d}:30", "2021-05-04", race))
    return pd.DataFrame(rows, columns=["officer_id_hash", "district", "time", "date", "subject_race"])


@pytest.fixture(scope="module")
def result(officer_rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("off") / "s.csv"
    officer_rows.to_csv(path, index=False)
    with load_stops(path) as data:
        return officer_benchmark(data, match="district,hour", min_stops=50)


def test_benchmark_equals_propensity_weighted_other_officers(officer_rows, result):
    df = officer_rows.assign(
        hour=officer_rows["time"].str[:2].astype(int),
        y=(officer_rows["subject_race"] == "black").astype(float),
    )
    by = {o["officer_id_hash"]: o for o in result.estimates["officers"]}
    for officer in ("O00", "O03", "O21"):
        is_i = (df["officer_id_hash"] == officer).astype(float)
        # saturated propensity model P(officer | district, hour): the cell share of the officer's stops
        p = is_i.groupby([df["district"], df["hour"]]).transform("mean")
        others = df[is_i == 0]
        w = (p / (1 - p))[is_i == 0]
        expected = float((w * others["y"]).sum() / w.sum())
        mine = df[is_i == 1]
        # cells the officer worked that no other officer did would have weight 1/0; none occur here
        assert (p[is_i == 1] < 1).all()
        assert by[officer]["benchmark"] == pytest.approx(expected, abs=1e-12)
        assert by[officer]["share"] == pytest.approx(mine["y"].mean())


def test_planted_officers_flagged_with_fdr(result):
    flagged = {o["officer_id_hash"] for o in result.estimates["flagged"]}
    assert flagged == PLANTED
    ps = sorted(o["p_value"] for o in result.estimates["officers"])
    q = np.minimum.accumulate((np.array(ps) * len(ps) / np.arange(1, len(ps) + 1))[::-1])[::-1]
    assert sum(q <= 0.05) == len(flagged)
    o = next(o for o in result.estimates["officers"] if o["officer_id_hash"] == "O03")
    assert o["p_value"] == pytest.approx(stats.norm.sf(o["z"]))
    assert o["difference"] > 0.1


def test_needs_officer_ids(ri_data):
    with pytest.raises(InputError, match="officer_id_hash"):
        officer_benchmark(ri_data)


def test_the_result_records_its_figures_parameters_and_exhibits(officer_rows, tmp_path):
    path = tmp_path / "s.csv"  # run here, not in the module's fixture: mutmut maps a test to what it calls
    officer_rows.to_csv(path, index=False)
    with load_stops(path) as data:
        result = officer_benchmark(data, match="district,hour", min_stops=50)
    officers = result.estimates["officers"]
    assert result.analysis == "officer-benchmark"
    assert set(result.estimates) == {"n_officers", "n_flagged", "flagged", "officers"}
    assert result.estimates["n_officers"] == len(officers) == officer_rows["officer_id_hash"].nunique()
    assert result.estimates["n_flagged"] == len(result.estimates["flagged"]) == len(PLANTED)
    assert {o["officer_id_hash"]: o["stops"] for o in officers} == officer_rows[
        "officer_id_hash"
    ].value_counts().to_dict()
    assert result.n_used == len(officer_rows) and result.n_excluded == {}
    params = {k: v for k, v in result.params.items() if not k.startswith("mapping")}
    assert params == {"minority": ["black"], "match": ["district", "hour"], "min_stops": 50, "fdr": 0.05,
                      "alternative": "greater"}  # fmt: skip
    assert result.caveats[0] == "Minority = ['black']; matching cells: ['district', 'hour']."
    assert "FDR at 0.05; alternative: greater." in result.caveats[2]
    chart = result.charts[0]
    assert (
        chart.title.startswith("officer minority share minus benchmark")
        and chart.xlabel == "difference in share"
    )
    assert [p[0] for p in chart.points] == [o["officer_id_hash"][:10] for o in officers[:15]]
    (table,) = result.tables
    assert sorted(row[0] for row in table.rows) == sorted(PLANTED)


def test_defaults_match_on_district_hour_and_weekday_and_a_reducer_can_be_given(officer_rows, tmp_path):
    from continuum.analysis.reduce import DuckDBReducer

    path = tmp_path / "s.csv"
    officer_rows.iloc[:3000].to_csv(path, index=False)
    asked = []

    class Counting(DuckDBReducer):
        def reduce(self, table, spec):
            asked.append(list(spec.keys))
            return super().reduce(table, spec)

    with load_stops(path) as data:
        r = officer_benchmark(data, reducer=Counting(data.con))
    assert asked == [["officer", "district", "hour", "weekday"]]
    params = {k: v for k, v in r.params.items() if not k.startswith("mapping")}
    assert params == {"minority": ["black"], "match": ["district", "hour", "weekday"], "min_stops": 50,
                      "fdr": 0.05, "alternative": "greater"}  # fmt: skip
    assert r.n_used + sum(r.n_excluded.values()) == 3000


def test_needs_the_subjects_race(officer_rows, tmp_path):
    path = tmp_path / "s.csv"
    officer_rows.drop(columns=["subject_race"]).iloc[:10].to_csv(path, index=False)
    with (
        load_stops(path) as data,
        pytest.raises(InputError, match=r"officer-benchmark needs .*\['subject_race'\]"),
    ):
        officer_benchmark(data)


def test_officers_under_the_minimum_stops_are_left_out_and_counted(officer_rows, tmp_path):
    path = tmp_path / "s.csv"
    rows = officer_rows.iloc[:2900]  # O00-O06 with 400 stops each, O07 with 100
    rows.to_csv(path, index=False)
    with load_stops(path) as data:
        r = officer_benchmark(data, match="district", min_stops=150)
    stops = rows["officer_id_hash"].value_counts()
    kept = stops[stops >= 150]
    assert {o["officer_id_hash"]: o["stops"] for o in r.estimates["officers"]} == kept.to_dict()
    assert (
        r.n_excluded
        == {"officers with fewer than 150 benchmarkable stops": int(stops["O07"])}
        == {"officers with fewer than 150 benchmarkable stops": 100}
    )
    assert r.n_used == kept.sum() == 2800
