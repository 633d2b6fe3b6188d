"""Rates on a file small enough to count by hand: every number of the result (rates, Wilson intervals at the
chosen level, missing counts, ratios to the reference, stop rates against a benchmark with exact Poisson
intervals), its tables and charts, and the benchmark file's reading rules, each against an independent
computation (statsmodels, SciPy) or a count made here."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from continuum.analysis.analyses.rates import rates, read_benchmark
from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops

# group: (stops, searched, not searched, search missing, arrested)
ROWS = {"black": (12, 5, 6, 1, 3), "white": (20, 4, 16, 0, 2), "hispanic": (6, 0, 6, 0, 0)}


@pytest.fixture
def small(tmp_path):
    lines = ["subject_race,search_conducted,arrest_made,date"]
    for race, (stops, yes, no, missing, arrested) in ROWS.items():
        searched = ["true"] * yes + ["false"] * no + [""] * missing
        assert len(searched) == stops
        for i, value in enumerate(searched):
            lines.append(f"{race},{value},{'true' if i < arrested else 'false'},2021-03-0{1 + i % 9}")
    lines.append(",true,false,2021-03-01")  # no group: excluded, counted
    path = tmp_path / "stops.csv"
    path.write_text("\n".join(lines) + "\n")
    with load_stops(path) as data:
        yield data


def test_every_rate_interval_and_missing_count_at_the_chosen_level(small):
    result = rates(small, alpha=0.1)
    assert result.n_excluded == {"subject_race missing or unmapped": 1}
    assert result.counts == {"stops_by_group": {g: row[0] for g, row in ROWS.items()}}
    assert result.params["alpha"] == 0.1 and result.params["reference"] == "white"
    for group, (stops, yes, no, missing, arrested) in ROWS.items():
        got = result.estimates[group]
        assert got["stops"] == stops
        search = got["search_rate"]
        assert (search["k"], search["n"], search["missing_search_rate"]) == (yes, yes + no, missing)
        assert search["rate"] == yes / (yes + no)
        lo, hi = proportion_confint(yes, yes + no, alpha=0.1, method="wilson")
        assert search["ci95"] == pytest.approx([lo, hi], abs=1e-12)
        arrest = got["arrest_rate"]
        assert (arrest["k"], arrest["n"], arrest["missing_arrest_rate"]) == (arrested, stops, 0)
    assert "ratio_to_reference" not in result.estimates["white"]["search_rate"]


def test_ratios_to_the_reference_use_the_level_and_the_katz_interval(small):
    result = rates(small, alpha=0.1)
    black = result.estimates["black"]["search_rate"]
    rr = (5 / 11) / (4 / 20)
    se = math.sqrt(1 / 5 - 1 / 11 + 1 / 4 - 1 / 20)
    z = stats.norm.ppf(0.95)
    assert black["ratio_to_reference"]["ratio"] == pytest.approx(rr, abs=1e-12)
    assert black["ratio_to_reference"]["ci95"] == pytest.approx(
        [rr * math.exp(-z * se), rr * math.exp(z * se)], abs=1e-12
    )
    other = rates(small, reference="black").estimates
    assert "ratio_to_reference" not in other["black"]["search_rate"]
    assert other["white"]["search_rate"]["ratio_to_reference"]["ratio"] == pytest.approx(1 / rr)
    assert all(
        "ratio_to_reference" not in e["search_rate"]
        for e in rates(small, reference="asian").estimates.values()
    )


def test_stop_rates_against_a_benchmark_with_exact_poisson_intervals(small):
    population = {"black": 3000.0, "white": 16000.0}
    result = rates(small, benchmark=population, alpha=0.1)
    black = result.estimates["black"]["stop_rate"]
    assert black["per_1000"] == pytest.approx(1000 * 12 / 3000) and black["population"] == 3000.0
    lo, hi = stats.chi2.ppf(0.05, 24) / 2, stats.chi2.ppf(0.95, 26) / 2
    assert black["ci95"] == pytest.approx([1000 * lo / 3000, 1000 * hi / 3000], abs=1e-12)
    rr = (12 / 3000) / (20 / 16000)
    se = math.sqrt(1 / 12 + 1 / 20)
    z = stats.norm.ppf(0.95)
    assert black["ratio_to_reference"]["ratio"] == pytest.approx(rr, abs=1e-12)
    assert black["ratio_to_reference"]["ci95"] == pytest.approx(
        [rr * math.exp(-z * se), rr * math.exp(z * se)], abs=1e-12
    )
    assert "ratio_to_reference" not in result.estimates["white"]["stop_rate"]
    assert "stop_rate" not in result.estimates["hispanic"]
    assert "No benchmark population for ['hispanic']: no stop rate for them." in result.caveats
    assert any("benchmark problem" in caveat for caveat in result.caveats)
    assert result.charts[0].title == "stops per 1,000 population by subject_race"
    assert [p[0] for p in result.charts[0].points] == ["black", "white"]
    no_reference = rates(small, benchmark={"black": 3000.0})
    assert "ratio_to_reference" not in no_reference.estimates["black"]["stop_rate"]


def test_without_a_benchmark_there_is_no_stop_rate_or_benchmark_caveat(small):
    result = rates(small)
    assert all("stop_rate" not in e for e in result.estimates.values())
    assert not any("benchmark" in caveat for caveat in result.caveats)
    assert result.params["benchmark"] is None


def test_tables_and_charts_carry_every_group_and_the_absent_flags_are_named(small):
    result = rates(small)
    titles = [table.title for table in result.tables]
    assert titles == ["search rate by subject_race", "arrest rate by subject_race"]
    search = result.tables[0]
    assert search.columns == ["subject_race", "k", "n", "rate", "low", "high"]
    row = next(r for r in search.rows if r[0] == "black")
    assert row[:4] == ["black", 5, 11, 5 / 11]
    chart = result.charts[0]
    assert chart.title == "search rate by subject_race" and chart.xlabel == "share of stops"
    assert {p[0] for p in chart.points} == set(ROWS)
    assert "frisk_performed is not in the data: no frisk_rate." in result.caveats
    assert "citation_issued is not in the data: no citation_rate." in result.caveats
    assert not any("search_conducted is not in the data" in c for c in result.caveats)


def test_a_group_whose_outcome_is_never_recorded_has_no_rate_and_no_point(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text("subject_race,search_conducted\nwhite,true\nwhite,false\nblack,\nblack,\n")
    with load_stops(path) as data:
        result = rates(data)
    black = result.estimates["black"]["search_rate"]
    assert (black["rate"], black["n"], black["missing_search_rate"]) == (None, 0, 2)
    assert [p[0] for p in result.charts[0].points] == ["white"]


def test_a_benchmark_file_is_read_by_its_named_columns(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("note,count,subject_race\nx, 5 ,White \ny,7,BLACK\n")
    assert read_benchmark(path) == {"white": 5.0, "black": 7.0}
    other = tmp_path / "other.csv"
    other.write_text("area,residents,extra\n Black ,10,1\nwhite,20,2\n")
    assert read_benchmark(other) == {"black": 10.0, "white": 20.0}
    by_n = tmp_path / "n.csv"
    by_n.write_text("race,people,n\nwhite,1,30\n")
    assert read_benchmark(by_n, group="race") == {"white": 30.0}
    population = tmp_path / "p.csv"
    population.write_text("race,n,population\nwhite,1,40\n")
    assert read_benchmark(population, group="race") == {"white": 40.0}
    counted = tmp_path / "c.csv"  # the count found by its name, not its place
    counted.write_text("subject_race,households,count\nwhite,3,50\n")
    assert read_benchmark(counted) == {"white": 50.0}


def test_rates_names_itself_when_the_group_column_is_missing(small):
    with pytest.raises(InputError, match=r": rates needs standard column\(s\) \['district'\]"):
        rates(small, group="district")


def test_a_benchmark_path_is_read_and_used(small, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("subject_race,population\nblack,3000\nwhite,16000\n")
    assert (
        rates(small, benchmark=str(path)).estimates
        == rates(small, benchmark={"black": 3000, "white": 16000}).estimates
    )


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "benchmark file not found"),
        ("", "benchmark CSV cannot be read"),
        ("subject_race\nwhite\n", "benchmark needs two columns"),
        ("subject_race,population\n", "benchmark needs two columns"),
    ],
)
def test_a_bad_benchmark_file_names_the_file_and_the_problem(tmp_path, content, words):
    path = tmp_path / "pop.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as info:
        read_benchmark(path)
    assert words in str(info.value) and info.value.file == str(path)


def test_a_bad_population_names_its_row_and_column(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("race,count\nwhite,10\nblack,many\n")
    with pytest.raises(InputError) as info:
        read_benchmark(path)
    assert (info.value.row, info.value.column, info.value.file) == (3, "count", str(path))
    assert "population 'many' is not a number" in str(info.value)


def test_the_result_names_itself_its_counts_and_its_choices(small):
    population = {"black": 3000.0, "white": 16000.0}
    result = rates(small, benchmark=population, alpha=0.1)
    assert result.analysis == "rates"
    assert result.n_used == sum(row[0] for row in ROWS.values()) and result.n_input == result.n_used + 1
    assert result.params["group"] == "subject_race" and result.params["benchmark"] == population
    assert "Intervals: Wilson score 90% for proportions" in result.caveats[1]
    assert result.caveats[0].startswith("Rates among stops")
    assert result.charts[0].xlabel == "stops per 1,000"
    assert "frisk_performed is not in the data: no frisk_rate." in result.caveats


def test_a_file_without_the_group_column_is_refused_by_name(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text("search_conducted,date\ntrue,2021-01-01\n")
    with load_stops(path) as data, pytest.raises(InputError) as info:
        rates(data)
    assert "subject_race" in str(info.value) and "rates" in str(info.value)


def test_another_reducer_is_used_when_given(small):
    from continuum.analysis.reduce import DuckDBReducer

    class Counting(DuckDBReducer):
        calls = 0

        def reduce(self, table, spec):
            Counting.calls += 1
            assert set(spec.columns) == {"subject_race", "search_conducted", "arrest_made"}
            return super().reduce(table, spec)

    assert rates(small, reducer=Counting(small.con)).estimates == rates(small).estimates
    assert Counting.calls == 1


def test_a_benchmark_path_reads_the_group_column_by_its_name(small, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("note,subject_race,population\nx,black,3000\ny,white,16000\n")
    assert rates(small, benchmark=path).estimates["black"]["stop_rate"]["population"] == 3000.0


def test_codes_keep_their_leading_zeros_and_the_benchmark_is_read_by_the_group_compared(tmp_path):
    """Group codes read as text (a district "01" is not 1), and a benchmark file is read by the column named
    like the group being compared, wherever it stands."""
    pop = tmp_path / "pop.csv"
    pop.write_text("population,district\n100,01\n400,02\n")
    assert read_benchmark(pop, group="district") == {"01": 100.0, "02": 400.0}
    stops = tmp_path / "stops.csv"
    stops.write_text("district,subject_race\n" + "01,white\n" * 3 + "02,black\n" * 2)
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\ndistrict = { from = "district" }\nsubject_race = { from = "subject_race" }\n'
    )
    with load_stops(stops, mapping) as data:
        result = rates(data, group="district", reference="01", benchmark=str(pop))
    assert result.estimates["01"]["stop_rate"]["per_1000"] == pytest.approx(1000 * 3 / 100)
    assert result.estimates["02"]["stop_rate"]["per_1000"] == pytest.approx(1000 * 2 / 400)
